package store_test

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// openEmpty opens a store on a new, empty database without migrating it.
func openEmpty(t *testing.T, e store.Engine) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), storetest.DSN(t, e), wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestUpgradeFromEmpty migrates an empty database step by step and in one go to the same schema.
func TestUpgradeFromEmpty(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			migs, err := store.Migrations(e)
			if err != nil {
				t.Fatal(err)
			}
			step := openEmpty(t, e)
			if err := step.CheckSchema(ctx); err == nil || !strings.Contains(err.Error(), "vaern migrate") {
				t.Fatalf("an empty database is accepted: %v", err)
			}
			for _, m := range migs {
				v := m.Version
				applied, err := step.MigrateTo(ctx, v)
				if err != nil || len(applied) != 1 || applied[0] != m.Name {
					t.Fatalf("migrate to %d: %v %v", v, applied, err)
				}
				if got, _ := step.SchemaVersion(ctx); got != v {
					t.Fatalf("at version %d after migrating to %d", got, v)
				}
			}
			if err := step.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
			whole := openEmpty(t, e)
			if applied, err := whole.Migrate(ctx); err != nil || len(applied) != len(migs) {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			a, b := sumsOf(t, step), sumsOf(t, whole)
			if len(a) != len(b) {
				t.Fatalf("step by step: %d tables, in one go: %d", len(a), len(b))
			}
			for name := range a {
				if _, ok := b[name]; !ok {
					t.Errorf("table %s only exists after migrating step by step", name)
				}
			}
			// Data shows up in the newest schema.
			f := richFixture(t, whole)
			verifyAudit(t, whole)
			_ = f
		})
	}
}

// TestUpgradeFromPreviousVersion builds a database at the previous schema version, fills it with the
// fixture's data (every table the platform, baseline and register use existed then), upgrades it,
// and checks that no row changed and that the application works on it.
func TestUpgradeFromPreviousVersion(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			migs, err := store.Migrations(e)
			if err != nil {
				t.Fatal(err)
			}
			prev := migs[len(migs)-2].Version
			s := openEmpty(t, e)
			if _, err := s.MigrateTo(ctx, prev); err != nil {
				t.Fatal(err)
			}
			// Today's code writes the newest schema: the fixture is written there and carried back
			// into the older database, in the columns it has.
			src := storetest.Open(t, e)
			f := richFixture(t, src)
			if err := store.CopyIntoOlderSchemaForTest(ctx, src, s); err != nil {
				t.Fatal(err)
			}
			old, err := store.OldSchemaForTest(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			before := oldSums(t, s, old)
			if err := s.CheckSchema(ctx); err == nil {
				t.Fatal("a database at the previous version is accepted without migrating")
			}
			applied, err := s.Migrate(ctx)
			if err != nil || len(applied) != 1 || applied[0] != migs[len(migs)-1].Name {
				t.Fatalf("upgrade: %v %v", applied, err)
			}
			after := oldSums(t, s, old)
			for name, b := range before {
				if after[name] != b {
					t.Errorf("table %s changed in the upgrade: %+v → %+v", name, b, after[name])
				}
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
			verifyAudit(t, s)
			units, err := s.Units(ctx, f.A.Org.ID)
			if err != nil || len(units) < 4 {
				t.Fatalf("units after the upgrade: %d, %v", len(units), err)
			}
			if as, err := s.Assessments(ctx, f.A.Org.ID); err != nil || len(as) != 1 {
				t.Fatalf("assessments after the upgrade: %v, %v", as, err)
			}
			if _, err := s.CreateUnit(ctx, f.coordA(), f.A.Org.ID, 0, "Efter opgraderingen"); err != nil {
				t.Fatalf("write after the upgrade: %v", err)
			}
			verifyAudit(t, s)
		})
	}
}

