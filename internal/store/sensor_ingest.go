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
func SensorAlertRow(b *IngestBatch, a *vaern.SensorAlert) []any {
	return []any{b.OrgID, b.SensorID, b.BatchID, ms(a.Time), a.SignatureID, a.Signature, a.Category, a.Severity,
		a.Proto, a.SrcIP, a.SrcPort, a.DestIP, a.DestPort, a.SrcInternal, a.DstInternal, a.Domain, a.URL, a.JA3, a.JA4, a.Payload}
}

// Ingest stores a batch in one transaction: the batch id (a retried batch is found and counts
// once), the alerts (COPY into the day partitions on PostgreSQL, batched inserts on SQLite), the
// hourly sightings correlation reads, and the sensor's last-seen time. A sensor revoked in the
// meantime gets ErrSensorRevoked and nothing is written.
func (s *Store) Ingest(ctx context.Context, b IngestBatch) (IngestResult, error) {
	if b.BatchID == "" || len(b.BatchID) > 200 {
		return IngestResult{}, vaern.Invalid("batch_id", "is required and at most 200 characters")
	}
	res := IngestResult{Accepted: len(b.Alerts), Rejected: b.Rejected}
	body := func(tx *Tx, copyRows func([][]any) error) error {
		res = IngestResult{Accepted: len(b.Alerts), Rejected: b.Rejected}
		now := ms(s.now())
		r, err := tx.exec(ctx, "UPDATE sensors SET last_seen = ? WHERE id = ? AND org_id = ? AND revoked_at = 0", now, b.SensorID, b.OrgID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrSensorRevoked
		}
		r, err = tx.exec(ctx, `INSERT INTO sensor_batches (sensor_id, batch_id, org_id, received_at, accepted, rejected)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sensor_id, batch_id) DO NOTHING`, b.SensorID, b.BatchID, b.OrgID, now, len(b.Alerts), b.Rejected)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Duplicate = true
			return tx.queryRow(ctx, "SELECT accepted, rejected FROM sensor_batches WHERE sensor_id = ? AND batch_id = ?", b.SensorID, b.BatchID).
				Scan(&res.Accepted, &res.Rejected)
		}
		if len(b.Alerts) > 0 {
			rows := make([][]any, len(b.Alerts))
			for i := range b.Alerts {
				rows[i] = SensorAlertRow(&b, &b.Alerts[i])
			}
			if err := copyRows(rows); err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
		}
		return tx.addSightingsBatched(ctx, b.Sightings)
	}
	if s.engine == Postgres {
		if err := s.alertPartitions(ctx, b.Alerts); err != nil {
			return res, err
		}
		err := s.writeOnConn(ctx, func(tx *Tx, conn *sql.Conn) error {
			return body(tx, func(rows [][]any) error { return copyIn(ctx, conn, "sensor_alerts", SensorAlertColumns, rows) })
		})
		return res, err
	}
	err := s.Write(ctx, func(tx *Tx) error {
		return body(tx, func(rows [][]any) error {
			ins := &inserter{tx: tx, table: "sensor_alerts", cols: SensorAlertColumns, perStmt: 30000 / len(SensorAlertColumns)}
			for _, r := range rows {
				if err := ins.add(ctx, r); err != nil {
					return err
				}
			}
			return ins.flush(ctx)
		})
	})
	return res, err
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

// copyIn copies rows into table with pgx's COPY on conn (inside the transaction open on it).
func copyIn(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: not a pgx connection")
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// CopyAlertsBare is the benchmarks' bare baseline: the same rows copied with pgx COPY into
// sensor_alerts in one transaction, without parsing, checks, batch ids or sightings.
func (s *Store) CopyAlertsBare(ctx context.Context, rows [][]any) error {
	return s.writeOnConn(ctx, func(_ *Tx, conn *sql.Conn) error {
		return copyIn(ctx, conn, "sensor_alerts", SensorAlertColumns, rows)
	})
}

// InsertAlertsBare is the SQLite baseline: the same rows in batched multi-row inserts, one
// transaction.
func (s *Store) InsertAlertsBare(ctx context.Context, rows [][]any) error {
	return s.Write(ctx, func(tx *Tx) error {
		ins := &inserter{tx: tx, table: "sensor_alerts", cols: SensorAlertColumns, perStmt: 30000 / len(SensorAlertColumns)}
		for _, r := range rows {
			if err := ins.add(ctx, r); err != nil {
				return err
			}
		}
		return ins.flush(ctx)
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

// addSightingsBatched is AddSightings in multi-row upserts (one round trip per 500 sightings
// instead of one per sighting). The list must not name one (kind, value, org, hour) twice, as
// sensor.Sightings guarantees for one member's batch; a list that does goes through AddSightings.
func (t *Tx) addSightingsBatched(ctx context.Context, list []vaern.Sighting) error {
	seen := make(map[[2]string]map[int64]bool, len(list))
	for _, g := range list {
		if g.Kind == "" || g.Value == "" || g.OrgID == 0 {
			return fmt.Errorf("add sighting: kind, value and org are required")
		}
		k := [2]string{g.Kind, g.Value}
		h := ms(g.Hour.UTC().Truncate(time.Hour))*1_000_000 + g.OrgID
		if seen[k] == nil {
			seen[k] = map[int64]bool{}
		}
		if seen[k][h] {
			return t.AddSightings(ctx, list)
		}
		seen[k][h] = true
	}
	const per = 500
	for start := 0; start < len(list); start += per {
		chunk := list[start:min(start+per, len(list))]
		var b strings.Builder
		b.WriteString("INSERT INTO sensor_sightings (kind, value, org_id, hour, first_seen, last_seen, count, signature_id, signature) VALUES ")
		args := make([]any, 0, len(chunk)*9)
		for i, g := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, g.Kind, g.Value, g.OrgID, ms(g.Hour.UTC().Truncate(time.Hour)), ms(g.FirstSeen), ms(g.LastSeen), max(g.Count, 1), g.SignatureID, g.Signature)
		}
		b.WriteString(` ON CONFLICT (kind, value, org_id, hour) DO UPDATE SET
				first_seen = CASE WHEN excluded.first_seen < sensor_sightings.first_seen THEN excluded.first_seen ELSE sensor_sightings.first_seen END,
				last_seen = CASE WHEN excluded.last_seen > sensor_sightings.last_seen THEN excluded.last_seen ELSE sensor_sightings.last_seen END,
				count = sensor_sightings.count + excluded.count`)
		if _, err := t.tx.ExecContext(t.c(ctx), t.s.rebind(b.String()), args...); err != nil {
			return fmt.Errorf("add sightings: %w", err)
		}
	}
	return nil
}
