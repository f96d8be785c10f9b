package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one embedded schema step. Both engines share one version sequence.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the engine's migrations in order.
func Migrations(e Engine) ([]Migration, error) {
	return migrationsIn(migrationFS, e)
}

// migrations returns the store's migrations: the embedded ones unless a test replaced them.
func (s *Store) migrations() ([]Migration, error) {
	if s.migFS != nil {
		return migrationsIn(s.migFS, s.engine)
	}
	return Migrations(s.engine)
}

func migrationsIn(fsys fs.FS, e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dir, err)
	}
	var out []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a version number and _", name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	// Numbers are reserved ahead for modules built in parallel, so a number may be missing for a
	// while; each number is used once and they only go up.
	for i, m := range out {
		if m.Version < 1 || (i > 0 && m.Version == out[i-1].Version) {
			return nil, fmt.Errorf("migrations %s: version %d is used twice or is not positive (%s)", e, m.Version, m.Name)
		}
	}
	return out, nil
}

// latest is the version of the newest migration (0 with none).
func latest(migs []Migration) int {
	if len(migs) == 0 {
		return 0
	}
	return migs[len(migs)-1].Version
}

// SchemaVersion returns the version the database is at (0 for an empty database).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	var v int
	err := s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Migrate brings the schema up to date, one transaction per migration, forward only. It refuses a
// database newer than this binary. On PostgreSQL an advisory lock keeps several nodes that start at
// once from applying the same step twice.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	return s.MigrateTo(ctx, 0)
}

// MigrateTo is Migrate up to version (0: the newest). Upgrade tests use it to build a database of an
// earlier schema version; a migration that fails leaves nothing of itself behind.
func (s *Store) MigrateTo(ctx context.Context, version int) (applied []string, err error) {
	migs, err := s.migrations()
	if err != nil {
		return nil, err
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if current > latest(migs) {
		return nil, fmt.Errorf("database schema is at version %d, newer than this binary knows (%d): upgrade Værn before starting it on this database", current, latest(migs))
	}
	if version <= 0 || version > latest(migs) {
		version = latest(migs)
	}
	for _, m := range migs {
		if m.Version <= current || m.Version > version {
			continue
		}
		err := s.Write(ctx, func(tx *Tx) error {
			if s.engine == Postgres {
				if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(7275276)"); err != nil {
					return err
				}
			}
			var done int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil // another node was first
			}
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, ms(s.now()))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		applied = append(applied, m.Name)
	}
	return applied, nil
}

// CheckSchema refuses to serve a database that is not exactly at this binary's version, or that
// an interrupted data move left incomplete.
func (s *Store) CheckSchema(ctx context.Context) error {
	migs, err := s.migrations()
	if err != nil {
		return err
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case v > latest(migs):
		return fmt.Errorf("database schema is at version %d, newer than this binary knows (%d): upgrade Værn", v, latest(migs))
	case v < latest(migs):
		return fmt.Errorf("database schema is at version %d, this binary needs %d: run `vaern migrate`", v, latest(migs))
	}
	return s.CheckComplete(ctx)
}
