package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// The table copier behind `vaern migrate-data`, `vaern restore` and the PostgreSQL backup. It is
// engine-neutral: it reads the source inside one consistent snapshot, writes the target one table
// per transaction in foreign-key order, and verifies every table's row count and checksum on both
// sides at the end. From its first write until that verification the target carries a marker
// (data_move) that makes Værn refuse to use it; each finished table is recorded (data_move_tables),
// so that running the same move again resumes where an interruption left it.

// CopyOptions tune Copy.
type CopyOptions struct {
	// Source names the source in the target's marker and in messages (no passwords).
	Source string
	// Force empties a target that already holds data (in one transaction) instead of refusing it,
	// and starts an interrupted move over instead of resuming it.
	Force bool
	// Progress, if set, is called as rows are copied and tables verified.
	Progress func(CopyProgress)
}

// CopyProgress reports how far a copy is.
type CopyProgress struct {
	Phase string // "copy" or "verify"
	Table string
	Done  int64 // rows copied (copy) or tables verified (verify) so far
	Total int64 // rows (copy) or tables (verify) in all
	// TableDone is set on the last report of a table; TableRows is then its row count.
	TableDone bool
	TableRows int64
	Resumed   bool // the table was kept from an interrupted run
}

// CopyResult is what a verified copy moved.
type CopyResult struct {
	Tables  []TableSum // every table, verified on both sides, in load order
	Resumed []string   // tables kept from an earlier, interrupted run
}

// Rows is the number of rows in all tables.
func (r *CopyResult) Rows() int64 {
	var n int64
	for _, t := range r.Tables {
		n += t.Rows
	}
	return n
}

// ErrTargetNotEmpty is returned when the target of a copy already holds data and Force is not set.
var ErrTargetNotEmpty = errors.New("target database is not empty")

// Describe names a database for messages and markers, without a password.
func Describe(dsn string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			if u.User != nil {
				u.User = url.User(u.User.Username())
			}
			return "postgres " + u.Redacted()
		}
		return "postgres"
	}
	return "sqlite " + dsn
}

