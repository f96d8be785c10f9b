package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestAuditShards writes concurrently into an organisation whose chain is split into shards (the
// PostgreSQL default) and checks every shard verifies, and that tampering is still found.
func TestAuditShards(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := storetest.OpenWith(t, e, store.Options{AuditShards: 4})
			ctx := context.Background()
			sys := vaern.System("test")
			centre, err := s.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centret", Country: "DK"})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := 0; i < 40; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, err := s.CreateUnit(ctx, sys, centre.ID, 0, fmt.Sprintf("Enhed %d", i))
					errs <- err
				}(i)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			n, probs, err := s.VerifyAudit(ctx)
			if err != nil || len(probs) != 0 || n != 41 {
				t.Fatalf("verify: %d rows, problems %v, err %v", n, probs, err)
			}
			log, err := s.AuditLog(ctx, centre.ID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			shards := map[int64]bool{}
			for _, e := range log {
				shards[e.Shard] = true
			}
			if len(shards) < 2 {
				t.Fatalf("41 rows landed in %d shard(s); want them spread", len(shards))
			}
			victim := log[len(log)/2]
			if err := s.Write(ctx, func(tx *store.Tx) error {
				return store.ExecForTest(ctx, tx, "UPDATE audit_log SET detail = 'x' WHERE id = ?", victim.ID)
			}); err != nil {
				t.Fatal(err)
			}
			_, probs, err = s.VerifyAudit(ctx)
			if err != nil || len(probs) != 1 || probs[0].RowID != victim.ID || probs[0].Shard != victim.Shard || probs[0].Kind != "changed" {
				t.Fatalf("after tampering with row %d (shard %d): %v %v", victim.ID, victim.Shard, probs, err)
			}
		})
	}
}
