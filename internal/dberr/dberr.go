// Package dberr tells a database that is briefly out of reach from a request that is wrong. It
// knows the drivers' error types (pgx, SQLite) but no Værn code, so the store, the web pages and the
// API share one answer.
package dberr

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/vaern/vaern"
)

// Unavailable reports whether err means that the database cannot be reached for the moment (a
// PostgreSQL restart or failover, a network cut, SQLite busy beyond its timeout) rather than that
// the request or the data is wrong. Callers answer 503 with Retry-After and keep what the person
// sent; they never take it for "not signed in" or "not found".
func Unavailable(err error) bool {
	if err == nil || errors.Is(err, vaern.ErrNotFound) || errors.Is(err, vaern.ErrConflict) {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 08: connection exception; 57P01-57P03: the server is shutting down, crashed or starting
		// up; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		const busy, locked = 5, 6
		return se.Code()&0xff == busy || se.Code()&0xff == locked
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	// pgx reports a connection lost in the middle of a query in its own words.
	msg := err.Error()
	for _, s := range []string{"conn closed", "connection refused", "connection reset", "broken pipe",
		"failed to connect", "the database system is shutting down", "the database system is starting up"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
