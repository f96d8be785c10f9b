package store_test

import (
	"context"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// TestDurableByDefault: the default settings survive a power loss, not only a killed process. SQLite
// runs in WAL mode with synchronous=FULL (2) unless Fast asks for NORMAL (1); PostgreSQL sessions run
// with synchronous_commit=on whatever the server's default.
func TestDurableByDefault(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		fast bool
		want int64
	}{{false, 2}, {true, 1}} {
		s, err := store.Open(ctx, storetest.DSN(t, store.SQLite), wire.StoreOptions(store.Options{Fast: c.fast}))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got, err := store.QueryIntForTest(ctx, s, "PRAGMA synchronous"); err != nil || got != c.want {
			t.Errorf("fast=%v: synchronous=%d (%v), want %d", c.fast, got, err, c.want)
		}
		var mode string
		if err := store.QueryRowForTest(ctx, s, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode=%q (%v), want wal", mode, err)
		}
	}
	t.Run("postgres", func(t *testing.T) {
		s := storetest.Open(t, store.Postgres)
		var v string
		if err := store.QueryRowForTest(ctx, s, "SHOW synchronous_commit").Scan(&v); err != nil || v != "on" {
			t.Fatalf("synchronous_commit=%q (%v), want on", v, err)
		}
	})
}
