package sensor

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

// TestPseudonymCacheAgreesWithCryptoPAn runs more internal addresses than the cache holds, each
// several times, so that sets fill and entries are replaced, and checks every answer against
// CryptoPAn itself.
func TestPseudonymCacheAgreesWithCryptoPAn(t *testing.T) {
	p := testPseudo(t)
	rng := rand.New(rand.NewPCG(1, 2))
	addrs := []netip.Addr{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("::"), netip.MustParseAddr("fe80::1")}
	for range 40_000 {
		addrs = append(addrs, netip.AddrFrom4([4]byte{10, byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}))
	}
	for range 2_000 {
		var b [16]byte
		b[0] = 0xfd
		for i := 8; i < 16; i++ {
			b[i] = byte(rng.IntN(256))
		}
		addrs = append(addrs, netip.AddrFrom16(b))
	}
	for round := range 3 {
		for _, a := range addrs {
			got, internal, err := p.Address(a.String())
			if err != nil || !internal {
				t.Fatalf("%s: %v internal=%v", a, err, internal)
			}
			if want := PseudoPrefix + p.pan.Anonymize(a).String(); got != want {
				t.Fatalf("round %d, %s: %s from the cache, CryptoPAn says %s", round, a, got, want)
			}
		}
	}
}

// sightingsRef is the plain map-keyed derivation the table replaced, kept as the reference.
func sightingsRef(orgID int64, alerts []vaern.SensorAlert) []vaern.Sighting {
	type key struct {
		kind, value string
		hour        int64
	}
	idx := map[key]int{}
	var out []vaern.Sighting
	add := func(kind, value string, a *vaern.SensorAlert, hour time.Time) {
		if value == "" {
			return
		}
		k := key{kind, value, hour.Unix()}
		if i, ok := idx[k]; ok {
			g := &out[i]
			g.Count++
			if a.Time.Before(g.FirstSeen) {
				g.FirstSeen = a.Time
			}
			if a.Time.After(g.LastSeen) {
				g.LastSeen = a.Time
			}
			return
		}
		g := vaern.Sighting{Kind: kind, Value: value, OrgID: orgID, Hour: hour, FirstSeen: a.Time, LastSeen: a.Time, Count: 1,
			SignatureID: a.SignatureID, Signature: a.Signature}
		if kind == vaern.IndicatorSignature {
			g.SignatureID = 0
		}
		idx[k] = len(out)
		out = append(out, g)
	}
	for i := range alerts {
		a := &alerts[i]
		hour := a.Time.UTC().Truncate(time.Hour)
		if !a.SrcInternal {
			add(vaern.IndicatorIP, a.SrcIP, a, hour)
		}
		if !a.DstInternal {
			add(vaern.IndicatorIP, a.DestIP, a, hour)
		}
		add(vaern.IndicatorDomain, a.Domain, a, hour)
		add(vaern.IndicatorJA3, a.JA3, a, hour)
		add(vaern.IndicatorJA4, a.JA4, a, hour)
		add(vaern.IndicatorSignature, strconv.FormatInt(a.SignatureID, 10), a, hour)
	}
	return out
}

// TestSightingsMatchReference compares the table against the reference on alerts that repeat
// values across hours, out of time order, with the table growing several times.
func TestSightingsMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	for _, n := range []int{0, 1, 7, 5000} {
		alerts := make([]vaern.SensorAlert, n)
		for i := range alerts {
			a := &alerts[i]
			a.Time = base.Add(time.Duration(rng.Int64N(int64(5 * time.Hour)))).Add(-2 * time.Hour)
			a.SignatureID = 2000000 + rng.Int64N(50)
			a.Signature = fmt.Sprint("sig ", a.SignatureID)
			a.SrcIP = fmt.Sprintf("198.51.%d.%d", rng.IntN(4), rng.IntN(200))
			a.SrcInternal = rng.IntN(3) == 0
			a.DestIP = fmt.Sprintf("203.0.113.%d", rng.IntN(50))
			a.DstInternal = rng.IntN(2) == 0
			if rng.IntN(3) == 0 {
				a.Domain = fmt.Sprintf("host-%d.example", rng.IntN(40))
			}
			if rng.IntN(4) == 0 {
				a.JA3 = fmt.Sprintf("%032x", rng.IntN(5))
				a.JA4 = fmt.Sprintf("t13d_%d", rng.IntN(5))
			}
		}
		got, want := Sightings(9, alerts), sightingsRef(9, alerts)
		if len(got) != len(want) {
			t.Fatalf("%d alerts: %d sightings, the reference %d", n, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if !g.Hour.Equal(w.Hour) || !g.FirstSeen.Equal(w.FirstSeen) || !g.LastSeen.Equal(w.LastSeen) {
				t.Fatalf("%d alerts, sighting %d: times %+v, the reference %+v", n, i, g, w)
			}
			g.Hour, g.FirstSeen, g.LastSeen = w.Hour, w.FirstSeen, w.LastSeen
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("%d alerts, sighting %d: %+v, the reference %+v", n, i, g, w)
			}
		}
	}
}

// TestAlertObjectMissingOrEmpty: the parser reuses one alert object across lines, so an alert
// line without one, with null or with one lacking the signature id must still be told apart,
// and a line must not inherit the previous line's alert.
func TestAlertObjectMissingOrEmpty(t *testing.T) {
	head := `{"timestamp":"2026-12-02T10:15:00.100000+0100","event_type":"alert","src_ip":"8.8.8.8","dest_ip":"1.1.1.1"`
	body := head + `,"alert":{"signature_id":7,"signature":"first"}}` + "\n" +
		head + "}\n" +
		head + `,"alert":null}` + "\n" +
		head + `,"alert":{"signature":"no id"}}` + "\n" +
		head + `,"alert":{"signature_id":8}}` + "\n"
	res, err := Parse([]byte(body), DefaultLimits, Options{Pseudo: testPseudo(t)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Alerts) != 2 || res.Alerts[1].SignatureID != 8 || res.Alerts[1].Signature != "" {
		t.Fatalf("alerts %+v", res.Alerts)
	}
	want := []string{"alert: the alert object is missing", "alert: the alert object is missing", "alert.signature_id: must be a positive number"}
	for i, e := range res.Errors {
		if e.Line != i+2 || e.Message != want[i] {
			t.Errorf("error %d: line %d %q, want line %d %q", i, e.Line, e.Message, i+2, want[i])
		}
	}
}

// TestParseKeepsNothingOfTheBody: the HTTP handler reuses batch buffers (ReadBodyPooled), which
// is safe only while nothing Parse returns points into the body. Overwrite the body after
// parsing and compare with a parse of an untouched copy.
func TestParseKeepsNothingOfTheBody(t *testing.T) {
	body := []byte(ndjson + `{"timestamp":"2026-12-02T10:19:00Z","event_type":"alert","src_ip":"203.0.113.5","dest_ip":"10.0.0.9","alert":{"signature_id":5,"signature":"esc\"aped \u00e6"},"http":{"hostname":"Upper.Example","url":"/x"},"payload":"QUJD"}` + "\n")
	want, err := Parse(bytes.Clone(body), DefaultLimits, Options{Pseudo: testPseudo(t), KeepPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(body, DefaultLimits, Options{Pseudo: testPseudo(t), KeepPayload: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the parse changed with its body:\n%+v\n%+v", got, want)
	}
	if len(got.Alerts) != 3 {
		t.Errorf("%d alerts", len(got.Alerts))
	}
}
