package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

func cmdBackup(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs, e)
	to := fs.String("to", "", "the backup file to write (must not exist)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: vaern backup --to FILE [--data DIR | --database DSN]

Writes a consistent backup of the whole database to FILE while the server keeps serving, and
verifies it. The backup is one SQLite file of Værn's schema, from either engine (SQLite: VACUUM INTO;
PostgreSQL: every table copied inside one REPEATABLE READ snapshot and compared by row count and
checksum). Restore it with vaern restore --from FILE, into either engine. Exit status 0 only when
the backup is complete and verified.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return usageErr("backup: give --to FILE")
	}
	if fs.NArg() > 0 {
		return usageErr("backup: unexpected arguments %q", fs.Args())
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	bar := newProgress(e.stderr, "backup")
	res, err := st.Backup(ctx, *to, bar.update)
	bar.finish()
	if err != nil {
		return err
	}
	printSums(e.stdout, res.Tables)
	fmt.Fprintf(e.stdout, "backup verified: %s, schema version %d, %d tables, %d rows, %s\n",
		res.Path, res.Version, len(res.Tables), res.Rows(), time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdRestore(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern restore", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs, e)
	from := fs.String("from", "", "the backup file written by vaern backup")
	force := fs.Bool("force", false, "replace the contents of a database that holds data (emptied in one transaction first)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: vaern restore --from FILE [--force] [--data DIR | --database DSN]

Loads a backup written by vaern backup into the configured database (SQLite or PostgreSQL), one
table per transaction, and verifies every table's row count and checksum against the backup. Stop
the server first. A database that holds data is refused unless --force is given. Until the restore
is verified the database is marked incomplete and Værn will not serve it; running the same command
again resumes an interrupted restore. A backup of an older schema version is brought up to date on
a temporary copy; the backup file itself is never changed. Exit status 0 only on verified success.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return usageErr("restore: give --from FILE")
	}
	if fs.NArg() > 0 {
		return usageErr("restore: unexpected arguments %q", fs.Args())
	}
	dsn, err := d.dsn()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{Fast: d.fast}))
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	bar := newProgress(e.stderr, "restore")
	res, err := store.Restore(ctx, st, *from, store.RestoreOptions{Force: *force, Progress: bar.update})
	bar.finish()
	if err != nil {
		return fmt.Errorf("restore into %s: %w", store.Describe(dsn), err)
	}
	printSums(e.stdout, res.Tables)
	if len(res.Resumed) > 0 {
		fmt.Fprintf(e.stdout, "resumed an interrupted restore: %d tables were already done\n", len(res.Resumed))
	}
	fmt.Fprintf(e.stdout, "restore verified: %s into %s, %d tables, %d rows, %s\n",
		*from, store.Describe(dsn), len(res.Tables), res.Rows(), time.Since(start).Round(time.Millisecond))
	return nil
}

func printSums(w io.Writer, sums []store.TableSum) {
	for _, t := range sums {
		fmt.Fprintf(w, "  %-24s %9d rows  sha256 %.16s\n", t.Table, t.Rows, t.Sum)
	}
}

// progress shows a copy's progress: a bar redrawn in place on a terminal, a line per table otherwise.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	what  string
	tty   bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, what string) *progress {
	p := &progress{w: w, what: what}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) update(c store.CopyProgress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		switch {
		case c.Phase == "copy" && c.TableDone && c.Resumed:
			fmt.Fprintf(p.w, "%s: %-24s %9d rows (kept from the interrupted run)\n", p.what, c.Table, c.TableRows)
		case c.Phase == "copy" && c.TableDone:
			fmt.Fprintf(p.w, "%s: %-24s %9d rows copied (%d of %d rows in all)\n", p.what, c.Table, c.TableRows, c.Done, c.Total)
		case c.Phase == "verify" && c.Done == c.Total:
			fmt.Fprintf(p.w, "%s: %d tables verified by row count and checksum\n", p.what, c.Total)
		}
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && c.Done != c.Total {
		return
	}
	p.last = now
	frac := 1.0
	if c.Total > 0 {
		frac = float64(c.Done) / float64(c.Total)
	}
	const width = 30
	n := int(frac * width)
	bar := strings.Repeat("█", n) + strings.Repeat("░", width-n)
	unit := "rows"
	if c.Phase == "verify" {
		unit = "tables"
	}
	fmt.Fprintf(p.w, "\r\033[K%s %s %3.0f%% %s %d/%d %s  %s", p.what, bar, frac*100, c.Phase, c.Done, c.Total, unit, c.Table)
	p.drawn = true
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprintln(p.w)
	}
}