// TestFailedMigrationRollsBack adds a migration that fails halfway: nothing of it may remain, the
// version stays, and a fixed migration then applies.
func TestFailedMigrationRollsBack(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			migs, err := store.Migrations(e)
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{}
			dir := path.Join("migrations", string(e))
			entries, err := fs.ReadDir(store.MigrationFSForTest, dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, ent := range entries {
				b, _ := fs.ReadFile(store.MigrationFSForTest, path.Join(dir, ent.Name()))
				fsys[path.Join(dir, ent.Name())] = &fstest.MapFile{Data: b}
			}
			next := migs[len(migs)-1].Version + 1
			name := path.Join(dir, strings.Repeat("0", 4-len(itoa(int64(next))))+itoa(int64(next))+"_broken.sql")
			fsys[name] = &fstest.MapFile{Data: []byte(`CREATE TABLE half_done (id BIGINT PRIMARY KEY);
INSERT INTO half_done (id) VALUES (1);
ALTER TABLE units ADD COLUMN half_done_col TEXT;
INSERT INTO no_such_table (id) VALUES (1);`)}

			s := storetest.Open(t, e)
			f := newFixture(t, s)
			before := sumsOf(t, s)
			store.SetMigrationsForTest(s, fsys)
			if _, err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "broken") {
				t.Fatalf("the broken migration: %v", err)
			}
			if v, _ := s.SchemaVersion(ctx); v != migs[len(migs)-1].Version {
				t.Fatalf("version %d after a failed migration, want %d", v, migs[len(migs)-1].Version)
			}
			if n, err := store.QueryIntForTest(ctx, s, "SELECT COUNT(*) FROM half_done"); err == nil {
				t.Fatalf("the failed migration's table exists (%d rows)", n)
			}
			// The column added by the failed step is gone too: the fixture's rows read as before.
			if _, err := store.QueryIntForTest(ctx, s, "SELECT COUNT(half_done_col) FROM units"); err == nil {
				t.Fatal("the failed migration's column exists")
			}
			store.SetMigrationsForTest(s, store.MigrationFSForTest)
			after := sumsOf(t, s)
			for n, b := range before {
				if after[n] != b {
					t.Errorf("table %s changed by the failed migration", n)
				}
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}

			// The fixed migration applies; this binary then refuses the newer database.
			fsys[name] = &fstest.MapFile{Data: []byte("CREATE TABLE half_done (id BIGINT PRIMARY KEY);")}
			store.SetMigrationsForTest(s, fsys)
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			store.SetMigrationsForTest(s, store.MigrationFSForTest)
			for _, err := range []error{s.CheckSchema(ctx), func() error { _, err := s.Migrate(ctx); return err }()} {
				if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
					t.Fatalf("a newer database: %v", err)
				}
			}
			_ = f
		})
	}
}

// TestUpgradeDemoFromPreviousVersion seeds the whole demo (several years of history for every
// member) at the previous schema version and upgrades it. SQLite only: the seeding takes a while.
func TestUpgradeDemoFromPreviousVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo")
	}
	ctx := context.Background()
	migs, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	s := openEmpty(t, store.SQLite)
	if _, err := s.MigrateTo(ctx, migs[len(migs)-2].Version); err != nil {
		t.Fatal(err)
	}
	src := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(ctx, src); err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	if err := store.CopyIntoOlderSchemaForTest(ctx, src, s); err != nil {
		t.Fatalf("carry the demo back to version %d: %v", migs[len(migs)-2].Version, err)
	}
	old, err := store.OldSchemaForTest(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	before := oldSums(t, s, old)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	after := oldSums(t, s, old)
	var rows int64
	for name, b := range before {
		rows += b.Rows
		if after[name] != b {
			t.Errorf("table %s changed in the upgrade", name)
		}
	}
	if rows < 10000 {
		t.Fatalf("the demo has only %d rows", rows)
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	verifyAudit(t, s)
	if seeded, err := demo.Seed(ctx, s); err != nil || seeded {
		t.Fatalf("the upgraded demo is not recognised: seeded again %v, %v", seeded, err)
	}
}

// oldSums checksums s's tables over the columns of the older schema old.
func oldSums(t *testing.T, s *store.Store, old store.OldSchema) map[string]store.TableSum {
	t.Helper()
	sums, err := store.SumsForTest(context.Background(), s, old)
	if err != nil {
		t.Fatal(err)
	}
	return sums
}
