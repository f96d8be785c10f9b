// After a copy or restore: sequences moved past the copied ids, the move marker, the completeness
// check and the search tables rebuilt.

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// resetSequences moves every identity sequence past the highest id copied, so that new rows get
// fresh ids.
func (s *Store) resetSequences(ctx context.Context, order []*tableInfo) error {
	return s.Write(ctx, func(tx *Tx) error {
		for _, t := range order {
			if !slices.Contains(t.Columns, "id") {
				continue
			}
			var seq sql.NullString
			if err := tx.tx.QueryRowContext(ctx, "SELECT pg_get_serial_sequence($1, 'id')", quoteIdent(t.Name)).Scan(&seq); err != nil {
				return fmt.Errorf("sequence of %s: %w", t.Name, err)
			}
			if !seq.Valid {
				continue
			}
			q := fmt.Sprintf("SELECT setval($1, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM %s", quoteIdent(t.Name))
			if _, err := tx.tx.ExecContext(ctx, q, seq.String); err != nil {
				return fmt.Errorf("reset sequence of %s: %w", t.Name, err)
			}
		}
		return nil
	})
}

// moveMarker reports whether the database is marked incomplete by a data move, and from where.
func (s *Store) moveMarker(ctx context.Context) (source string, marked bool, err error) {
	var at int64
	err = s.w.QueryRowContext(ctx, "SELECT source, started_at FROM data_move WHERE id = 1").Scan(&source, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read data move marker: %w", err)
	}
	return source, true, nil
}

// ErrIncomplete is returned for a database that an interrupted data move left incomplete.
var ErrIncomplete = errors.New("database is incomplete")

// CheckComplete refuses a database that a data move (migrate-data, restore) has not finished.
func (s *Store) CheckComplete(ctx context.Context) error {
	var at int64
	var source string
	err := s.w.QueryRowContext(ctx, "SELECT source, started_at FROM data_move WHERE id = 1").Scan(&source, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		if v, verr := s.SchemaVersion(ctx); verr == nil && v < operationsVersion {
			return nil // the marker table does not exist yet
		}
		return fmt.Errorf("read data move marker: %w", err)
	}
	return fmt.Errorf("%w: a data move from %s that started %s did not finish; run the same `vaern migrate-data` or `vaern restore` again to complete it (or with --force to start over); Værn will not use this database until then",
		ErrIncomplete, source, fromMS(at).Format(time.RFC3339))
}

// operationsVersion is the schema version that added the data move marker.
const operationsVersion = 5

// rebuildSearch rebuilds the full-text indexes from the tables they index, after a copy wrote
// those tables: SQLite's FTS5 tables and its knowledge_search; on PostgreSQL, where the search
// vectors are generated columns, knowledge_search (migration 0025) only.
func (s *Store) rebuildSearch(ctx context.Context) error {
	if s.engine != SQLite {
		// Its triggers filled it while the texts were copied, but only a full rebuild is sure
		// to match the copied posts.
		if _, err := s.w.ExecContext(ctx, `DELETE FROM knowledge_search`); err != nil {
			return fmt.Errorf("target: rebuild knowledge_search: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO knowledge_search SELECT x.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id,
			k.created_by, k.tlp, k.aud_kind, k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at, x.tsv
			FROM knowledge_texts x JOIN knowledge_posts k ON k.id = x.post_id`); err != nil {
			return fmt.Errorf("target: rebuild knowledge_search: %w", err)
		}
		return nil
	}
	rows, err := s.w.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'`)
	names, err := collect(rows, err, func(r scanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
	if err != nil {
		return fmt.Errorf("target: list search indexes: %w", err)
	}
	for _, n := range names {
		if _, err := s.w.ExecContext(ctx, "INSERT INTO "+quoteIdent(n)+"("+quoteIdent(n)+") VALUES ('rebuild')"); err != nil {
			return fmt.Errorf("target: rebuild search index %s: %w", n, err)
		}
	}
	// The knowledge search's copy of the posts' columns (migration 0021): its triggers filled it
	// while the texts were copied, but only a full rebuild is sure to match the copied posts.
	if _, err := s.w.ExecContext(ctx, `DELETE FROM knowledge_search`); err != nil {
		return fmt.Errorf("target: rebuild knowledge_search: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO knowledge_search SELECT x.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id,
		k.created_by, k.tlp, k.aud_kind, k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at
		FROM knowledge_texts x JOIN knowledge_posts k ON k.id = x.post_id`); err != nil {
		return fmt.Errorf("target: rebuild knowledge_search: %w", err)
	}
	return nil
}
