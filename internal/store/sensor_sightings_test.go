package store_test

import (
	"context"
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
