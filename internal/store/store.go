// Package store is Værn's storage: one implementation over database/sql for SQLite and PostgreSQL.
// Every method that reads or writes tenant data takes the organisation explicitly and scopes its
// query by it, so a foreign id answers vaern.ErrNotFound.
package store

import (
	"context"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vaern/vaern"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the storage of one Værn installation.
type Store struct {
	engine Engine
	w      *sql.DB // the writer: one connection on SQLite, the pool on PostgreSQL
	r      *sql.DB // readers: a pool of read-only connections on SQLite, the same pool on PostgreSQL
	dsn    string
	now    func() time.Time
	rules  Rules

	rebindMu sync.RWMutex
	rebound  map[string]string

	fwCache     *frameworkCache // parsed frameworks of this database
	answers     *answersCache   // the focus-area page's answers by version (answers_cache.go)
	rstmts      *stmtCache      // prepared statements on the reader pool
	wstmts      *stmtCache      // prepared statements on the writer
	auditShards int
	shardNext   atomic.Uint64 // the next audit shard (auditShard)
	migFS       fs.FS         // migrations; nil: the embedded ones (tests replace them)
	hook        ChangeHook    // told of every audited change inside its transaction (notifications)
	sealer      cipher.AEAD   // seals secrets at rest (sealed.go); nil without an installation key

	writes    chan *writeReq // SQLite group commit queue; nil on PostgreSQL
	writerEnd chan struct{}
	saves     chan *saveReq // PostgreSQL batched answer saves (answers_batch.go); nil on SQLite
	saversEnd sync.WaitGroup
	closeMu   sync.RWMutex
	closed    bool

	merger sightingMerger // the background merge of pending sightings (sensor_pending.go)
}

// Options tune how a store is opened.
type Options struct {
	// Fast trades durability for speed on SQLite (synchronous=NORMAL): a power loss may lose the
	// last transactions, a killed process does not. Off by default.
	Fast bool
	// ReadConns bounds the SQLite reader pool (default 2×GOMAXPROCS, at least 4).
	ReadConns int
	// MaxConns bounds the PostgreSQL pool (default 16).
	MaxConns int
	// AuditShards is how many hash chains each organisation's audit log is split into (default 1
	// on SQLite, where one writer serialises everything anyway, and on PostgreSQL the pool's size,
	// 16 by default, where one chain would let only one of an organisation's transactions commit
	// at a time; the shards are taken in turn).
	AuditShards int
	// SecretKey is the installation's 32-byte key that seals secrets at rest (sealed.go). Empty:
	// secrets are stored as given.
	SecretKey []byte
	// Rules are the module checks the store runs inside its transactions. Required: a store
	// without them would accept writes that the rules forbid.
	Rules Rules
}

// Open connects to dsn: a postgres:// URL, or a path to a SQLite file. It does not migrate.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("open store: no database given (set VAERN_DATABASE or --data)")
	}
	if err := opt.Rules.check(); err != nil {
		return nil, err
	}
	sealer, err := newSealer(opt.SecretKey)
	if err != nil {
		return nil, err
	}
	var s *Store
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s, err = openPostgres(ctx, dsn, opt)
	} else {
		s, err = openSQLite(ctx, dsn, opt)
	}
	if err != nil {
		return nil, err
	}
	s.now = time.Now
	s.rules = opt.Rules
	s.sealer = sealer
	s.rebound = map[string]string{}
	s.fwCache = newFrameworkCache()
	s.answers = newAnswersCache()
	s.rstmts = &stmtCache{m: map[string]*sql.Stmt{}, wanted: map[string]bool{}, off: s.engine != SQLite}
	s.wstmts = &stmtCache{m: map[string]*sql.Stmt{}, wanted: map[string]bool{}, off: s.engine != SQLite}
	s.auditShards = opt.AuditShards
	s.shardNext.Store(uint64(time.Now().UnixNano())) // app nodes sharing a database start at different shards
	if s.auditShards <= 0 {
		s.auditShards = 1
		if s.engine == Postgres {
			s.auditShards = max(opt.MaxConns, 16)
		}
	}
	if s.engine == Postgres {
		s.startSaveBatcher()
	}
	return s, nil
}

