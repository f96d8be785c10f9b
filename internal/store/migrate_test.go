package store_test

import (
	"context"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestMigrationsShareOneSequence(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i+1, lite[i].Name, pg[i].Name)
		}
	}
}

func TestMigrateIsIdempotentAndRefusesNewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate: applied %v, err %v", applied, err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Fatalf("check schema: %v", err)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			return store.ExecForTest(ctx, tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err == nil {
			t.Fatal("migrate accepted a database newer than the binary")
		}
		if err := s.CheckSchema(ctx); err == nil {
			t.Fatal("check schema accepted a database newer than the binary")
		}
	})
}
