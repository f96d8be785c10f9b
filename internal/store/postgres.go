package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// durablePostgres asks for synchronous_commit=on on every connection, whatever the server's or the
// database's default: a commit is acknowledged only once it is flushed to disk (and to synchronous
// standbys, if any). A DSN that names synchronous_commit itself is left alone, so a faster, less
// durable setting is possible only by asking for it explicitly.
func durablePostgres(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Has("synchronous_commit") {
		return dsn
	}
	q.Set("synchronous_commit", "on")
	u.RawQuery = q.Encode()
	return u.String()
}

// openPostgres opens a pool over pgx. Several app nodes may share the database.
func openPostgres(ctx context.Context, dsn string, opt Options) (*Store, error) {
	db, err := sql.Open("pgx", durablePostgres(dsn))
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	n := opt.MaxConns
	if n <= 0 {
		n = 16
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return &Store{engine: Postgres, w: db, r: db, dsn: dsn}, nil
}
