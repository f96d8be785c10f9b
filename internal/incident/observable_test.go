package incident

import (
	"strings"
	"testing"
)

func TestParseObservable(t *testing.T) {
	good := []struct{ in, typ, want string }{
		{"192.0.2.10", ObsIP, "192.0.2.10"},
		{" 192[.]0[.]2[.]10 ", ObsIP, "192.0.2.10"},
		{"2001:DB8::1", ObsIP, "2001:db8::1"},
		{"::ffff:192.0.2.1", ObsIP, "192.0.2.1"},
		{"10.1.2.3/8", ObsCIDR, "10.0.0.0/8"},
		{"Evil-Example.DK.", ObsDomain, "evil-example.dk"},
		{"evil[.]example[.]com", ObsDomain, "evil.example.com"},
		{"kommune-løn.dk", ObsDomain, "kommune-løn.dk"},
		{"hxxps://Evil.Example.com/login?a=1#x", ObsURL, "https://evil.example.com/login?a=1"},
		{"hxxp[://]evil[.]example[.]com/x", ObsURL, "http://evil.example.com/x"},
		{"http://[2001:db8::1]:8080/", ObsURL, "http://[2001:db8::1]:8080/"},
		{"Phish@Evil.Example[.]com", ObsEmail, "phish@evil.example.com"},
		{"phish[at]evil.example.com", ObsEmail, "phish@evil.example.com"},
		{"D41D8CD98F00B204E9800998ECF8427E", ObsMD5, "d41d8cd98f00b204e9800998ecf8427e"},
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", ObsSHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ObsSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"ja3:E7D705A3286E19EA42F587B344EE6865", ObsJA3, "e7d705a3286e19ea42f587b344ee6865"},
		{"domain:evil.example.com", ObsDomain, "evil.example.com"},
	}
	for _, g := range good {
		o, err := ParseObservable(g.in)
		if err != nil || o.Type != g.typ || o.Value != g.want {
			t.Errorf("%q: %+v %v, want %s %s", g.in, o, err, g.typ, g.want)
		}
	}
	for _, b := range []string{"", "999.1.1.1", "localhost", "exa mple.com", "javascript:alert(1)", "http://user:pw@evil.example.com/",
		"1.2.3.4/33", "md5:abc", "a@b", "-bad-.com", "example.123", strings.Repeat("a", 3000), "file:///etc/passwd", "fe80::1%eth0"} {
		if o, err := ParseObservable(b); err == nil {
			t.Errorf("%q accepted as %+v", b, o)
		}
	}
}

func TestParseObservablesDedupesAndLimits(t *testing.T) {
	got, err := ParseObservables([]string{"evil.example.com", "EVIL.example.com.", "", "192.0.2.1"})
	if err != nil || len(got) != 2 {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := ParseObservables([]string{strings.Repeat("a", 70<<10)}); err == nil {
		t.Error("oversized list accepted")
	}
}

// FuzzParseObservable: whatever is pasted, the parser answers without panicking, and what it
// accepts is stable: parsing the normalised value again gives the same type and value.
func FuzzParseObservable(f *testing.F) {
	for _, s := range []string{"192.0.2.1", "10.0.0.0/8", "hxxps://evil[.]example[.]com/a?b", "phish@example.dk",
		"d41d8cd98f00b204e9800998ecf8427e", "ja3:e7d705a3286e19ea42f587b344ee6865", "[::1]", "x", "évil.dk", "http://[::1]:80/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseObservable(s)
		if err != nil {
			return
		}
		again, err := ParseObservable(o.Type + ":" + o.Value)
		if o.Type == ObsURL {
			again, err = ParseObservable(o.Value)
		}
		if err != nil || again.Value != o.Value || again.Type != o.Type {
			t.Fatalf("%q → %+v, again %+v %v", s, o, again, err)
		}
	})
}
