package store

import (
	"context"
	"database/sql"
	"io/fs"
)

// ExecForTest lets external tests tamper with the database inside a transaction.
func ExecForTest(ctx context.Context, tx *Tx, query string, args ...any) error {
	_, err := tx.exec(ctx, query, args...)
	return err
}

// QueryIntForTest runs a query that returns one integer, to look behind the store's methods.
func QueryIntForTest(ctx context.Context, s *Store, query string, args ...any) (int64, error) {
	var n int64
	err := s.queryRow(ctx, query, args...).Scan(&n)
	return n, err
}

// PrefixColsForTest exposes prefixCols.
var PrefixColsForTest = prefixCols

// SetMigrationsForTest replaces the store's migrations (a directory migrations/ENGINE in fsys).
func SetMigrationsForTest(s *Store, fsys fs.FS) { s.migFS = fsys }

// MigrationFSForTest is the embedded migrations.
var MigrationFSForTest fs.FS = migrationFS

// QueryRowForTest runs a query on the readers.
func QueryRowForTest(ctx context.Context, s *Store, query string, args ...any) *sql.Row {
	return s.queryRow(ctx, query, args...)
}

// QueryIDsForTest runs a query that returns one integer column.
func QueryIDsForTest(ctx context.Context, s *Store, query string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, query, args...)
	return collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// OldSchema is the tables of a database at an older schema version, as the upgrade tests hold them.
type OldSchema []*tableInfo

// OldSchemaForTest reads the tables and columns of s's schema as it is now.
func OldSchemaForTest(ctx context.Context, s *Store) (OldSchema, error) {
	return schemaTables(ctx, s.engine, s.w)
}

// CopyIntoOlderSchemaForTest fills dst, a database at an older schema version, with src's rows in
// the columns dst has. Today's code writes the newest schema, so it cannot seed an older one
// itself once a migration adds a column it uses; the upgrade tests seed the newest schema and
// carry the data back with this.
func CopyIntoOlderSchemaForTest(ctx context.Context, src, dst *Store) error {
	snap, err := src.snapshot(ctx)
	if err != nil {
		return err
	}
	defer snap.Rollback()
	tables, err := schemaTables(ctx, dst.engine, dst.w)
	if err != nil {
		return err
	}
	order, err := loadOrder(tables)
	if err != nil {
		return err
	}
	for _, t := range order {
		if err := dst.Write(ctx, func(tx *Tx) error {
			_, err := copyTable(ctx, snap, tx, t, t, func(int64) {})
			return err
		}); err != nil {
			return err
		}
	}
	if dst.engine != Postgres {
		return nil
	}
	return dst.resetSequences(ctx, order)
}

// SumsForTest checksums s's tables over the columns the old schema had, so that an upgrade that
// adds columns can be checked to have changed no row.
func SumsForTest(ctx context.Context, s *Store, old OldSchema) (map[string]TableSum, error) {
	tx, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[string]TableSum{}
	for _, t := range old {
		ts, err := tableSum(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		out[t.Name] = ts
	}
	return out, nil
}

// EncodeSightingsForTest and DecodeSightingsForTest expose the pending sightings' encoding.
var (
	EncodeSightingsForTest = encodeSightings
	DecodeSightingsForTest = decodeSightings
)

// CachedAnswersVersionForTest is the version of an assessment's answers the page cache holds, and
// whether it holds any.
func CachedAnswersVersionForTest(s *Store, orgID, assessmentID int64) (int64, bool) {
	e := s.answers.get(answersKey{orgID, assessmentID})
	if e == nil {
		return 0, false
	}
	return e.version, true
}

// QueryIntInTxForTest runs a query that returns one integer inside a transaction (a change hook's).
func QueryIntInTxForTest(ctx context.Context, tx *Tx, query string, args ...any) (int64, error) {
	var n int64
	err := tx.queryRow(ctx, query, args...).Scan(&n)
	return n, err
}
