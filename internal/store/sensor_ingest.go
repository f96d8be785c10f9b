package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vaern/vaern"
)

// IngestBatch is one batch of a sensor's alerts, parsed and pseudonymised, with the sightings
// derived from them.
type IngestBatch struct {
	OrgID, SensorID int64
	BatchID         string
	Alerts          []vaern.SensorAlert
	Rejected        int
	Sightings       []vaern.Sighting
}

// IngestResult is what the store did with a batch.
type IngestResult struct {
	Accepted, Rejected int
	Duplicate          bool // the batch id was stored before: nothing was written again
}

// ErrSensorRevoked answers a batch of a sensor that was revoked (or never existed) by the time
// its batch was written.
var ErrSensorRevoked = fmt.Errorf("%w: the sensor is revoked", vaern.ErrNotFound)

// SensorAlertColumns are sensor_alerts' columns in the order ingest writes them (benchmarks copy
// the same rows the same way).
var SensorAlertColumns = []string{"org_id", "sensor_id", "batch_id", "time", "signature_id", "signature", "category", "severity",
	"proto", "src_ip", "src_port", "dest_ip", "dest_port", "src_internal", "dst_internal", "domain", "url", "ja3", "ja4", "payload"}

// SensorAlertRow is an alert as a row of SensorAlertColumns.
func SensorAlertRow(b *IngestBatch, a *vaern.SensorAlert) []any { return appendAlertRow(nil, b, a) }

// Ingest stores a batch in one transaction: the batch id (a retried batch is found and counts
// once) with the batch's hourly sightings, compactly encoded, pending their merge into
// sensor_sightings (sensor_pending.go: shortly after, in the background, and before any reader
// of the sightings), the alerts (COPY into the day partitions on PostgreSQL, prepared multi-row
// inserts on SQLite), and the sensor's last-seen time. A sensor revoked in the meantime gets
// ErrSensorRevoked and nothing is written.
func (s *Store) Ingest(ctx context.Context, b IngestBatch) (IngestResult, error) {
	if b.BatchID == "" || len(b.BatchID) > 200 {
		return IngestResult{}, vaern.Invalid("batch_id", "is required and at most 200 characters")
	}
	sightings, err := mergeSightings(b.Sightings)
	if err != nil {
		return IngestResult{}, err
	}
	var pending []byte // NULL: nothing to merge
	if len(sightings) > 0 {
		pending = encodeSightings(make([]byte, 0, 64*len(sightings)), sightings)
	}
	res := IngestResult{Accepted: len(b.Alerts), Rejected: b.Rejected}
	defer func() {
		if pending != nil && !res.Duplicate {
			s.kickMerge()
		}
	}()
	// body is the transaction; store writes the alerts and the sightings, the engine's way.
	body := func(tx *Tx, store func() error) error {
		res = IngestResult{Accepted: len(b.Alerts), Rejected: b.Rejected}
		now := ms(s.now())
		r, err := tx.exec(ctx, "UPDATE sensors SET last_seen = ? WHERE id = ? AND org_id = ? AND revoked_at = 0", now, b.SensorID, b.OrgID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrSensorRevoked
		}
		r, err = tx.exec(ctx, `INSERT INTO sensor_batches (sensor_id, batch_id, org_id, received_at, accepted, rejected, sightings)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sensor_id, batch_id) DO NOTHING`, b.SensorID, b.BatchID, b.OrgID, now, len(b.Alerts), b.Rejected, pending)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Duplicate = true
			return tx.queryRow(ctx, "SELECT accepted, rejected FROM sensor_batches WHERE sensor_id = ? AND batch_id = ?", b.SensorID, b.BatchID).
				Scan(&res.Accepted, &res.Rejected)
		}
		return store()
	}
	if s.engine == Postgres {
		if err := s.alertPartitions(ctx, b.Alerts); err != nil {
			return res, err
		}
		err := s.ingestPg(ctx, &b, pending, &res)
		return res, err
	}
	err = s.Write(ctx, func(tx *Tx) error {
		return body(tx, func() error {
			err := tx.execRows(ctx, alertInsert, len(b.Alerts), func(args []any, i int) []any {
				return appendAlertRow(args, &b, &b.Alerts[i])
			})
			if err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
			return nil
		})
	})
	return res, err
}