// Engine tells which engine the store runs on.
func (s *Store) Engine() Engine { return s.engine }

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// Close waits for queued writes and closes every connection.
func (s *Store) Close() error {
	s.stopMerger()
	if s.writes != nil {
		s.closeMu.Lock()
		if !s.closed {
			s.closed = true
			close(s.writes)
		}
		s.closeMu.Unlock()
		<-s.writerEnd
	}
	if s.saves != nil {
		s.closeMu.Lock()
		if !s.closed {
			s.closed = true
			close(s.saves)
		}
		s.closeMu.Unlock()
		s.saversEnd.Wait()
	}
	s.rstmts.close()
	s.wstmts.close()
	err := s.w.Close()
	if s.r != s.w {
		if e := s.r.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// q rewrites a query written with ? placeholders for the engine. PostgreSQL wants $1, $2, ...
// Queries are constants, so the rewrite is cached.
func (s *Store) q(query string) string {
	if s.engine != Postgres {
		return query
	}
	s.rebindMu.RLock()
	out, ok := s.rebound[query]
	s.rebindMu.RUnlock()
	if ok {
		return out
	}
	out = s.rebind(query)
	s.rebindMu.Lock()
	s.rebound[query] = out
	s.rebindMu.Unlock()
	return out
}

// rebind rewrites ? placeholders for the engine without caching, for queries built at run time.
func (s *Store) rebind(query string) string {
	if s.engine != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// Tx is a write transaction. Its methods rewrite placeholders like the store's.
type Tx struct {
	s  *Store
	tx *sql.Tx
	// pipe, instead of tx, is a transaction the store runs by hand on one PostgreSQL connection to
	// share round trips between statements (pgpipe.go; the batched answer saves).
	pipe *pgPipe
	// shared is set when the transaction carries other callers' writes too (group commit): a
	// cancelled request must then not interrupt the connection, which would roll back everyone's
	// work, so statements run without the caller's cancellation.
	shared bool
}

func (t *Tx) c(ctx context.Context) context.Context {
	if t.shared {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, q := t.c(ctx), t.s.q(query)
	if t.pipe != nil {
		return t.pipe.db(ctx).ExecContext(ctx, q, args...)
	}
	if st := t.s.wstmts.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx, q := t.c(ctx), t.s.q(query)
	if t.pipe != nil {
		return t.pipe.db(ctx).QueryRowContext(ctx, q, args...)
	}
	if st := t.s.wstmts.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, q := t.c(ctx), t.s.q(query)
	if t.pipe != nil {
		return t.pipe.db(ctx).QueryContext(ctx, q, args...)
	}
	if st := t.s.wstmts.lookup(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

// insert runs an INSERT ... RETURNING id and returns the id.
func (t *Tx) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := t.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, mapErr(err)
}

// Write runs fn in a write transaction and commits it if fn returns nil. It returns only after the
// commit is durable. On SQLite, writes that arrive while another commit is in progress are grouped
// into one transaction (see groupCommit); each keeps its own outcome.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	if s.writes != nil {
		return s.groupWrite(ctx, fn)
	}
	return s.writeAlone(ctx, fn)
}

func (s *Store) writeAlone(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{s: s, tx: tx}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.rstmts.get(ctx, s.r, s.q(query)); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, s.q(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.rstmts.get(ctx, s.r, s.q(query)); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, s.q(query), args...)
}

// stmtCache keeps prepared statements on SQLite, so that a query's SQL is parsed once per
// connection instead of on every call (parsing is a good part of a short query's cost there;
// PostgreSQL's driver keeps its own statement cache). Queries are constants in the code, so the
// cache stays small; it stops growing at maxStmts all the same.
//
// The writer has a single connection, which a running transaction holds, so statements cannot be
// prepared on it from inside one: a transaction that meets an unprepared statement runs it plainly
// and leaves it in wanted, and the statements are prepared once the connection is free again.
type stmtCache struct {
	mu     sync.RWMutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
	off    bool
}

const maxStmts = 2000

// get returns the prepared statement for query, preparing it on db if needed (reader pool).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	if c.off {
		return nil
	}
	if st := c.lookup(query); st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxStmts {
		return nil
	}
	st, err := db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the plain call reports the error
	}
	c.m[query] = st
	return st
}

// lookup returns a prepared statement without preparing one; a miss is remembered in wanted.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	if c.off {
		return nil
	}
	c.mu.RLock()
	st := c.m[query]
	known := st != nil || c.wanted[query]
	c.mu.RUnlock()
	if st == nil && !known {
		c.mu.Lock()
		if len(c.wanted) < maxStmts {
			c.wanted[query] = true
		}
		c.mu.Unlock()
	}
	return st
}

// prepareWanted prepares the statements transactions asked for, while db's connection is free.
func (c *stmtCache) prepareWanted(db *sql.DB) {
	if c.off {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.wanted {
		delete(c.wanted, q)
		if len(c.m) >= maxStmts {
			continue
		}
		if st, err := db.Prepare(q); err == nil {
			c.m[q] = st
		}
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m, c.off = nil, true
}

// mapErr turns driver errors into the domain's error kinds.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return vaern.ErrNotFound
	}
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") ||
		strings.Contains(msg, "duplicate key value") {
		return fmt.Errorf("%w: %s", vaern.ErrConflict, msg)
	}
	return err
}

// Times are stored as Unix milliseconds in a BIGINT on both engines: comparable, portable, exact.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// nullID stores 0 as NULL for optional foreign keys.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// scanner is what sql.Row and sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

// collect reads every row with scan.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