// Copy copies every table of src into dst and verifies the result. dst is migrated to src's schema
// version first; a different version on either side is refused. src must be at the newest schema
// version this binary knows.
func Copy(ctx context.Context, src, dst *Store, opt CopyOptions) (*CopyResult, error) {
	if src.engine == dst.engine && src.dsn == dst.dsn {
		return nil, errors.New("copy: source and target are the same database")
	}
	if err := src.CheckSchema(ctx); err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	srcV, err := src.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	if _, err := dst.MigrateTo(ctx, srcV); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	dstV, err := dst.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if dstV != srcV {
		return nil, fmt.Errorf("target schema is at version %d, the source at %d: both must be at the same version (run `vaern migrate` with the newer binary on the older one)", dstV, srcV)
	}

	snap, err := src.snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer snap.Rollback()
	srcTables, err := schemaTables(ctx, src.engine, snap)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	dstTables, err := schemaTables(ctx, dst.engine, dst.w)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	dstBy := map[string]*tableInfo{}
	for _, t := range dstTables {
		dstBy[t.Name] = t
	}
	if err := sameTables(srcTables, dstTables); err != nil {
		return nil, err
	}
	order, err := loadOrder(srcTables)
	if err != nil {
		return nil, err
	}

	done, err := dst.prepareTarget(ctx, order, opt)
	if err != nil {
		return nil, err
	}

	// Totals for the progress report.
	counts := map[string]int64{}
	var total int64
	for _, t := range order {
		var n int64
		if err := snap.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("source: count %s: %w", t.Name, err)
		}
		counts[t.Name] = n
		total += n
	}
	progress := func(p CopyProgress) {
		if opt.Progress != nil {
			opt.Progress(p)
		}
	}

	res := &CopyResult{}
	srcSums := map[string]TableSum{}
	var copied int64
	for _, t := range order {
		if _, ok := done[t.Name]; ok {
			res.Resumed = append(res.Resumed, t.Name)
			copied += counts[t.Name]
			progress(CopyProgress{Phase: "copy", Table: t.Name, Done: copied, Total: total, TableDone: true,
				TableRows: done[t.Name].Rows, Resumed: true})
			continue
		}
		base := copied
		var sum TableSum
		err := dst.Write(ctx, func(tx *Tx) error {
			if dst.engine == SQLite {
				// Rows of a table may reference rows of the same table that come later.
				if _, err := tx.tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
					return err
				}
			}
			var err error
			sum, err = copyTable(ctx, snap, tx, t, dstBy[t.Name], func(n int64) {
				progress(CopyProgress{Phase: "copy", Table: t.Name, Done: base + n, Total: total})
			})
			if err != nil {
				return err
			}
			_, err = tx.exec(ctx, "INSERT INTO data_move_tables (name, row_count, checksum, done_at) VALUES (?, ?, ?, ?)",
				t.Name, sum.Rows, sum.Sum, ms(dst.now()))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("copy table %s: %w (the target stays marked incomplete; run the same command again to resume)", t.Name, err)
		}
		srcSums[t.Name] = sum
		copied = base + sum.Rows
		progress(CopyProgress{Phase: "copy", Table: t.Name, Done: copied, Total: total, TableDone: true, TableRows: sum.Rows})
	}

	if dst.engine == Postgres {
		if err := dst.resetSequences(ctx, order); err != nil {
			return nil, err
		}
	}
	if err := dst.rebuildSearch(ctx); err != nil {
		return nil, err
	}

	// Verify every table against the source snapshot.
	var bad []string
	for i, t := range order {
		want, ok := srcSums[t.Name]
		if !ok {
			if want, err = tableSum(ctx, snap, t); err != nil {
				return nil, fmt.Errorf("source: %w", err)
			}
		}
		got, err := tableSum(ctx, dst.w, dstBy[t.Name])
		if err != nil {
			return nil, fmt.Errorf("target: %w", err)
		}
		if got.Rows != want.Rows || got.Sum != want.Sum {
			bad = append(bad, fmt.Sprintf("%s: source %d rows (checksum %.12s), target %d rows (checksum %.12s)",
				t.Name, want.Rows, want.Sum, got.Rows, got.Sum))
		}
		res.Tables = append(res.Tables, got)
		progress(CopyProgress{Phase: "verify", Table: t.Name, Done: int64(i + 1), Total: int64(len(order)), TableDone: true, TableRows: got.Rows})
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("verification failed, the target stays marked incomplete (run again with --force to start over):\n  %s", strings.Join(bad, "\n  "))
	}
	err = dst.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM data_move_tables"); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "DELETE FROM data_move")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("target: clear the incomplete marker: %w", err)
	}
	return res, nil
}