// ingestPgBatch is the batch row and the sensor's last-seen time in one statement: the sensor's
// update (none: revoked) and the batch's insert (none: a retried batch id) are counted.
const ingestPgBatch = `WITH s AS (UPDATE sensors SET last_seen = $1 WHERE id = $2 AND org_id = $3 AND revoked_at = 0 RETURNING id),
	b AS (INSERT INTO sensor_batches (sensor_id, batch_id, org_id, received_at, accepted, rejected, sightings)
		SELECT $2, $4, $3, $1, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM s) ON CONFLICT (sensor_id, batch_id) DO NOTHING RETURNING 1)
	SELECT (SELECT COUNT(*) FROM s), (SELECT COUNT(*) FROM b)`

// ingestPg is Ingest on PostgreSQL, on one connection in as few round trips as the bare COPY:
// BEGIN and the batch row pipelined in one, the alerts' COPY, COMMIT.
func (s *Store) ingestPg(ctx context.Context, b *IngestBatch, pending []byte, res *IngestResult) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close() // a connection left inside a transaction is discarded by the driver
	return onPgx(conn, func(pc *pgx.Conn) (err error) {
		committed := false
		defer func() {
			if !committed {
				_, _ = pc.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			}
		}()
		var q pgx.Batch
		q.Queue("BEGIN")
		q.Queue(ingestPgBatch, ms(s.now()), b.SensorID, b.OrgID, b.BatchID, len(b.Alerts), b.Rejected, pending)
		br := pc.SendBatch(ctx, &q)
		var updated, inserted int64
		_, err = br.Exec()
		if err == nil {
			err = br.QueryRow().Scan(&updated, &inserted)
		}
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		switch {
		case err != nil:
			return fmt.Errorf("store batch: %w", mapErr(err))
		case updated == 0:
			return ErrSensorRevoked
		case inserted == 0:
			res.Duplicate = true
			if err := pc.QueryRow(ctx, "SELECT accepted, rejected FROM sensor_batches WHERE sensor_id = $1 AND batch_id = $2", b.SensorID, b.BatchID).
				Scan(&res.Accepted, &res.Rejected); err != nil {
				return fmt.Errorf("store batch: %w", mapErr(err))
			}
		case len(b.Alerts) > 0:
			if _, err := pc.CopyFrom(ctx, pgx.Identifier{"sensor_alerts"}, SensorAlertColumns, &alertSource{b: b}); err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
		}
		if _, err := pc.Exec(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("commit: %w", mapErr(err))
		}
		committed = true
		return nil
	})
}

// SensorSightingColumns are sensor_sightings' columns in the order ingest writes them.
var SensorSightingColumns = []string{"kind", "value", "org_id", "hour", "first_seen", "last_seen", "count", "signature_id", "signature"}

// SensorSightingRow is a sighting as a row of SensorSightingColumns.
func SensorSightingRow(g *vaern.Sighting) []any { return appendSightingRow(nil, g) }

func appendSightingRow(args []any, g *vaern.Sighting) []any {
	return append(args, g.Kind, g.Value, g.OrgID, ms(g.Hour.UTC().Truncate(time.Hour)), ms(g.FirstSeen), ms(g.LastSeen), max(g.Count, 1),
		g.SignatureID, g.Signature)
}

func appendAlertRow(args []any, b *IngestBatch, a *vaern.SensorAlert) []any {
	return append(args, b.OrgID, b.SensorID, b.BatchID, ms(a.Time), a.SignatureID, a.Signature, a.Category, a.Severity,
		a.Proto, a.SrcIP, a.SrcPort, a.DestIP, a.DestPort, a.SrcInternal, a.DstInternal, a.Domain, a.URL, a.JA3, a.JA4, a.Payload)
}

// sightingMerge is how an upsert widens a stored sighting; both engines' upserts use it.
const sightingMerge = ` ON CONFLICT (kind, value, org_id, hour) DO UPDATE SET
	first_seen = CASE WHEN excluded.first_seen < sensor_sightings.first_seen THEN excluded.first_seen ELSE sensor_sightings.first_seen END,
	last_seen = CASE WHEN excluded.last_seen > sensor_sightings.last_seen THEN excluded.last_seen ELSE sensor_sightings.last_seen END,
	count = sensor_sightings.count + excluded.count`

// The multi-row statements of SQLite's ingest: at most 1,024 alert rows (20 values each) and
// 2,048 sighting rows (9 each), under SQLite's 32,766 parameters.
var (
	alertInsert = &rowsStmt{head: "INSERT INTO sensor_alerts (" + strings.Join(SensorAlertColumns, ", ") + ") VALUES ",
		cols: len(SensorAlertColumns), maxRows: 1024}
	sightingInsert = &rowsStmt{head: "INSERT INTO sensor_sightings (" + strings.Join(SensorSightingColumns, ", ") + ") VALUES ",
		cols: len(SensorSightingColumns), maxRows: 2048}
	sightingUpsert = &rowsStmt{head: sightingInsert.head, tail: sightingMerge, cols: len(SensorSightingColumns), maxRows: 2048}
)

