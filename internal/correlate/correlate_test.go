package correlate

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

// t0 is the fake clock's start: every test time is an offset from it.
var t0 = time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// seen is one member seeing the indicator between two minutes past t0.
func seen(org int64, from, to int) vaern.Sighting {
	return vaern.Sighting{Kind: vaern.IndicatorIP, Value: "203.0.113.7", OrgID: org, Hour: at(from).Truncate(time.Hour),
		FirstSeen: at(from), LastSeen: at(to), Count: 2, SignatureID: 2024001, Signature: "ET SCAN probe"}
}

func TestEngine(t *testing.T) {
	type want struct {
		first, last int
		members     []int64
	}
	cases := []struct {
		name string
		k    int
		in   []vaern.Sighting
		want []want
	}{
		{"k members within the window", 3, []vaern.Sighting{seen(1, 0, 0), seen(2, 10, 10), seen(3, 50, 50)},
			[]want{{0, 50, []int64{1, 2, 3}}}},
		{"k-1 members: nothing", 3, []vaern.Sighting{seen(1, 0, 5), seen(2, 10, 20)}, nil},
		{"same member many times counts once", 3, []vaern.Sighting{seen(1, 0, 0), seen(1, 5, 5), seen(1, 9, 9), seen(2, 10, 10)}, nil},
		{"exactly at the window's edge", 3, []vaern.Sighting{seen(1, 0, 0), seen(2, 30, 30), seen(3, 60, 60)},
			[]want{{0, 60, []int64{1, 2, 3}}}},
		{"one minute past the edge", 3, []vaern.Sighting{seen(1, 0, 0), seen(2, 30, 30), seen(3, 61, 61)}, nil},
		{"out-of-order arrival", 3, []vaern.Sighting{seen(3, 50, 50), seen(1, 0, 0), seen(2, 10, 10)},
			[]want{{0, 50, []int64{1, 2, 3}}}},
		{"sliding expiry: the oldest member leaves before the third comes", 3,
			[]vaern.Sighting{seen(1, 0, 0), seen(2, 40, 40), seen(3, 90, 90)}, nil},
		{"sliding: a later window qualifies without the first member", 3,
			[]vaern.Sighting{seen(1, 0, 0), seen(2, 40, 40), seen(3, 90, 90), seen(4, 95, 95)},
			[]want{{40, 95, []int64{2, 3, 4}}}},
		{"a burst that keeps growing is one warning", 3,
			[]vaern.Sighting{seen(1, 0, 0), seen(2, 10, 10), seen(3, 20, 20), seen(4, 70, 70), seen(5, 75, 75), seen(6, 200, 200)},
			[]want{{0, 75, []int64{1, 2, 3, 4, 5}}}},
		{"two separate bursts", 3,
			[]vaern.Sighting{seen(1, 0, 0), seen(2, 10, 10), seen(3, 20, 20), seen(4, 300, 300), seen(5, 310, 310), seen(6, 320, 320)},
			[]want{{0, 20, []int64{1, 2, 3}}, {300, 320, []int64{4, 5, 6}}}},
		{"a sighting's last seen brings it into the window", 3,
			[]vaern.Sighting{seen(1, 0, 55), seen(2, 100, 100), seen(3, 110, 110)},
			[]want{{55, 110, []int64{1, 2, 3}}}},
		{"k of 2", 2, []vaern.Sighting{seen(7, 0, 0), seen(9, 59, 59)}, []want{{0, 59, []int64{7, 9}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New(Settings{K: c.k, SignatureK: c.k, Window: time.Hour}, nil)
			got := e.Run(c.in)
			if len(got) != len(c.want) {
				t.Fatalf("got %d warnings %+v, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if !g.FirstSeen.Equal(at(w.first)) || !g.LastSeen.Equal(at(w.last)) || !reflect.DeepEqual(g.Members, w.members) {
					t.Errorf("warning %d: %s–%s members %v, want %s–%s %v", i, g.FirstSeen, g.LastSeen, g.Members, at(w.first), at(w.last), w.members)
				}
				if g.Kind != vaern.IndicatorIP || g.Value != "203.0.113.7" || g.SignatureID != 2024001 || g.Signature != "ET SCAN probe" {
					t.Errorf("warning %d: %+v", i, g)
				}
			}
			// Running again over the same input (the job every minute) gives the same warnings.
			if again := e.Run(c.in); !reflect.DeepEqual(again, got) {
				t.Errorf("second run differs: %+v", again)
			}
		})
	}
}

func TestEngineKeepsIndicatorsApart(t *testing.T) {
	var in []vaern.Sighting
	for org := int64(1); org <= 3; org++ {
		a := seen(org, int(org), int(org))
		b := a
		b.Kind = vaern.IndicatorDomain
		b.Value = "evil.example"
		c := a
		c.Value = "198.51.100.1"
		if org == 3 {
			c.OrgID = 1 // the third IP sighting is by a member already counted
		}
		in = append(in, a, b, c)
	}
	got := New(Default(), nil).Run(in)
	if len(got) != 2 || got[0].Kind != vaern.IndicatorDomain || got[1].Value != "203.0.113.7" {
		t.Fatalf("%+v", got)
	}
	if got[1].Alerts != 6 {
		t.Errorf("alerts %d, want 6", got[1].Alerts)
	}
}

func TestSignatureCorrelation(t *testing.T) {
	var in []vaern.Sighting
	for org := int64(1); org <= 4; org++ {
		in = append(in, vaern.Sighting{Kind: vaern.IndicatorSignature, Value: "2031412", OrgID: org, FirstSeen: at(int(org)), LastSeen: at(int(org)), Count: 1, Signature: "ET EXPLOIT Fortinet"})
	}
	if got := New(Default(), nil).Run(in); len(got) != 0 {
		t.Fatalf("four members are fewer than the default signature k: %+v", got)
	}
	got := New(Settings{K: 3, SignatureK: 4, Window: time.Hour}, nil).Run(in)
	if len(got) != 1 || got[0].SignatureID != 2031412 || len(got[0].Members) != 4 {
		t.Fatalf("%+v", got)
	}
}

func TestWarninglistSuppresses(t *testing.T) {
	lists, err := Compile(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	var in []vaern.Sighting
	for org := int64(1); org <= 3; org++ {
		g := seen(org, int(org), int(org))
		g.Value = "9.9.9.9"
		h := g
		h.Kind, h.Value = vaern.IndicatorDomain, "Download.Windowsupdate.com"
		in = append(in, g, h, seen(org, int(org), int(org)))
	}
	got := New(Default(), lists).Run(in)
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	by := map[string]string{}
	for _, w := range got {
		by[w.Value] = w.SuppressedBy
	}
	if by["9.9.9.9"] != "Værn: public DNS resolvers" || by["Download.Windowsupdate.com"] == "" || by["203.0.113.7"] != "" {
		t.Errorf("suppressed by %v", by)
	}
}

func TestWarninglistTypes(t *testing.T) {
	mk := func(typ string, attrs []string, entries ...string) Warninglist {
		w := Warninglist{Name: typ, Type: typ, List: entries, MatchingAttributes: attrs}
		if err := Check(&w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	lists, err := Compile([]Warninglist{
		mk("cidr", []string{"ip-dst"}, "192.0.2.0/24", "2001:db8::/32"),
		mk("string", nil, "ABCDEF0123"),
		mk("substring", []string{"hostname"}, "akamai"),
		mk("regex", []string{"domain"}, `^cdn[0-9]+\.example\.net$`),
		mk("hostname", []string{"domain"}, "*.cloudfront.net"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ kind, value, want string }{
		{"ip", "192.0.2.200", "cidr"}, {"ip", "2001:db8::1", "cidr"}, {"ip", "192.0.3.1", ""},
		{"domain", "192.0.2.1", ""}, // a cidr list with ip attributes does not match domains
		{"ja3", "abcdef0123", "string"}, {"domain", "e1.akamaiedge.net", "substring"},
		{"domain", "cdn12.example.net", "regex"}, {"domain", "xcdn12.example.net", ""},
		{"domain", "d1.cloudfront.net", "hostname"}, {"domain", "cloudfront.net", "hostname"}, {"domain", "cloudfront.net.evil", ""},
	} {
		if got := lists.Match(c.kind, c.value); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.kind, c.value, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, field string }{
		{`{"name":"x","type":"cidr","list":["1.2.3.4","nope"]}`, "list"},
		{`{"name":"","type":"cidr","list":["1.2.3.4"]}`, "name"},
		{`{"name":"x","type":"glob","list":["a"]}`, "type"},
		{`{"name":"x","type":"regex","list":["(("]}`, "list"},
		{`{"name":"x","list":[]}`, "list"},
		{`[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]`, "file"},
		{`{"name":`, "file"},
	} {
		_, err := Parse([]byte(c.in))
		var ve *vaern.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%s: %v, want an error on %s", c.in, err, c.field)
		}
	}
}
