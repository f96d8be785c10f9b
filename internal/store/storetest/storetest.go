// Package storetest opens fresh, migrated stores for tests: SQLite always, PostgreSQL when
// VAERN_TEST_POSTGRES is set. Each PostgreSQL store lives in its own schema, so parallel test
// runs never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

// Engines lists the engines a test should run on.
func Engines() []store.Engine {
	if os.Getenv("VAERN_TEST_POSTGRES") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Each runs fn as a subtest on a fresh store of every engine. Without VAERN_TEST_POSTGRES the
// PostgreSQL subtest is skipped with a message saying how to run it.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh, migrated store on engine e, closed and removed when the test ends. Its audit
// log has one chain per organisation, so that tests can predict sequence numbers; OpenWith takes
// other options.
func Open(t testing.TB, e store.Engine) *store.Store {
	t.Helper()
	return OpenWith(t, e, store.Options{AuditShards: 1})
}

// OpenWith is Open with options.
func OpenWith(t testing.TB, e store.Engine, opt store.Options) *store.Store {
	t.Helper()
	return OpenDSN(t, e, DSN(t, e), opt)
}

// OpenDSN opens and migrates the store at dsn (made by DSN, perhaps pointed elsewhere), closed when
// the test ends.
func OpenDSN(t testing.TB, e store.Engine, dsn string, opt store.Options) *store.Store {
	t.Helper()
	if opt.Rules == (store.Rules{}) {
		opt = wire.StoreOptions(opt)
	}
	s, err := store.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open %s store: %v", e, err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s store: %v", e, err)
	}
	return s
}

// DSN returns a connection string for a new, empty database of engine e.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "vaern.db")
	}
	base := os.Getenv("VAERN_TEST_POSTGRES")
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set VAERN_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("VAERN_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