// rowsStmt is a multi-row statement in a few fixed sizes (the largest, then powers of two for the
// rest), so that its SQL is one of a few constant texts: the writer's statement cache
// (Tx.exec) then prepares each once, and a batch no longer has SQLite parse a statement of
// thousands of values.
type rowsStmt struct {
	head, tail string
	cols       int
	maxRows    int
	texts      sync.Map // rows -> SQL
}

func (r *rowsStmt) sql(rows int) string {
	if q, ok := r.texts.Load(rows); ok {
		return q.(string)
	}
	tuple := "(" + strings.Repeat("?, ", r.cols-1) + "?)"
	var b strings.Builder
	b.Grow(len(r.head) + rows*(len(tuple)+2) + len(r.tail))
	b.WriteString(r.head)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	b.WriteString(r.tail)
	q, _ := r.texts.LoadOrStore(rows, b.String())
	return q.(string)
}

// execRows writes n rows with st, fill appending row i's values.
func (t *Tx) execRows(ctx context.Context, st *rowsStmt, n int, fill func(args []any, i int) []any) error {
	args := make([]any, 0, min(n, st.maxRows)*st.cols)
	for i := 0; i < n; {
		k := st.maxRows
		for k > n-i {
			k /= 2
		}
		args = args[:0]
		for j := i; j < i+k; j++ {
			args = fill(args, j)
		}
		if _, err := t.exec(ctx, st.sql(k), args...); err != nil {
			return err
		}
		i += k
	}
	return nil
}

// alertSource feeds a batch's alerts to pgx's COPY one row at a time, in one reused slice (COPY
// encodes a row before it asks for the next).
type alertSource struct {
	b   *IngestBatch
	i   int
	row []any
}

func (s *alertSource) Next() bool { s.i++; return s.i <= len(s.b.Alerts) }
func (s *alertSource) Err() error { return nil }
func (s *alertSource) Values() ([]any, error) {
	s.row = appendAlertRow(s.row[:0], s.b, &s.b.Alerts[s.i-1])
	return s.row, nil
}

// upsertSightingsPg adds a batch's sightings in one statement: the batch is sent as nine arrays
// (one bind message, no temporary table and no catalog change per batch) and upserted in key
// order, so that two batches of one member lock shared sightings in the same order and cannot
// deadlock.
func upsertSightingsPg(ctx context.Context, pc *pgx.Conn, list []vaern.Sighting) error {
	if len(list) == 0 {
		return nil
	}
	kinds, values, sigs := make([]string, len(list)), make([]string, len(list)), make([]string, len(list))
	ints := make([]int64, 6*len(list))
	orgs, hours, firsts, lasts, counts, sids := ints[:len(list)], ints[len(list):2*len(list)], ints[2*len(list):3*len(list)],
		ints[3*len(list):4*len(list)], ints[4*len(list):5*len(list)], ints[5*len(list):]
	for i := range list {
		g := &list[i]
		kinds[i], values[i], sigs[i] = g.Kind, g.Value, g.Signature
		orgs[i], hours[i], firsts[i], lasts[i], counts[i], sids[i] = g.OrgID, ms(g.Hour.UTC().Truncate(time.Hour)), ms(g.FirstSeen), ms(g.LastSeen),
			max(g.Count, 1), g.SignatureID
	}
	_, err := pc.Exec(ctx, `INSERT INTO sensor_sightings (kind, value, org_id, hour, first_seen, last_seen, count, signature_id, signature)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[])
		ORDER BY 1, 2, 3, 4`+sightingMerge, kinds, values, orgs, hours, firsts, lasts, counts, sids, sigs)
	if err != nil {
		return fmt.Errorf("add sightings: %w", err)
	}
	return nil
}

