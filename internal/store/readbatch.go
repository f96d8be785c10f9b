package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vaern/vaern"
)

// A readBatch is several independent reads that a page needs at once. On PostgreSQL they are sent
// as one pipeline over one connection of the pool (pgx's Batch: every query, then one Sync), so the
// page waits for one round trip instead of one per query; on SQLite, where a query is a function
// call into the same process, they simply run one after another on the reader pool. Each read is
// the same SQL, with the same tenant scoping, as the store's single-query method for it.
type readBatch struct {
	qs []batchRead
}

type batchRead struct {
	sql  string
	args []any
	read func(rows batchRows) error
}

// batchRows is what both *sql.Rows and pgx.Rows offer.
type batchRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// add queues a query whose rows read consumes.
func (b *readBatch) add(read func(rows batchRows) error, query string, args ...any) {
	b.qs = append(b.qs, batchRead{sql: query, args: args, read: read})
}

// run executes the batch. A failing query fails the whole batch.
func (s *Store) runBatch(ctx context.Context, b *readBatch) error {
	if s.engine != Postgres {
		for _, q := range b.qs {
			rows, err := s.query(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			err = q.read(rows)
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("read batch: unexpected driver connection %T", dc)
		}
		pb := &pgx.Batch{}
		for _, q := range b.qs {
			pb.Queue(s.q(q.sql), q.args...)
		}
		br := sc.Conn().SendBatch(ctx, pb)
		for _, q := range b.qs {
			rows, err := br.Query()
			if err == nil {
				err = q.read(rows)
				rows.Close()
				if err == nil {
					err = rows.Err()
				}
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
}

// collectInto reads every row with scan into *dst.
func collectInto[T any](dst *[]T, scan func(scanner) (T, error)) func(rows batchRows) error {
	return func(rows batchRows) error {
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			*dst = append(*dst, v)
		}
		return nil
	}
}

// addSession queues the session read again as LoadSession reads it (live at now with idle); *p
// gets the person and *errp what was wrong with the session (see sessionResult).
func (b *readBatch) addSession(id string, now time.Time, idle time.Duration, p **vaern.Principal, errp *error) {
	b.add(func(rows batchRows) error {
		if !rows.Next() {
			*errp = vaern.ErrNotFound
			return nil
		}
		*p, *errp = scanSession(rows, id, now, idle)
		return nil
	}, sessionQuery, id)
}

// sessionResult turns addSession's outcome into the page's error: ErrSessionGone for a session
// that no longer stands (and then no person).
func sessionResult(p **vaern.Principal, err error) error {
	if err == nil {
		return nil
	}
	*p = nil
	if err == vaern.ErrNotFound {
		return ErrSessionGone
	}
	return err
}

// addUnread queues the person's unread notification count (the bell) as UnreadNotifications
// counts it; nothing for userID 0.
func (b *readBatch) addUnread(orgID, userID int64, n *int) {
	if userID == 0 {
		return
	}
	b.add(func(rows batchRows) error {
		if rows.Next() {
			return rows.Scan(n)
		}
		return nil
	}, unreadCount, userID, orgID)
}
