package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestSightingsAddUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		at := time.Date(2026, 11, 30, 10, 17, 0, 0, time.UTC)
		add := func(first, last time.Time, n int64) {
			t.Helper()
			err := s.Write(ctx, func(tx *store.Tx) error {
				return tx.AddSightings(ctx, []vaern.Sighting{{Kind: vaern.IndicatorIP, Value: "198.51.100.7", OrgID: f.A.Org.ID,
					Hour: first, FirstSeen: first, LastSeen: last, Count: n, SignatureID: 2019401, Signature: "ET POLICY test"}})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		add(at, at.Add(time.Minute), 3)
		add(at.Add(-10*time.Minute), at.Add(20*time.Minute), 2) // same hour: widens and adds
		add(at.Add(time.Hour), at.Add(time.Hour), 1)            // next hour: its own bucket
		got, err := s.SightingsSince(ctx, at.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("got %d buckets, want 2: %+v", len(got), got)
		}
		g := got[0]
		if g.Count != 5 || !g.FirstSeen.Equal(at.Add(-10*time.Minute)) || !g.LastSeen.Equal(at.Add(20*time.Minute)) || !g.Hour.Equal(at.Truncate(time.Hour)) {
			t.Errorf("first bucket = %+v", g)
		}
		if later, _ := s.SightingsSince(ctx, at.Add(30*time.Minute)); len(later) != 1 || later[0].Count != 1 {
			t.Errorf("since a later time: %+v", later)
		}
	})
}

// TestIngestWritesSightingsInBulk sends batches larger than one multi-row statement (alerts and
// sightings), with a sighting named twice in one list and a second batch that overlaps the
// first: the counts add up, first and last seen widen, and each row is stored once.
func TestIngestWritesSightingsInBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		sn, err := s.CreateSensor(ctx, f.coordA(), vaern.Sensor{OrgID: f.A.Org.ID, Name: "bulk"}, "hash-bulk")
		ok(t, err)
		at := f.clock.Now().Add(-2 * time.Hour).Truncate(time.Hour).Add(10 * time.Minute)
		const n = 2500
		list := func(shift time.Duration, count int64) []vaern.Sighting {
			out := make([]vaern.Sighting, 0, n+1)
			for i := range n {
				out = append(out, vaern.Sighting{Kind: vaern.IndicatorIP, Value: fmt.Sprintf("198.51.%d.%d", i/250, i%250), OrgID: f.A.Org.ID,
					Hour: at, FirstSeen: at.Add(shift), LastSeen: at.Add(shift), Count: count, SignatureID: 2001219, Signature: "ET SCAN"})
			}
			return out
		}
		first := list(0, 2)
		dup := first[7]
		dup.FirstSeen, dup.LastSeen, dup.Count = at.Add(-time.Minute), at.Add(time.Minute), 1
		first = append(first, dup) // the same key twice in one batch
		_, err = s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: "bulk-1", Alerts: sensorAlerts(1500, at), Sightings: first})
		ok(t, err)
		_, err = s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: "bulk-2", Alerts: sensorAlerts(3, at), Sightings: list(20*time.Minute, 5)})
		ok(t, err)
		if c := count(t, s, "SELECT COUNT(*) FROM sensor_alerts"); c != 1503 {
			t.Errorf("%d alerts stored, want 1503", c)
		}
		got, err := s.SightingsSince(ctx, at.Add(-time.Hour))
		ok(t, err)
		if len(got) != n {
			t.Fatalf("%d sightings, want %d", len(got), n)
		}
		for _, g := range got {
			want, firstSeen := int64(7), at
			if g.Value == dup.Value {
				want, firstSeen = 8, at.Add(-time.Minute)
			}
			if g.Count != want || !g.FirstSeen.Equal(firstSeen) || !g.LastSeen.Equal(at.Add(20*time.Minute)) || g.Signature != "ET SCAN" {
				t.Fatalf("%s: %+v, want count %d from %v to %v", g.Value, g, want, firstSeen, at.Add(20*time.Minute))
			}
		}
	})
}
