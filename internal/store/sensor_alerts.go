package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/vaern/vaern"
)

// AlertFilter selects a member's alerts.
type AlertFilter struct {
	SensorID    int64
	SignatureID int64
	From, To    time.Time // To is exclusive; zero: open
	// Before continues a page: alerts older than this cursor (from AlertPage.Next).
	Before string
	Limit  int
}

// AlertPage is one page of alerts, newest first.
type AlertPage struct {
	Alerts []vaern.SensorAlert
	Next   string // the cursor of the next (older) page; "" at the end
}

var cursorRE = regexp.MustCompile(`^(\d{1,15})\.(\d{1,19})$`)

const alertCols = `id, org_id, sensor_id, batch_id, time, signature_id, signature, category, severity, proto,
	src_ip, src_port, dest_ip, dest_port, src_internal, dst_internal, domain, url, ja3, ja4, payload`

// SensorAlerts lists the member's own alerts, newest first, a page at a time. Another member's
// alerts are never in it: the query is scoped by the member.
func (s *Store) SensorAlerts(ctx context.Context, orgID int64, f AlertFilter) (AlertPage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := "SELECT " + alertCols + " FROM sensor_alerts WHERE org_id = ?"
	args := []any{orgID}
	if f.SensorID != 0 {
		q += " AND sensor_id = ?"
		args = append(args, f.SensorID)
	}
	if f.SignatureID != 0 {
		q += " AND signature_id = ?"
		args = append(args, f.SignatureID)
	}
	if !f.From.IsZero() {
		q += " AND time >= ?"
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		q += " AND time < ?"
		args = append(args, ms(f.To))
	}
	if f.Before != "" {
		m := cursorRE.FindStringSubmatch(f.Before)
		if m == nil {
			return AlertPage{}, vaern.Invalid("before", "is not a page cursor")
		}
		t, _ := strconv.ParseInt(m[1], 10, 64)
		id, _ := strconv.ParseInt(m[2], 10, 64)
		q += " AND (time < ? OR (time = ? AND id < ?))"
		args = append(args, t, t, id)
	}
	q += " ORDER BY time DESC, id DESC LIMIT " + strconv.Itoa(f.Limit+1)
	rows, err := s.r.QueryContext(ctx, s.rebind(q), args...)
	list, err := collect(rows, err, func(r scanner) (vaern.SensorAlert, error) {
		var a vaern.SensorAlert
		var t int64
		err := r.Scan(&a.ID, &a.OrgID, &a.SensorID, &a.BatchID, &t, &a.SignatureID, &a.Signature, &a.Category, &a.Severity, &a.Proto,
			&a.SrcIP, &a.SrcPort, &a.DestIP, &a.DestPort, &a.SrcInternal, &a.DstInternal, &a.Domain, &a.URL, &a.JA3, &a.JA4, &a.Payload)
		a.Time = fromMS(t)
		return a, err
	})
	if err != nil {
		return AlertPage{}, err
	}
	page := AlertPage{Alerts: list}
	if len(list) > f.Limit {
		page.Alerts = list[:f.Limit]
		last := page.Alerts[f.Limit-1]
		page.Next = fmt.Sprintf("%d.%d", ms(last.Time), last.ID)
	}
	return page, nil
}

// PruneResult counts what retention removed.
type PruneResult struct {
	Alerts, Sightings, Batches int64
	Partitions                 int
}

// PruneSensorData enforces retention: each member's raw alerts and batch ids older than its
// alert_days (default 30), its hourly sightings older than its sighting_days (default 396, about
// 13 months). On PostgreSQL day partitions that every member's retention has passed are dropped
// whole.
func (s *Store) PruneSensorData(ctx context.Context) (PruneResult, error) {
	var res PruneResult
	// Pending sightings first, so that none is lost with its batch's row.
	if err := s.freshSightings(ctx); err != nil {
		return res, err
	}
	now := s.now()
	type rule struct {
		org                  int64
		alertDays, sightDays int
	}
	rows, err := s.query(ctx, "SELECT org_id, alert_days, sighting_days FROM sensor_settings")
	rules, err := collect(rows, err, func(r scanner) (rule, error) {
		var x rule
		return x, r.Scan(&x.org, &x.alertDays, &x.sightDays)
	})
	if err != nil {
		return res, err
	}
	maxDays := DefaultAlertDays
	for _, r := range rules {
		maxDays = max(maxDays, r.alertDays)
	}
	if s.engine == Postgres {
		n, err := s.dropOldPartitions(ctx, now.Add(-time.Duration(maxDays)*sensorDay))
		if err != nil {
			return res, err
		}
		res.Partitions = n
	}
	err = s.Write(ctx, func(tx *Tx) error {
		del := func(q string, args ...any) (int64, error) {
			r, err := tx.exec(ctx, q, args...)
			if err != nil {
				return 0, err
			}
			n, _ := r.RowsAffected()
			return n, nil
		}
		for _, r := range rules {
			ac := ms(now.Add(-time.Duration(r.alertDays) * sensorDay))
			sc := ms(now.Add(-time.Duration(r.sightDays) * sensorDay))
			n, err := del("DELETE FROM sensor_alerts WHERE org_id = ? AND time < ?", r.org, ac)
			if err != nil {
				return err
			}
			res.Alerts += n
			if n, err = del("DELETE FROM sensor_batches WHERE org_id = ? AND received_at < ?", r.org, ac); err != nil {
				return err
			}
			res.Batches += n
			if n, err = del("DELETE FROM sensor_sightings WHERE org_id = ? AND hour < ?", r.org, sc); err != nil {
				return err
			}
			res.Sightings += n
		}
		// Members without settings keep the defaults.
		ac := ms(now.Add(-DefaultAlertDays * sensorDay))
		sc := ms(now.Add(-DefaultSightingDays * sensorDay))
		n, err := del("DELETE FROM sensor_alerts WHERE time < ? AND org_id NOT IN (SELECT org_id FROM sensor_settings)", ac)
		if err != nil {
			return err
		}
		res.Alerts += n
		if n, err = del("DELETE FROM sensor_sightings WHERE hour < ? AND org_id NOT IN (SELECT org_id FROM sensor_settings)", sc); err != nil {
			return err
		}
		res.Sightings += n
		return nil
	})
	return res, err
}

// dropOldPartitions drops the day partitions that end before cutoff.
func (s *Store) dropOldPartitions(ctx context.Context, cutoff time.Time) (int, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
		WHERE p.relname = 'sensor_alerts' AND n.nspname = current_schema()`)
	names, err := collect(rows, err, func(r scanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
	if err != nil {
		return 0, err
	}
	dropped := 0
	for _, n := range names {
		d, err := time.Parse("20060102", n[len(n)-min(len(n), 8):])
		if err != nil || len(n) != len("sensor_alerts_p20060102") {
			continue // the default partition
		}
		if !d.Add(sensorDay).Before(cutoff) {
			continue
		}
		if _, err := s.w.ExecContext(ctx, "DROP TABLE IF EXISTS "+quoteIdent(n)); err != nil {
			return dropped, fmt.Errorf("drop partition %s: %w", n, err)
		}
		partitionsMade.Delete(s.dsn + "|" + d.Format("20060102"))
		dropped++
	}
	return dropped, nil
}
