package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A backup is always one SQLite file of Værn's schema: from SQLite it is made with VACUUM INTO, from
// PostgreSQL by the table copier inside one REPEATABLE READ snapshot. Either engine can restore
// either kind, and the file can be opened by any SQLite tool.

// BackupResult describes a finished, verified backup.
type BackupResult struct {
	Path    string
	Version int
	Tables  []TableSum
}

// Rows is the number of rows in all tables.
func (r *BackupResult) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// Backup writes a consistent copy of the database to path (which must not exist) while the store
// keeps serving, and verifies it: SQLite's integrity check, the schema version, and for a copy from
// PostgreSQL every table's row count and checksum against the snapshot it was read from. The file
// appears under its name only once it is complete and on disk.
func (s *Store) Backup(ctx context.Context, path string, progress func(CopyProgress)) (*BackupResult, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("backup: %s already exists; choose a new file name", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := s.CheckSchema(ctx); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	tmp := filepath.Join(dir, "."+filepath.Base(path)+".partial-"+hex.EncodeToString(b))
	defer func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	var tables []TableSum
	if s.engine == SQLite {
		if err := s.vacuumInto(ctx, tmp); err != nil {
			return nil, err
		}
		bs, err := Open(ctx, tmp, Options{ReadConns: 1, Rules: s.rules})
		if err != nil {
			return nil, fmt.Errorf("backup: open the copy: %w", err)
		}
		tables, err = bs.verifyFile(ctx)
		if cerr := bs.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("backup: the copy does not verify: %w", err)
		}
		if progress != nil {
			for i, t := range tables {
				progress(CopyProgress{Phase: "verify", Table: t.Table, Done: int64(i + 1), Total: int64(len(tables)), TableDone: true, TableRows: t.Rows})
			}
		}
	} else {
		bs, err := Open(ctx, tmp, Options{ReadConns: 1, Rules: s.rules})
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		res, err := Copy(ctx, s, bs, CopyOptions{Source: "backup of " + Describe(s.dsn), Progress: progress})
		if err == nil {
			_, err = bs.verifyFile(ctx)
		}
		if cerr := bs.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		tables = res.Tables
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("backup: %s appeared while the backup ran; the backup was not written", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	v, _ := s.SchemaVersion(ctx)
	return &BackupResult{Path: path, Version: v, Tables: tables}, nil
}

// vacuumInto writes a consistent snapshot of the SQLite database to path on a connection of its own,
// so the store's writer and readers are not held up.
func (s *Store) vacuumInto(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+s.dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(0)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup: VACUUM INTO: %w", err)
	}
	return nil
}

// verifyFile checks a SQLite file: integrity, schema version, not marked incomplete; it returns the
// checksums of its tables.
func (s *Store) verifyFile(ctx context.Context) ([]TableSum, error) {
	if err := s.IntegrityCheck(ctx); err != nil {
		return nil, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		return nil, err
	}
	return s.Checksums(ctx)
}

// IntegrityCheck runs SQLite's integrity and foreign key checks; on PostgreSQL it only pings.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.engine != SQLite {
		return s.Ping(ctx)
	}
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	var msgs []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return err
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if len(msgs) != 1 || msgs[0] != "ok" {
		return fmt.Errorf("integrity check failed: %s", strings.Join(msgs, "; "))
	}
	rows, err = s.r.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fk int
		rows.Scan(&table, &rowid, &parent, &fk)
		return fmt.Errorf("foreign key check failed: a row of %s (rowid %d) references a missing row of %s", table, rowid.Int64, parent)
	}
	return rows.Err()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// RestoreOptions tune Restore.
type RestoreOptions struct {
	Force    bool // replace the contents of a target that holds data
	TempDir  string
	Progress func(CopyProgress)
}

// Restore loads the backup file from into dst (either engine) and verifies every table. The backup is
// first copied to a temporary directory, so the file itself is never changed; a backup of an older
// schema version is brought up to date there.
func Restore(ctx context.Context, dst *Store, from string, opt RestoreOptions) (*CopyResult, error) {
	f, err := os.Open(from)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	if err != nil || !bytes.Equal(head, sqliteMagic) {
		f.Close()
		if bytes.HasPrefix(head, []byte("PGDMP")) {
			return nil, fmt.Errorf("restore: %s is a pg_dump archive, not a Værn backup: restore it with pg_restore (see docs/operations.md)", from)
		}
		return nil, fmt.Errorf("restore: %s is not a Værn backup (not a SQLite database file)", from)
	}
	tmpDir, err := os.MkdirTemp(opt.TempDir, "vaern-restore-")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	work := filepath.Join(tmpDir, "backup.db")
	out, err := os.Create(work)
	if err == nil {
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			_, err = io.Copy(out, f)
		}
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("restore: copy the backup: %w", err)
	}
	src, err := Open(ctx, work, Options{ReadConns: 2, Rules: dst.rules})
	if err != nil {
		return nil, fmt.Errorf("restore: open the backup: %w", err)
	}
	defer src.Close()
	if err := src.IntegrityCheck(ctx); err != nil {
		return nil, fmt.Errorf("restore: the backup is damaged: %w", err)
	}
	if err := src.CheckComplete(ctx); err != nil {
		return nil, fmt.Errorf("restore: the backup itself is incomplete: %w", err)
	}
	if _, err := src.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("restore: bring the backup's schema up to date: %w", err)
	}
	return Copy(ctx, src, dst, CopyOptions{Source: "backup " + from, Force: opt.Force, Progress: opt.Progress})
}
