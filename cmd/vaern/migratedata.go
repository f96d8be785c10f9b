package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

func cmdMigrateData(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern migrate-data", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", "", "source database: SQLite file path (or a --data directory holding vaern.db) or postgres:// URL")
	to := fs.String("to", "", "target database: SQLite file path or postgres:// URL")
	force := fs.Bool("force", false, "replace the contents of a target that holds data, or start an interrupted move over")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: vaern migrate-data --from SRC --to DST [--force]

Moves everything from one database to another, e.g. from SQLite to PostgreSQL when a centre grows
(or back): the target is migrated to the source's schema version, every table is copied in
foreign-key order, one transaction per table, from one consistent snapshot of the source, and
verified by row count and checksum at the end. Stop the server first (or it keeps writing to the
source). Until the move is verified the target is marked incomplete and Værn refuses to use it;
running the same command again resumes an interrupted move. A target that holds data is refused
unless --force is given. Exit status 0 only on verified success.

Example: vaern migrate-data --from /var/lib/vaern/vaern.db --to 'postgres://vaern@db/vaern?sslmode=require'`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageErr("migrate-data: give --from SRC and --to DST")
	}
	if fs.NArg() > 0 {
		return usageErr("migrate-data: unexpected arguments %q", fs.Args())
	}
	srcDSN, dstDSN := sqlitePath(*from), sqlitePath(*to)
	if srcDSN == dstDSN {
		return usageErr("migrate-data: --from and --to name the same database")
	}
	if !isPostgres(srcDSN) {
		if _, err := statFile(srcDSN); err != nil {
			return fmt.Errorf("migrate-data: source %s: %w", srcDSN, err)
		}
	}
	src, err := store.Open(ctx, srcDSN, wire.StoreOptions(store.Options{}))
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	if err := src.CheckSchema(ctx); err != nil {
		return fmt.Errorf("source %s: %w", store.Describe(srcDSN), err)
	}
	dst, err := store.Open(ctx, dstDSN, wire.StoreOptions(store.Options{}))
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer dst.Close()
	start := time.Now()
	bar := newProgress(e.stderr, "migrate-data")
	res, err := store.Copy(ctx, src, dst, store.CopyOptions{Source: store.Describe(srcDSN), Force: *force, Progress: bar.update})
	bar.finish()
	if err != nil {
		return fmt.Errorf("migrate-data %s → %s: %w", store.Describe(srcDSN), store.Describe(dstDSN), err)
	}
	printSums(e.stdout, res.Tables)
	if len(res.Resumed) > 0 {
		fmt.Fprintf(e.stdout, "resumed an interrupted move: %d tables were already done\n", len(res.Resumed))
	}
	fmt.Fprintf(e.stdout, "migrate-data verified: %s → %s, %d tables, %d rows, %s\n", store.Describe(srcDSN),
		store.Describe(dstDSN), len(res.Tables), res.Rows(), time.Since(start).Round(time.Millisecond))
	return nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePath accepts a directory like --data does: DIR means DIR/vaern.db.
func sqlitePath(dsn string) string {
	if isPostgres(dsn) {
		return dsn
	}
	if fi, err := statFile(dsn); err == nil && fi.IsDir() {
		return filepath.Join(dsn, "vaern.db")
	}
	return dsn
}

func statFile(path string) (os.FileInfo, error) { return os.Stat(path) }
