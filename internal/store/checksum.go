package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schema introspection and content checksums, the same on both engines. A backup, a restore and a
// move between engines all end by comparing every table's row count and checksum on both sides.

// bookkeeping tables are never copied: the schema version belongs to the target's own migrations,
// and the move markers describe the target itself.
var bookkeeping = map[string]bool{"schema_migrations": true, "data_move": true, "data_move_tables": true}

// derived are plain tables that the database fills from other tables by triggers: like the
// full-text indexes they are neither copied nor compared. The knowledge search's copy of the posts
// (migrations 0021, 0025) is rebuilt after a copy (rebuildSearch); the answers' versions (0026)
// need only to move when answers change, which the copy's own writes see to.
var derived = map[string]bool{"knowledge_search": true, "answer_versions": true}

// tableInfo describes one table of the schema.
type tableInfo struct {
	Name    string
	Columns []string          // in the engine's column order
	Types   map[string]string // column → declared type, lower case
	Refs    []string          // tables this one references (foreign keys), without itself
	SelfRef []string          // columns that reference this table's own id
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// schemaTables lists the application's tables (without the bookkeeping ones), sorted by name.
func schemaTables(ctx context.Context, e Engine, q querier) ([]*tableInfo, error) {
	var names []string
	var rows *sql.Rows
	var err error
	if e == Postgres {
		rows, err = q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
			AND table_name NOT IN (SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = current_schema() AND c.relispartition)`)
	} else {
		// Full-text indexes (FTS5 virtual tables and their shadow tables) are derived from the
		// tables they index: they are neither copied nor compared, and rebuilt after a copy.
		rows, err = q.QueryContext(ctx, `SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
			AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
			AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
				AND m.name LIKE v.name || '\_%' ESCAPE '\')`)
	}
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !bookkeeping[n] && !derived[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []*tableInfo
	for _, n := range names {
		t := &tableInfo{Name: n, Types: map[string]string{}}
		if err := describe(ctx, e, q, t); err != nil {
			return nil, fmt.Errorf("describe table %s: %w", n, err)
		}
		out = append(out, t)
	}
	return out, nil
}

func describe(ctx context.Context, e Engine, q querier, t *tableInfo) error {
	refs := map[string]bool{}
	if e == Postgres {
		// Generated columns (the search vectors) are computed by the database: not copied.
		rows, err := q.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`, t.Name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c, typ string
			if err := rows.Scan(&c, &typ); err != nil {
				rows.Close()
				return err
			}
			t.Columns = append(t.Columns, c)
			t.Types[c] = strings.ToLower(typ)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = q.QueryContext(ctx, `SELECT cf.relname, a.attname
			FROM pg_constraint k
			JOIN pg_class c ON c.oid = k.conrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_class cf ON cf.oid = k.confrelid
			JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
			WHERE k.contype = 'f' AND n.nspname = current_schema() AND c.relname = $1`, t.Name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ref, col string
			if err := rows.Scan(&ref, &col); err != nil {
				rows.Close()
				return err
			}
			if ref == t.Name {
				t.SelfRef = append(t.SelfRef, col)
			} else {
				refs[ref] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	} else {
		rows, err := q.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, t.Name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c, typ string
			if err := rows.Scan(&c, &typ); err != nil {
				rows.Close()
				return err
			}
			t.Columns = append(t.Columns, c)
			t.Types[c] = strings.ToLower(typ)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = q.QueryContext(ctx, `SELECT "table", "from" FROM pragma_foreign_key_list(?)`, t.Name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ref, col string
			if err := rows.Scan(&ref, &col); err != nil {
				rows.Close()
				return err
			}
			if ref == t.Name {
				t.SelfRef = append(t.SelfRef, col)
			} else {
				refs[ref] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(t.Columns) == 0 {
		return fmt.Errorf("no columns")
	}
	for r := range refs {
		t.Refs = append(t.Refs, r)
	}
	slices.Sort(t.Refs)
	slices.Sort(t.SelfRef)
	t.SelfRef = slices.Compact(t.SelfRef)
	return nil
}

// loadOrder sorts tables so that every table comes after the tables it references.
func loadOrder(tables []*tableInfo) ([]*tableInfo, error) {
	byName := map[string]*tableInfo{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var out []*tableInfo
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t *tableInfo) error
	visit = func(t *tableInfo) error {
		switch state[t.Name] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through table %s", t.Name)
		case 2:
			return nil
		}
		state[t.Name] = 1
		for _, r := range t.Refs {
			if rt, ok := byName[r]; ok {
				if err := visit(rt); err != nil {
					return err
				}
			}
		}
		state[t.Name] = 2
		out = append(out, t)
		return nil
	}
	for _, t := range tables {
		if err := visit(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// quoteIdent quotes a table or column name for both engines.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// TableSum is one table's row count and content checksum.
type TableSum struct {
	Table string
	Rows  int64
	Sum   string // hex SHA-256
}

// rowHasher accumulates a table checksum. Each row is hashed on its own over its values in column-name
// order, normalised so that both engines give the same bytes (integers and booleans as decimal,
// floats in shortest form, text as is, blobs as bytes, NULL distinct from everything); the table's
// checksum is the SHA-256 over the sorted row hashes, so that the engines' different orderings of
// text do not matter.
type rowHasher struct {
	order []int // positions of the columns in name order
	rows  [][sha256.Size]byte
	buf   bytes.Buffer
}

func newRowHasher(columns []string) *rowHasher {
	order := make([]int, len(columns))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(columns[a], columns[b]) })
	return &rowHasher{order: order}
}

func (h *rowHasher) add(vals []any) {
	h.buf.Reset()
	for _, i := range h.order {
		tag, b := normalise(vals[i])
		h.buf.WriteByte(tag)
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.buf.Write(n[:])
		h.buf.Write(b)
	}
	h.rows = append(h.rows, sha256.Sum256(h.buf.Bytes()))
}

func (h *rowHasher) sum() string {
	slices.SortFunc(h.rows, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	d := sha256.New()
	for _, r := range h.rows {
		d.Write(r[:])
	}
	return hex.EncodeToString(d.Sum(nil))
}

// normalise turns a scanned value into a type tag and canonical bytes.
func normalise(v any) (byte, []byte) {
	switch x := v.(type) {
	case nil:
		return 'n', nil
	case int64:
		return 'i', strconv.AppendInt(nil, x, 10)
	case int32:
		return 'i', strconv.AppendInt(nil, int64(x), 10)
	case int:
		return 'i', strconv.AppendInt(nil, int64(x), 10)
	case bool:
		if x {
			return 'i', []byte("1")
		}
		return 'i', []byte("0")
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			// A whole number may come back as an integer from one engine and a float from the other.
			return 'i', strconv.AppendInt(nil, int64(x), 10)
		}
		return 'f', strconv.AppendFloat(nil, x, 'g', -1, 64)
	case float32:
		return normalise(float64(x))
	case string:
		return 't', []byte(x)
	case []byte:
		return 'b', x
	case time.Time:
		return 't', []byte(x.UTC().Format(time.RFC3339Nano))
	default:
		return 't', []byte(fmt.Sprint(x))
	}
}

// tableSum computes t's row count and checksum through q (a transaction, for a consistent view).
func tableSum(ctx context.Context, q querier, t *tableInfo) (TableSum, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c)
	}
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+quoteIdent(t.Name))
	if err != nil {
		return TableSum{}, fmt.Errorf("checksum %s: %w", t.Name, err)
	}
	defer rows.Close()
	h := newRowHasher(t.Columns)
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, fmt.Errorf("checksum %s: %w", t.Name, err)
		}
		h.add(vals)
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, fmt.Errorf("checksum %s: %w", t.Name, err)
	}
	return TableSum{Table: t.Name, Rows: int64(len(h.rows)), Sum: h.sum()}, nil
}

// Checksums returns every application table's row count and checksum, read in one consistent
// snapshot, sorted by table name.
func (s *Store) Checksums(ctx context.Context) ([]TableSum, error) {
	tx, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	tables, err := schemaTables(ctx, s.engine, tx)
	if err != nil {
		return nil, err
	}
	var out []TableSum
	for _, t := range tables {
		ts, err := tableSum(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, ts)
	}
	return out, nil
}

// snapshot begins a read-only transaction that sees one consistent state of the whole database
// while writers go on: REPEATABLE READ on PostgreSQL, a WAL read transaction on SQLite.
func (s *Store) snapshot(ctx context.Context) (*sql.Tx, error) {
	var opts *sql.TxOptions
	if s.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("begin snapshot: %w", err)
	}
	if s.engine == SQLite {
		// A deferred SQLite transaction takes its snapshot at its first read.
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master").Scan(&n); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("begin snapshot: %w", err)
		}
	}
	return tx, nil
}
