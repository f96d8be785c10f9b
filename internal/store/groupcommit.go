package store

import (
	"context"
	"errors"
	"fmt"
)

// Group commit. SQLite has one writer and a durable commit costs an fsync, so committing every
// write on its own caps throughput at the disk's fsync rate. Instead, one goroutine owns the write
// connection: it takes every write that is waiting, runs each inside a SAVEPOINT of a single
// transaction (a failing write is rolled back to its savepoint and gets its own error, the others
// are unaffected), commits once, and only then answers each caller. Nothing is acknowledged
// before it is durable, and an idle store commits a lone write at once, without waiting.

// maxGroup bounds how many writes share one commit, so one commit never grows without limit.
const maxGroup = 128

// ErrClosed is returned for writes after Close.
var ErrClosed = errors.New("store is closed")

type writeReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

func (s *Store) startGroupCommit() {
	s.writes = make(chan *writeReq, 4*maxGroup)
	s.writerEnd = make(chan struct{})
	go s.groupCommit()
}

func (s *Store) groupWrite(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return ErrClosed
	}
	s.writes <- req
	s.closeMu.RUnlock()
	// Wait for the outcome even if the caller gives up: once queued, the write may commit, and
	// the answer must say what happened.
	return <-req.done
}

func (s *Store) groupCommit() {
	defer close(s.writerEnd)
	for first := range s.writes {
		batch := []*writeReq{first}
	drain:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-s.writes:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.commitGroup(batch)
		s.wstmts.prepareWanted(s.w)
	}
}

func (s *Store) commitGroup(batch []*writeReq) {
	if len(batch) == 1 {
		r := batch[0]
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			return
		}
		r.done <- s.writeAlone(context.WithoutCancel(r.ctx), r.fn)
		return
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("begin: %w", err)
		}
		return
	}
	t := &Tx{s: s, tx: tx, shared: true}
	results := make([]error, len(batch))
	ok := false
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.Exec("SAVEPOINT w"); err != nil {
			results[i] = err
			continue
		}
		if err := r.fn(t); err != nil {
			results[i] = err
			if _, rbErr := tx.Exec("ROLLBACK TO w"); rbErr != nil {
				// The transaction is no longer usable: fail the whole group.
				tx.Rollback()
				for j := range batch {
					if results[j] == nil || j == i {
						results[j] = fmt.Errorf("write group aborted: %w", rbErr)
					}
				}
				s.answer(batch, results, i+1, fmt.Errorf("write group aborted: %w", rbErr))
				return
			}
		} else {
			ok = true
		}
		if _, err := tx.Exec("RELEASE w"); err != nil && results[i] == nil {
			results[i] = err
		}
	}
	if !ok {
		tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("commit: %w", mapErr(err))
			}
		}
	}
	s.answer(batch, results, len(batch), nil)
}

// answer delivers results; callers from index from on get err instead (an aborted group).
func (s *Store) answer(batch []*writeReq, results []error, from int, err error) {
	for i, r := range batch {
		if i >= from {
			r.done <- err
			continue
		}
		r.done <- results[i]
	}
}
