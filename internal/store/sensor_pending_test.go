package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestPendingSightingsEncoding(t *testing.T) {
	h := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	list := []vaern.Sighting{
		{Kind: vaern.IndicatorIP, Value: "198.51.100.7", OrgID: 7, Hour: h, FirstSeen: h.Add(17 * time.Second), LastSeen: h.Add(59 * time.Minute), Count: 41,
			SignatureID: 2001219, Signature: "ET SCAN Potential SSH Scan"},
		{Kind: vaern.IndicatorDomain, Value: "scan.example", OrgID: 7, Hour: h, FirstSeen: h.Add(time.Minute), LastSeen: h.Add(time.Minute), Count: 1,
			SignatureID: 2001219, Signature: "ET SCAN Potential SSH Scan"},
		{Kind: vaern.IndicatorSignature, Value: "2001219", OrgID: 9, Hour: h.Add(-time.Hour), FirstSeen: h.Add(-time.Hour), LastSeen: h.Add(-time.Second), Count: 3,
			Signature: "ET SCAN Potential SSH Scan"},
		{Kind: vaern.IndicatorJA4, Value: "t13d1516h2_8daaf6152771_e5627efa2ab1", OrgID: 7, Hour: h, FirstSeen: h, LastSeen: h, Count: 1, Signature: "æøå ✓"},
	}
	data := store.EncodeSightingsForTest(nil, list)
	got, err := store.DecodeSightingsForTest(nil, data)
	ok(t, err)
	if len(got) != len(list) {
		t.Fatalf("decoded %d of %d", len(got), len(list))
	}
	for i := range list {
		w, g := list[i], got[i]
		if g.Kind != w.Kind || g.Value != w.Value || g.OrgID != w.OrgID || !g.Hour.Equal(w.Hour) || !g.FirstSeen.Equal(w.FirstSeen) ||
			!g.LastSeen.Equal(w.LastSeen) || g.Count != w.Count || g.SignatureID != w.SignatureID || g.Signature != w.Signature {
			t.Errorf("sighting %d: got %+v, want %+v", i, g, w)
		}
	}
	// A blob cut anywhere, or with a byte too many, is refused rather than read as something else.
	for n := range len(data) {
		if _, err := store.DecodeSightingsForTest(nil, data[:n]); err == nil {
			t.Fatalf("cut at %d of %d: no error", n, len(data))
		}
	}
	if _, err := store.DecodeSightingsForTest(nil, append(data[:len(data):len(data)], 0)); err == nil {
		t.Error("a trailing byte: no error")
	}
}

// TestPendingSightingsMerge: an ingest keeps its batch's sightings pending in the batch row; a
// retried batch adds nothing; every reader of the sightings sees them merged; a merge counts each
// batch once, also when several merges run at the same time (each engine).
func TestPendingSightingsMerge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.SetSightingMergeDelay(time.Hour) // no background merge while the test looks
		f := newFixture(t, s)
		ctx := f.ctx
		sn, err := s.CreateSensor(ctx, f.coordA(), vaern.Sensor{OrgID: f.A.Org.ID, Name: "DMZ"}, "hash-pending")
		ok(t, err)
		at := f.clock.Now().Add(-30 * time.Minute).Truncate(time.Minute)
		sight := func(value string, first time.Time, n int64) vaern.Sighting {
			return vaern.Sighting{Kind: vaern.IndicatorIP, Value: value, OrgID: f.A.Org.ID, Hour: first, FirstSeen: first, LastSeen: first.Add(time.Minute),
				Count: n, SignatureID: 2001219, Signature: "ET SCAN"}
		}
		ingest := func(id string, list ...vaern.Sighting) store.IngestResult {
			t.Helper()
			res, err := s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: id, Alerts: sensorAlerts(2, at), Sightings: list})
			ok(t, err)
			return res
		}
		pending := func() int64 { return count(t, s, "SELECT COUNT(*) FROM sensor_batches WHERE sightings IS NOT NULL") }
		ingest("p1", sight("198.51.100.7", at, 5))
		if n := count(t, s, "SELECT COUNT(*) FROM sensor_sightings"); n != 0 || pending() != 1 {
			t.Fatalf("after an ingest: %d sightings rows, %d batches pending; want 0 and 1", n, pending())
		}
		if res := ingest("p1", sight("198.51.100.7", at, 5)); !res.Duplicate {
			t.Fatalf("retry: %+v", res)
		}
		ingest("p2", sight("198.51.100.7", at.Add(-5*time.Minute), 3), sight("203.0.113.9", at, 1))
		if pending() != 2 {
			t.Fatalf("%d batches pending, want 2 (the retry adds none)", pending())
		}
		got, err := s.SightingsSince(ctx, at.Add(-2*time.Hour))
		ok(t, err)
		if pending() != 0 {
			t.Errorf("%d batches still pending after correlation's read", pending())
		}
		byValue := map[string]vaern.Sighting{}
		for _, g := range got {
			byValue[g.Value] = g
		}
		if g := byValue["198.51.100.7"]; len(got) != 2 || g.Count != 8 || !g.FirstSeen.Equal(at.Add(-5*time.Minute)) || !g.LastSeen.Equal(at.Add(time.Minute)) {
			t.Fatalf("merged: %+v", got)
		}
		n, err := s.MergePendingSightings(ctx)
		ok(t, err)
		if n != 0 || count(t, s, "SELECT SUM(count) FROM sensor_sightings") != 9 {
			t.Errorf("a second merge merged %d batches; sum of counts %d, want 9", n, count(t, s, "SELECT SUM(count) FROM sensor_sightings"))
		}
		// The views read merged sightings too.
		ingest("p3", vaern.Sighting{Kind: vaern.IndicatorSignature, Value: "2001219", OrgID: f.A.Org.ID, Hour: at, FirstSeen: at, LastSeen: at, Count: 4})
		hours, err := s.AlertsPerHour(ctx, f.Centre.ID, at.Add(-2*time.Hour))
		ok(t, err)
		if len(hours) != 1 || hours[0].Alerts != 4 {
			t.Errorf("alerts per hour with a batch pending: %+v", hours)
		}
		// Many batches, merged by four merges at once: each batch once.
		const batches = 70 // more than one merge transaction takes
		for i := range batches {
			ingest(fmt.Sprint("m", i), sight("192.0.2.1", at, 1), sight(fmt.Sprint("192.0.2.", 100+i%50), at, 2))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		merged := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.MergePendingSightings(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				merged += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		// A merge that found the rest taken by another returns early; what it left is merged now.
		n, err = s.MergePendingSightings(ctx)
		ok(t, err)
		merged += n
		if merged != batches || pending() != 0 {
			t.Errorf("merged %d batches, want %d; %d pending", merged, batches, pending())
		}
		if c := count(t, s, "SELECT count FROM sensor_sightings WHERE value = '192.0.2.1'"); c != batches {
			t.Errorf("192.0.2.1 counted %d times, want %d", c, batches)
		}
		if c := count(t, s, "SELECT SUM(count) FROM sensor_sightings WHERE value LIKE '192.0.2.1__'"); c != 2*batches {
			t.Errorf("the 50 other addresses counted %d, want %d", c, 2*batches)
		}
	})
}