// mergeSightings makes sure no (kind, value, org, hour) is in the list twice, as one upsert
// statement needs (PostgreSQL refuses to update a row twice in one statement): sensor.Sightings
// already guarantees it for a batch, so the list is normally returned as it is; duplicates are
// merged as the upsert would merge them.
func mergeSightings(list []vaern.Sighting) ([]vaern.Sighting, error) {
	type key struct {
		kind, value string
		org, hour   int64
	}
	idx := make(map[key]int, len(list))
	var out []vaern.Sighting // made on the first duplicate
	for i := range list {
		g := &list[i]
		if g.Kind == "" || g.Value == "" || g.OrgID == 0 {
			return nil, fmt.Errorf("add sighting: kind, value and org are required")
		}
		k := key{g.Kind, g.Value, g.OrgID, ms(g.Hour.UTC().Truncate(time.Hour))}
		j, dup := idx[k]
		if !dup {
			if out != nil {
				idx[k] = len(out)
				out = append(out, *g)
			} else {
				idx[k] = i
			}
			continue
		}
		if out == nil {
			out = append(make([]vaern.Sighting, 0, len(list)), list[:i]...)
		}
		m := &out[j]
		m.Count = max(m.Count, 1) + max(g.Count, 1)
		if g.FirstSeen.Before(m.FirstSeen) {
			m.FirstSeen = g.FirstSeen
		}
		if g.LastSeen.After(m.LastSeen) {
			m.LastSeen = g.LastSeen
		}
	}
	if out == nil {
		return list, nil
	}
	return out, nil
}

// writeOnConn runs fn in a transaction on one dedicated PostgreSQL connection, so that fn can use
// the driver's COPY on the same connection and so inside the same transaction.
func (s *Store) writeOnConn(ctx context.Context, fn func(*Tx, *sql.Conn) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{s: s, tx: tx}, conn); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// onPgx runs fn with the pgx connection under conn (for COPY and arrays, inside the transaction
// open on it).
func onPgx(conn *sql.Conn, fn func(*pgx.Conn) error) error {
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: not a pgx connection")
		}
		return fn(pc.Conn())
	})
}

// copyIn copies rows into table with pgx's COPY on conn (inside the transaction open on it).
func copyIn(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	return onPgx(conn, func(pc *pgx.Conn) error {
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// IngestBare is the benchmarks' bare baseline: the rows an ingest writes (alert rows of
// SensorAlertColumns, sighting rows of SensorSightingColumns, which must be new) put plainly into
// the same tables with the same indexes in one transaction: pgx COPY into both on PostgreSQL,
// the same prepared multi-row inserts as ingest on SQLite. No parse, no checks, no batch id, no
// upsert.
func (s *Store) IngestBare(ctx context.Context, alerts, sightings [][]any) error {
	if s.engine == Postgres {
		return s.writeOnConn(ctx, func(_ *Tx, conn *sql.Conn) error {
			if err := copyIn(ctx, conn, "sensor_alerts", SensorAlertColumns, alerts); err != nil {
				return err
			}
			if len(sightings) == 0 {
				return nil
			}
			return copyIn(ctx, conn, "sensor_sightings", SensorSightingColumns, sightings)
		})
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.execRows(ctx, alertInsert, len(alerts), func(args []any, i int) []any { return append(args, alerts[i]...) }); err != nil {
			return err
		}
		return tx.execRows(ctx, sightingInsert, len(sightings), func(args []any, i int) []any { return append(args, sightings[i]...) })
	})
}

// partitionsMade remembers, per database, the day partitions known to exist.
var partitionsMade sync.Map // dsn + day -> true

const sensorDay = 24 * time.Hour

func partitionName(d time.Time) string { return "sensor_alerts_p" + d.Format("20060102") }

// alertPartitions makes sure the day partitions of the alerts exist. A day whose rows already sit
// in the default partition gets no partition of its own (PostgreSQL refuses it); its rows then go
// to the default partition too.
func (s *Store) alertPartitions(ctx context.Context, alerts []vaern.SensorAlert) error {
	seen := map[int64]bool{}
	for i := range alerts {
		d := alerts[i].Time.UTC().Truncate(sensorDay)
		if seen[d.Unix()] {
			continue
		}
		seen[d.Unix()] = true
		key := s.dsn + "|" + d.Format("20060102") // the DSN names the schema too (search_path)
		if _, ok := partitionsMade.Load(key); ok {
			continue
		}
		q := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s PARTITION OF sensor_alerts FOR VALUES FROM (%d) TO (%d)",
			quoteIdent(partitionName(d)), d.UnixMilli(), d.Add(sensorDay).UnixMilli())
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			msg := err.Error()
			switch {
			case strings.Contains(msg, "default partition"), strings.Contains(msg, "would overlap"):
				// Rows of that day are in the default partition already: keep using it.
			case strings.Contains(msg, "already exists"), strings.Contains(msg, "duplicate key"):
				// Another node made it at the same moment.
			default:
				return fmt.Errorf("create alert partition %s: %w", partitionName(d), err)
			}
		}
		partitionsMade.Store(key, true)
	}
	return nil
}
