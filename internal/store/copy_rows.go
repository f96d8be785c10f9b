// Copy's row work: a table's rows ordered parents first, values converted between the engines,
// and written in multi-row statements.

package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// parentsFirst orders rows so that a row referencing another row of the same table (by id) comes
// after it.
func parentsFirst(t *tableInfo, rows [][]any) [][]any {
	idCol := slices.Index(t.Columns, "id")
	if idCol < 0 {
		return rows
	}
	var refCols []int
	for _, c := range t.SelfRef {
		if i := slices.Index(t.Columns, c); i >= 0 {
			refCols = append(refCols, i)
		}
	}
	key := func(v any) string { return fmt.Sprint(v) }
	present := map[string]bool{}
	for _, r := range rows {
		present[key(r[idCol])] = true
	}
	placed := map[string]bool{}
	out := make([][]any, 0, len(rows))
	pending := rows
	for len(pending) > 0 {
		var next [][]any
		for _, r := range pending {
			ready := true
			for _, c := range refCols {
				if r[c] != nil && present[key(r[c])] && !placed[key(r[c])] && key(r[c]) != key(r[idCol]) {
					ready = false
					break
				}
			}
			if ready {
				out = append(out, r)
				placed[key(r[idCol])] = true
			} else {
				next = append(next, r)
			}
		}
		if len(next) == len(pending) { // a cycle: let the database say what is wrong
			out = append(out, next...)
			break
		}
		pending = next
	}
	return out
}

// converter adapts a value read from one engine to a target column of the other.
func converter(dst Engine, typ string) func(any) any {
	if dst == SQLite {
		return func(v any) any {
			if b, ok := v.(bool); ok {
				if b {
					return int64(1)
				}
				return int64(0)
			}
			return v
		}
	}
	switch {
	case typ == "boolean":
		return func(v any) any {
			switch x := v.(type) {
			case int64:
				return x != 0
			case float64:
				return x != 0
			case string:
				b, err := strconv.ParseBool(x)
				if err != nil {
					return v
				}
				return b
			}
			return v
		}
	case typ == "bytea":
		return func(v any) any {
			if s, ok := v.(string); ok {
				return []byte(s)
			}
			return v
		}
	case typ == "text" || strings.HasPrefix(typ, "character"):
		return func(v any) any {
			if b, ok := v.([]byte); ok {
				return string(b)
			}
			return v
		}
	case typ == "bigint" || typ == "integer" || typ == "smallint":
		return func(v any) any {
			switch x := v.(type) {
			case bool:
				if x {
					return int64(1)
				}
				return int64(0)
			case float64:
				if x == float64(int64(x)) {
					return int64(x)
				}
			}
			return v
		}
	case typ == "double precision" || typ == "real":
		return func(v any) any {
			if i, ok := v.(int64); ok {
				return float64(i)
			}
			return v
		}
	}
	return func(v any) any { return v }
}

// inserter writes rows in multi-row INSERT statements.
type inserter struct {
	tx      *Tx
	table   string
	cols    []string
	perStmt int
	buf     []any
	n       int
	stmts   map[int]*sql.Stmt
}

func (in *inserter) add(ctx context.Context, vals []any) error {
	in.buf = append(in.buf, vals...)
	in.n++
	if in.n >= in.perStmt {
		return in.flush(ctx)
	}
	return nil
}

func (in *inserter) flush(ctx context.Context) error {
	if in.n == 0 {
		return nil
	}
	if in.stmts == nil {
		in.stmts = map[int]*sql.Stmt{}
	}
	stmt, ok := in.stmts[in.n]
	if !ok {
		var b strings.Builder
		b.WriteString("INSERT INTO " + quoteIdent(in.table) + " (" + strings.Join(in.cols, ", ") + ") VALUES ")
		p := 0
		for r := 0; r < in.n; r++ {
			if r > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range in.cols {
				if c > 0 {
					b.WriteString(", ")
				}
				p++
				if in.tx.s.engine == Postgres {
					b.WriteString("$" + strconv.Itoa(p))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		var err error
		stmt, err = in.tx.tx.PrepareContext(ctx, b.String())
		if err != nil {
			return err
		}
		in.stmts[in.n] = stmt
	}
	if _, err := stmt.ExecContext(ctx, in.buf...); err != nil {
		return err
	}
	in.buf, in.n = in.buf[:0], 0
	return nil
}
