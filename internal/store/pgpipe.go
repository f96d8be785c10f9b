package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// A pgPipe is a write transaction on one PostgreSQL connection that the store begins and ends
// itself, so that statements whose outcome nothing waits for can share a round trip with the next
// one: BEGIN goes out with the transaction's first query, and statements queued with defer go out
// with the next statement or with COMMIT. database/sql knows nothing of the transaction; the
// connection is held (a *sql.Conn) from begin to close, and close rolls back whatever is left
// open, or drops the connection if even that fails.
//
// Statements run through a Tx on a pipe (tx.exec, tx.query, tx.queryRow) send the queued ones
// first, so they see every write queued before them; a queued statement that fails leaves the
// transaction aborted, so the statements after it fail too and the commit does not happen.
type pgPipe struct {
	conn    *sql.Conn
	pending []pipeStmt
	err     error // the first failure of a queued statement
}

type pipeStmt struct {
	sql  string
	args []any
	// read consumes the statement's rows; without it the statement runs for its effect and check,
	// if set, judges its command tag.
	read  func(batchRows) error
	check func(pgconn.CommandTag) error
}

func (s *Store) openPipe(ctx context.Context) (*pgPipe, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &pgPipe{conn: conn}, nil
}

// raw runs f on the pgx connection under the *sql.Conn.
func (p *pgPipe) raw(f func(*pgx.Conn) error) error {
	return p.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipe: unexpected driver connection %T", dc)
		}
		return f(sc.Conn())
	})
}

// queue defers a statement to the next round trip.
func (p *pgPipe) queue(st pipeStmt) { p.pending = append(p.pending, st) }

// begin starts the transaction and runs query, whose rows read consumes, in the same round trip.
func (p *pgPipe) begin(ctx context.Context, query string, args []any, read func(batchRows) error) error {
	p.queue(pipeStmt{sql: "BEGIN"})
	return p.run(ctx, query, args, read)
}

// run sends what is queued and then query, whose rows read consumes, in one round trip.
func (p *pgPipe) run(ctx context.Context, query string, args []any, read func(batchRows) error) error {
	p.queue(pipeStmt{sql: query, args: args, read: read})
	return p.flush(ctx)
}

// flush sends the queued statements in one round trip. The first failure stays in p.err: the
// transaction is aborted from there on and will not commit.
func (p *pgPipe) flush(ctx context.Context) error {
	if len(p.pending) == 0 || p.err != nil {
		p.pending = nil
		return p.err
	}
	stmts := p.pending
	p.pending = nil
	p.err = p.raw(func(c *pgx.Conn) error {
		b := &pgx.Batch{}
		for _, st := range stmts {
			b.Queue(st.sql, st.args...)
		}
		br := c.SendBatch(ctx, b)
		for _, st := range stmts {
			var err error
			if st.read != nil {
				var rows pgx.Rows
				if rows, err = br.Query(); err == nil {
					err = st.read(rows)
					rows.Close()
					if err == nil {
						err = rows.Err()
					}
				}
			} else {
				var tag pgconn.CommandTag
				if tag, err = br.Exec(); err == nil && st.check != nil {
					err = st.check(tag)
				}
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	return p.err
}

// db sends what is queued (a failure stays in p.err and shows in the commit) and returns the
// connection, for a statement of database/sql's in the transaction.
func (p *pgPipe) db(ctx context.Context) *sql.Conn {
	_ = p.flush(ctx)
	return p.conn
}

// commit sends what is queued and COMMIT in one round trip.
func (p *pgPipe) commit(ctx context.Context) error {
	p.queue(pipeStmt{sql: "COMMIT", check: func(tag pgconn.CommandTag) error {
		if tag.String() != "COMMIT" { // an aborted transaction answers COMMIT with ROLLBACK
			return fmt.Errorf("the transaction was rolled back (%s)", tag.String())
		}
		return nil
	}})
	if err := p.flush(ctx); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// close rolls back a transaction still open (after a failure) and gives the connection back; a
// connection that cannot even roll back is dropped from the pool.
func (p *pgPipe) close() {
	_ = p.raw(func(c *pgx.Conn) error {
		if c.PgConn().TxStatus() == 'I' {
			return nil
		}
		if _, err := c.Exec(context.Background(), "ROLLBACK"); err != nil || c.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
	p.conn.Close()
}
