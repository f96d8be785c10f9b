package dberr_test

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/dberr"
)

func TestUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", vaern.ErrNotFound, false},
		{"conflict", fmt.Errorf("%w: duplicate", vaern.ErrConflict), false},
		{"a validation error", vaern.Invalid("name", "is required"), false},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"server starting up", &pgconn.PgError{Code: "57P03"}, true},
		{"connection exception", fmt.Errorf("query: %w", &pgconn.PgError{Code: "08006"}), true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"a unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"a syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"a network error", &net.OpError{Op: "dial", Err: fmt.Errorf("refused")}, true},
	}
	for _, c := range cases {
		if got := dberr.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

// TestUnavailableRealDriver: what pgx really returns for a database nobody listens on.
func TestUnavailableRealDriver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	db, err := sql.Open("pgx", "postgres://postgres@"+addr+"/x?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = db.PingContext(ctx)
	if err == nil {
		t.Fatal("ping to a closed port succeeded")
	}
	if !dberr.Unavailable(err) {
		t.Fatalf("Unavailable(%v) = false", err)
	}
}
