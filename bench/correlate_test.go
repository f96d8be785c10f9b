package bench

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/bits-and-blooms/bitset"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
)

// Correlation over 1 million alerts from 300 members (issue 14, item 9): Værn's engine (sliding
// window per indicator, bursts, warninglists) against a bare in-memory pass written for the
// purpose: one member bitset per indicator and fixed window, set a bit per alert, count the
// windows with k members. Both read the same slice, ordered as store.SightingsSince returns it.
//
//	go test ./bench -run '^$' -bench Correlate -benchtime 5x

const (
	corrAlerts  = 1_000_000
	corrMembers = 300
)

var corrInput []vaern.Sighting

// corrData is a day of alerts: each is one sighting (count 1) of an external address (80 %),
// a domain (15 %) or a signature id (5 %), with a long tail of values seen once and a head of
// scanners that many members see; 20 bursts where 4–9 members see one address within 40 minutes.
func corrData() []vaern.Sighting {
	if corrInput != nil {
		return corrInput
	}
	rng := rand.New(rand.NewPCG(9, 1_000_000))
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(1, 2)), 1.2, 8, 200_000)
	out := make([]vaern.Sighting, 0, corrAlerts)
	for len(out) < corrAlerts-200 {
		at := t0.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
		g := vaern.Sighting{OrgID: int64(1 + rng.IntN(corrMembers)), Hour: at.Truncate(time.Hour), FirstSeen: at, LastSeen: at, Count: 1,
			SignatureID: 2_000_000 + int64(rng.IntN(400)), Signature: "ET SCAN"}
		v := zipf.Uint64()
		switch r := rng.IntN(100); {
		case r < 80:
			g.Kind, g.Value = vaern.IndicatorIP, fmt.Sprintf("%d.%d.%d.%d", 11+v>>16&0x3f, v>>8&0xff, v&0xff, 1+v%250)
		case r < 95:
			g.Kind, g.Value = vaern.IndicatorDomain, "host"+strconv.FormatUint(v, 36)+".example.net"
		default:
			g.Kind, g.Value = vaern.IndicatorSignature, strconv.FormatInt(g.SignatureID, 10)
		}
		out = append(out, g)
	}
	for b := 0; b < 20; b++ {
		start := t0.Add(time.Duration(rng.Int64N(int64(23 * time.Hour))))
		for m := 0; m < 4+b%6; m++ {
			at := start.Add(time.Duration(m*5) * time.Minute)
			out = append(out, vaern.Sighting{Kind: vaern.IndicatorIP, Value: fmt.Sprintf("192.0.2.%d", b), OrgID: int64(1 + rng.IntN(corrMembers)),
				Hour: at.Truncate(time.Hour), FirstSeen: at, LastSeen: at, Count: 1, SignatureID: 2049999, Signature: "ET EXPLOIT"})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.LastSeen.Before(b.LastSeen)
	})
	corrInput = out
	return out
}

// bareCorrelate is the bare pass: a bitset of members per (indicator, fixed window) kept in
// one flat arena of words, k or more set bits is a hit. bitset.From gives the library's count.
func bareCorrelate(in []vaern.Sighting, k int, w time.Duration) int {
	type key struct {
		kind, value string
		win         int64
	}
	const words = (corrMembers + 64) / 64
	index := make(map[key]int32, len(in)/2)
	arena := make([]uint64, 0, len(in)/2*words)
	wm := w.Milliseconds()
	for i := range in {
		g := &in[i]
		kk := key{g.Kind, g.Value, g.LastSeen.UnixMilli() / wm}
		at, ok := index[kk]
		if !ok {
			at = int32(len(arena))
			index[kk] = at
			arena = append(arena, make([]uint64, words)...)
		}
		m := uint(g.OrgID)
		arena[int(at)+int(m/64)] |= 1 << (m % 64)
	}
	hits := 0
	for at := 0; at < len(arena); at += words {
		if int(bitset.From(arena[at:at+words]).Count()) >= k {
			hits++
		}
	}
	return hits
}

// BenchmarkCorrelate runs the bare pass and the engine alternately, five rounds each, and
// reports the fastest round of each and their ratio: on a loaded machine the two see the same
// load, round by round.
func BenchmarkCorrelate(b *testing.B) {
	in := corrData()
	lists, err := correlate.Compile(correlate.Defaults())
	if err != nil {
		b.Fatal(err)
	}
	e := correlate.New(correlate.Default(), lists)
	bare, engine := time.Duration(1<<62), time.Duration(1<<62)
	hits, warnings := 0, 0
	for b.Loop() {
		for range 5 {
			start := time.Now()
			hits = bareCorrelate(in, 3, time.Hour)
			bare = min(bare, time.Since(start))
			start = time.Now()
			warnings = len(e.Run(in))
			engine = min(engine, time.Since(start))
		}
	}
	b.ReportMetric(float64(len(in))/bare.Seconds(), "bare-alerts/s")
	b.ReportMetric(float64(len(in))/engine.Seconds(), "engine-alerts/s")
	b.ReportMetric(float64(engine)/float64(bare), "engine/bare")
	b.Logf("%d alerts from %d members: bare %s (%d windows with k members), engine %s (%d early warnings), engine/bare %.2f",
		len(in), corrMembers, bare, hits, engine, warnings, float64(engine)/float64(bare))
}
