package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// openSQLite opens one writer connection and a pool of read-only connections on the same file.
// SQLite allows one writer at a time; funnelling every write through a single connection turns
// lock contention (SQLITE_BUSY) into an orderly queue in database/sql, while WAL lets readers go on.
func openSQLite(ctx context.Context, path string, opt Options) (*Store, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite: create directory %s: %w", dir, err)
		}
	}
	sync := "FULL" // survives a power loss, not only a killed process
	if opt.Fast {
		sync = "NORMAL"
	}
	pragmas := func(extra ...string) string {
		v := url.Values{}
		for _, p := range append([]string{
			"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(" + sync + ")",
			"cache_size(-16000)", "temp_store(MEMORY)",
		}, extra...) {
			v.Add("_pragma", p)
		}
		return "file:" + path + "?" + v.Encode()
	}
	w, err := sql.Open("sqlite", pragmas()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	var mode string
	if err := w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: WAL mode not available (journal_mode=%s): %v", path, mode, err)
	}
	r, err := sql.Open("sqlite", pragmas("query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	st := &Store{engine: SQLite, w: w, r: r, dsn: path}
	st.startGroupCommit()
	return st, nil
}