func sameTables(src, dst []*tableInfo) error {
	dstBy := map[string]*tableInfo{}
	for _, t := range dst {
		dstBy[t.Name] = t
	}
	var problems []string
	for _, t := range src {
		d, ok := dstBy[t.Name]
		if !ok {
			problems = append(problems, "table "+t.Name+" is missing in the target")
			continue
		}
		a, b := slices.Clone(t.Columns), slices.Clone(d.Columns)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			problems = append(problems, fmt.Sprintf("table %s has columns %v in the source, %v in the target", t.Name, a, b))
		}
		delete(dstBy, t.Name)
	}
	for n := range dstBy {
		problems = append(problems, "table "+n+" exists only in the target")
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("source and target schemas differ:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// prepareTarget marks the target incomplete and returns the tables an earlier, interrupted run of the
// same move finished. A target with other data is refused, or emptied with Force.
func (s *Store) prepareTarget(ctx context.Context, order []*tableInfo, opt CopyOptions) (map[string]TableSum, error) {
	marker, marked, err := s.moveMarker(ctx)
	if err != nil {
		return nil, err
	}
	done := map[string]TableSum{}
	if marked && !opt.Force {
		if marker != opt.Source {
			return nil, fmt.Errorf("%w: it holds an interrupted move from %s; give --force to replace it with %s", ErrTargetNotEmpty, marker, opt.Source)
		}
		rows, err := s.w.QueryContext(ctx, "SELECT name, row_count, checksum FROM data_move_tables")
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t TableSum
			if err := rows.Scan(&t.Table, &t.Rows, &t.Sum); err != nil {
				rows.Close()
				return nil, err
			}
			done[t.Table] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var full []string
	for _, t := range order {
		if _, ok := done[t.Name]; ok {
			continue
		}
		var n int64
		if err := s.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t.Name)).Scan(&n); err != nil {
			return nil, fmt.Errorf("target: count %s: %w", t.Name, err)
		}
		if n > 0 {
			full = append(full, fmt.Sprintf("%s (%d rows)", t.Name, n))
		}
	}
	if len(full) > 0 && !opt.Force {
		return nil, fmt.Errorf("%w: %s; give --force to replace its contents", ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	empty := opt.Force && (len(full) > 0 || marked)
	err = s.Write(ctx, func(tx *Tx) error {
		if empty {
			if err := emptyTables(ctx, tx, order); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "DELETE FROM data_move_tables"); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO data_move (id, source, started_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET source = excluded.source, started_at = excluded.started_at`, opt.Source, ms(s.now()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("target: mark incomplete: %w", err)
	}
	if empty {
		done = map[string]TableSum{}
	}
	return done, nil
}

// emptyTables deletes every row of the tables, the referencing ones first.
func emptyTables(ctx context.Context, tx *Tx, order []*tableInfo) error {
	if tx.s.engine == Postgres {
		names := make([]string, len(order))
		for i, t := range order {
			names[i] = quoteIdent(t.Name)
		}
		_, err := tx.tx.ExecContext(ctx, "TRUNCATE "+strings.Join(names, ", ")+" RESTART IDENTITY")
		return err
	}
	if _, err := tx.tx.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
		return err
	}
	for i := len(order) - 1; i >= 0; i-- {
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(order[i].Name)); err != nil {
			return fmt.Errorf("empty %s: %w", order[i].Name, err)
		}
	}
	return nil
}

// copyTable copies one table's rows from the source snapshot into the target transaction and returns
// the source's count and checksum.
func copyTable(ctx context.Context, snap *sql.Tx, tx *Tx, st, dt *tableInfo, progress func(int64)) (TableSum, error) {
	cols := make([]string, len(st.Columns))
	for i, c := range st.Columns {
		cols[i] = quoteIdent(c)
	}
	rows, err := snap.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteIdent(st.Name))
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	h := newRowHasher(st.Columns)
	perStmt := max(1, min(500, 30000/len(cols)))
	ins := &inserter{tx: tx, table: st.Name, cols: cols, perStmt: perStmt}
	conv := make([]func(any) any, len(cols))
	for i, c := range st.Columns {
		conv[i] = converter(tx.s.engine, dt.Types[c])
	}
	scan := func() ([]any, error) {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		h.add(vals)
		for i, f := range conv {
			vals[i] = f(vals[i])
		}
		return vals, nil
	}
	var n int64
	if len(st.SelfRef) == 0 {
		for rows.Next() {
			vals, err := scan()
			if err != nil {
				return TableSum{}, err
			}
			if err := ins.add(ctx, vals); err != nil {
				return TableSum{}, err
			}
			n++
			if n%1000 == 0 {
				progress(n)
			}
		}
	} else {
		// A table whose rows reference each other (a tree): parents go in before their children.
		var all [][]any
		for rows.Next() {
			vals, err := scan()
			if err != nil {
				return TableSum{}, err
			}
			all = append(all, vals)
		}
		for _, vals := range parentsFirst(st, all) {
			if err := ins.add(ctx, vals); err != nil {
				return TableSum{}, err
			}
			n++
		}
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	if err := ins.flush(ctx); err != nil {
		return TableSum{}, err
	}
	progress(n)
	return TableSum{Table: st.Name, Rows: n, Sum: h.sum()}, nil
}
