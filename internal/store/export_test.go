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
