package sensor

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

func testPseudo(t testing.TB, ranges ...string) *Pseudonymiser {
	t.Helper()
	var rs []netip.Prefix
	for _, r := range ranges {
		rs = append(rs, netip.MustParsePrefix(r))
	}
	p, err := NewPseudonymiser(bytes.Repeat([]byte{7}, 32), rs)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCryptoPAnPreservesPrefixes(t *testing.T) {
	c, err := NewCryptoPAn([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Anonymize(netip.MustParseAddr("10.1.2.3"))
	b := c.Anonymize(netip.MustParseAddr("10.1.2.200"))
	d := c.Anonymize(netip.MustParseAddr("10.1.9.3"))
	other := c.Anonymize(netip.MustParseAddr("192.168.1.1"))
	common := func(x, y netip.Addr) int {
		xs, ys := x.As16(), y.As16()
		n := 0
		for i := range xs {
			for bit := 7; bit >= 0; bit-- {
				if (xs[i]>>bit)&1 != (ys[i]>>bit)&1 {
					return n
				}
				n++
			}
		}
		return n
	}
	if got := common(a, b) - 96; got < 24 {
		t.Errorf("10.1.2.3 and 10.1.2.200 share %d bits after pseudonymisation, want >= 24", got)
	}
	if got := common(a, d) - 96; got < 20 || got >= 24 {
		t.Errorf("10.1.2.3 and 10.1.9.3 share %d bits, want 20..23", got)
	}
	if common(a, other)-96 >= 1 {
		t.Errorf("10/8 and 192.168/16 differ in the first bit and must still do so")
	}
	if a == netip.MustParseAddr("10.1.2.3") {
		t.Error("the pseudonym equals the address")
	}
	if c.Anonymize(netip.MustParseAddr("10.1.2.3")) != a {
		t.Error("not deterministic")
	}
	c2, _ := NewCryptoPAn([]byte("another key, 32 bytes long......"))
	if c2.Anonymize(netip.MustParseAddr("10.1.2.3")) == a {
		t.Error("another key gives the same pseudonym")
	}
	v6 := c.Anonymize(netip.MustParseAddr("fd00::1"))
	if !v6.Is6() || v6 == netip.MustParseAddr("fd00::1") {
		t.Errorf("IPv6 pseudonym %s", v6)
	}
}

func TestPseudonymiserAddresses(t *testing.T) {
	p := testPseudo(t, "203.0.113.0/24")
	for _, tc := range []struct {
		in       string
		internal bool
	}{
		{"10.0.0.1", true}, {"172.16.5.5", true}, {"192.168.1.1", true}, {"127.0.0.1", true}, {"169.254.1.1", true},
		{"fd12::1", true}, {"fe80::1", true}, {"203.0.113.9", true}, {"8.8.8.8", false}, {"2001:db8::1", false},
		{"p:57.1.2.3", true},
	} {
		out, internal, err := p.Address(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if internal != tc.internal {
			t.Errorf("%s: internal %v", tc.in, internal)
		}
		if internal && !strings.HasPrefix(out, PseudoPrefix) {
			t.Errorf("%s: %s is not marked", tc.in, out)
		}
		if tc.internal && tc.in[0] != 'p' && strings.Contains(out, tc.in) {
			t.Errorf("%s kept in the clear: %s", tc.in, out)
		}
		if !internal && out != tc.in {
			t.Errorf("%s changed to %s", tc.in, out)
		}
	}
	for _, bad := range []string{"", "1.2.3", "p:nope", "fe80::1%eth0"} {
		if _, _, err := p.Address(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

const ndjson = `{"timestamp":"2026-12-02T10:15:00.100000+0100","event_type":"alert","src_ip":"10.0.0.5","src_port":51000,"dest_ip":"185.220.101.4","dest_port":443,"proto":"TCP","alert":{"signature_id":2030001,"signature":"ET MALWARE test","category":"A Network Trojan was detected","severity":1},"tls":{"sni":"Evil.Example.","ja3":{"hash":"E7D705A3286E19EA42F587B344EE6865"},"ja4":"t13d1516h2_8daaf6152771_b186095e22b6"},"payload":"AAAA"}
{"timestamp":"2026-12-02T10:16:00Z","event_type":"dns","src_ip":"10.0.0.5","dest_ip":"10.0.0.1","dns":{"rrname":"x.example"}}

not json
{"timestamp":"2026-12-02T10:17:00","event_type":"alert","src_ip":"8.8.8.8","dest_ip":"192.168.1.2","proto":"UDP","alert":{"signature":"no id"}}
{"timestamp":"yesterday","event_type":"alert","src_ip":"8.8.8.8","dest_ip":"1.1.1.1","alert":{"signature_id":1}}
{"event_type":"alert","timestamp":"2026-12-02T10:18:00.5Z","src_ip":"8.8.4.4","dest_ip":"192.168.1.2","proto":"UDP","alert":{"signature_id":2000005,"signature":"ET DNS x","severity":3},"http":{"hostname":"www.example.org","url":"/a?b"},"payload":"BBBB"}
{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]}
`

func TestParseNDJSON(t *testing.T) {
	res, err := Parse([]byte(ndjson), DefaultLimits, Options{Pseudo: testPseudo(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Alerts) != 2 || res.Rejected != 4 || res.Other["dns"] != 1 {
		t.Fatalf("alerts %d rejected %d other %v errors %v", len(res.Alerts), res.Rejected, res.Other, res.Errors)
	}
	wantLines := []int{4, 5, 6, 8}
	for i, e := range res.Errors {
		if e.Line != wantLines[i] {
			t.Errorf("error %d on line %d, want %d: %s", i, e.Line, wantLines[i], e.Message)
		}
	}
	for _, want := range []string{"signature_id", "timestamp", "nested"} {
		found := false
		for _, e := range res.Errors {
			found = found || strings.Contains(e.Message, want)
		}
		if !found {
			t.Errorf("no error mentions %q: %v", want, res.Errors)
		}
	}
	a := res.Alerts[0]
	if !a.SrcInternal || !strings.HasPrefix(a.SrcIP, "p:") || a.DstInternal || a.DestIP != "185.220.101.4" {
		t.Errorf("addresses %+v", a)
	}
	if a.Domain != "evil.example" || a.JA3 != "e7d705a3286e19ea42f587b344ee6865" || a.JA4 == "" || a.Payload != "" {
		t.Errorf("fields %+v", a)
	}
	if a.Time.Hour() != 9 || a.Time.Minute() != 15 {
		t.Errorf("time %v", a.Time)
	}
	if res.Alerts[1].Domain != "www.example.org" || res.Alerts[1].URL != "/a?b" {
		t.Errorf("http %+v", res.Alerts[1])
	}
	// Opted in: payloads kept.
	res, _ = Parse([]byte(ndjson), DefaultLimits, Options{Pseudo: testPseudo(t), KeepPayload: true})
	if res.Alerts[0].Payload != "AAAA" {
		t.Errorf("payload %q", res.Alerts[0].Payload)
	}

	g := Sightings(5, res.Alerts)
	kinds := map[string]int{}
	for _, s := range g {
		kinds[s.Kind]++
		if s.Value == a.SrcIP || strings.HasPrefix(s.Value, "p:") || strings.HasPrefix(s.Value, "192.168.") {
			t.Errorf("a pseudonym or internal address became a sighting: %+v", s)
		}
	}
	if kinds[vaern.IndicatorIP] != 2 || kinds[vaern.IndicatorDomain] != 2 || kinds[vaern.IndicatorJA3] != 1 ||
		kinds[vaern.IndicatorJA4] != 1 || kinds[vaern.IndicatorSignature] != 2 {
		t.Errorf("sightings %v: %+v", kinds, g)
	}
}

func TestParseLimits(t *testing.T) {
	l := DefaultLimits
	l.MaxEvents = 2
	if _, err := Parse([]byte("{}\n{}\n{}\n"), l, Options{}); err == nil {
		t.Error("three events accepted with a limit of two")
	}
	l = DefaultLimits
	l.MaxBytes = 10
	if _, err := Parse([]byte(ndjson), l, Options{}); err == nil {
		t.Error("too large a batch accepted")
	}
	l = DefaultLimits
	l.MaxLine = 100
	res, err := Parse([]byte(ndjson), l, Options{})
	if err != nil || !strings.Contains(res.Errors[0].Message, "longer than") {
		t.Errorf("long line: %v %+v", err, res)
	}
}

func TestParseArrayLines(t *testing.T) {
	body := "[\n  {\"timestamp\":\"2026-01-01T00:00:00Z\",\n   \"event_type\":\"flow\"},\n  {\"event_type\":\"alert\",\n \"timestamp\":\"bad\"},\n  {\"event_type\":\"alert\"\n"
	res, err := Parse([]byte(body), DefaultLimits, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Other["flow"] != 1 || res.Rejected != 2 || res.Errors[0].Line != 4 || res.Errors[1].Line != 6 {
		t.Errorf("%+v", res)
	}
}

func TestReadBodyGzip(t *testing.T) {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write([]byte(ndjson))
	z.Close()
	data, err := ReadBody(bytes.NewReader(buf.Bytes()), true, 1<<20)
	if err != nil || string(data) != ndjson {
		t.Fatalf("%v", err)
	}
	if _, err := ReadBody(bytes.NewReader(buf.Bytes()), true, 100); err == nil {
		t.Error("a gzip bomb beyond the limit was read")
	}
	if _, err := ReadBody(strings.NewReader("not gzip"), true, 100); err == nil {
		t.Error("junk accepted as gzip")
	}
}

// TestRealEVEFiles reads the real Suricata files: a JSON array (honeypot) and NDJSON (tenzir).
func TestRealEVEFiles(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the real EVE files are not available")
	}
	for _, tc := range []struct {
		file      string
		minAlerts int
		other     bool
	}{
		{"suricata/honeypot-2018/alerts-only.json", 10, false},
		{"suricata/tenzir-vast/eve.json", 1, true},
	} {
		data, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Parse(data, DefaultLimits, Options{Pseudo: testPseudo(t, "147.32.84.0/24")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected != 0 || len(res.Alerts) < tc.minAlerts || (tc.other && len(res.Other) == 0) {
			t.Errorf("%s: %d alerts, %d rejected %v, other %v", tc.file, len(res.Alerts), res.Rejected, res.Errors, res.Other)
		}
		for _, a := range res.Alerts {
			if a.SignatureID == 0 || a.Time.IsZero() || a.SrcIP == "" {
				t.Errorf("%s: %+v", tc.file, a)
			}
			if strings.HasPrefix(a.SrcIP, "147.32.84.") || strings.HasPrefix(a.DestIP, "147.32.84.") {
				t.Errorf("%s: the member's own range left in the clear: %+v", tc.file, a)
			}
		}
		// The shipper's reduced lines read back the same.
		if tc.other {
			for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
				out, err := Minimise(line, testPseudo(t, "147.32.84.0/24"), false)
				if err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				if bytes.Contains(out, []byte("147.32.84.")) || bytes.Contains(out, []byte("payload")) {
					t.Errorf("line %d: %s", i+1, out)
				}
				r2, err := Parse(out, DefaultLimits, Options{Pseudo: testPseudo(t)})
				if err != nil || r2.Rejected != 0 {
					t.Errorf("line %d reduced does not read back: %v %+v", i+1, err, r2)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(ndjson))
	f.Add([]byte("[{\"event_type\":\"alert\"},{]"))
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["))
	f.Add([]byte("{\"event_type\":\"alert\",\"src_ip\":\"p:1.2.3.4\",\"dest_ip\":\"::1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"alert\":{\"signature_id\":1}}"))
	p := testPseudo(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(data, DefaultLimits, Options{Pseudo: p})
		if err != nil {
			return
		}
		for _, a := range res.Alerts {
			for _, ip := range []string{a.SrcIP, a.DestIP} {
				if strings.HasPrefix(ip, "p:") {
					continue
				}
				if addr, err := netip.ParseAddr(ip); err != nil || p.Internal(addr) {
					t.Fatalf("internal or bad address kept: %q", ip)
				}
			}
		}
		_ = Sightings(1, res.Alerts)
	})
}

// refParseTime is ParseTime without the fast path: the layouts alone.
func refParseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), t.Year() >= 1990 && t.Year() <= 2200
		}
	}
	return time.Time{}, false
}

// TestFastTimeMatchesTimeParse holds the fast path to the layouts: the cases EVE files have, the
// edges of every field, and random mutations of them.
func TestFastTimeMatchesTimeParse(t *testing.T) {
	cases := []string{"2011-08-12T14:52:57.716360+0200", "2026-12-02T00:00:00.000001-0930", "2024-02-29T23:59:59.999999+0000",
		"2026-02-31T10:00:00.000000+0000", "2026-13-01T10:00:00.000000+0000", "2026-12-02T10:00:00.00000x+0000",
		"2019-01-02T03:50:11.315110", "2026-12-02T10:16:00Z", "2026-12-02T10:18:00.5Z", "2026-12-02T10:17:00", "2026-12-02T10:17:00+01:00",
		"2026-12-02T10:17:00.123456789-01:30", "2026-12-02T10:17:00.1234567891Z", "2026-12-02T10:17:00.Z", "2026-12-02T10:17:00,5Z",
		"2026-12-02T10:17:60Z", "2026-12-02T24:00:00Z", "2026-12-02T10:60:00Z", "2023-02-29T10:00:00Z", "2000-02-29T10:00:00Z",
		"1900-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "1989-12-31T23:59:59Z", "1990-01-01T00:00:00+0100", "2200-12-31T23:59:59-0100",
		"2201-01-01T00:00:00Z", "2026-12-02T10:17:00+24:00", "2026-12-02T10:17:00+2400", "2026-12-02T10:17:00+0160", "2026-12-02T10:17:00z",
		"2026-12-02t10:17:00Z", "2026-12-02T10:17:00 +0100", "2026-12-02T10:17:00+01", "2026-12-02T10:17:00+01:0", "2026-12-02T10:17:00+0100x",
		"2026-12-02T1:17:00Z", "+026-12-02T10:17:00Z", "2026-12-02T10:17:00.-1Z", "2026-04-31T10:00:00Z", "2026-06-30T10:00:00.000Z"}
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "0123456789:.-+TZ,"
	base := len(cases)
	for range 20000 {
		b := []byte(cases[rng.IntN(base)])
		switch rng.IntN(3) {
		case 0:
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			i := rng.IntN(len(b))
			b = append(b[:i], b[i+1:]...)
		default:
			i := rng.IntN(len(b) + 1)
			b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
		}
		cases = append(cases, string(b))
	}
	fast := 0
	for _, s := range cases {
		want, wok := refParseTime(s)
		got, err := ParseTime(s)
		if wok != (err == nil) || wok && (got != want || got.Location() != time.UTC) {
			t.Fatalf("%q: got %v %v, the layouts %v %v", s, got, err, want, wok)
		}
		if _, ok := fastTime(s); ok {
			fast++
		}
	}
	if fast < 1000 {
		t.Errorf("the fast path took only %d of %d", fast, len(cases))
	}
}
