package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Sensors (issue 14, the ingest half): a member's sensors with their hashed ingest tokens, the
// member's pseudonymisation and retention settings, and the health figures the sensors page shows.
// Every read and write takes the member and scopes its SQL by it.

const sensorCols = `s.id, s.org_id, COALESCE(s.unit_id, 0), s.name, s.site, s.type, s.created_at, s.revoked_at, s.last_seen`

func scanSensor(r scanner) (vaern.Sensor, error) {
	var sn vaern.Sensor
	var c, rv, ls int64
	err := r.Scan(&sn.ID, &sn.OrgID, &sn.UnitID, &sn.Name, &sn.Site, &sn.Type, &c, &rv, &ls)
	sn.CreatedAt, sn.RevokedAt, sn.LastSeen = fromMS(c), fromMS(rv), fromMS(ls)
	return sn, mapErr(err)
}

// CreateSensor registers a member's sensor with the hash of its ingest token (the plain token is
// shown once by the caller and never stored). The member's settings, with a fresh server-side
// pseudonymisation key, are created with its first sensor.
func (s *Store) CreateSensor(ctx context.Context, a vaern.Actor, sn vaern.Sensor, tokenHash string) (vaern.Sensor, error) {
	sn.Name, sn.Site = strings.TrimSpace(sn.Name), strings.TrimSpace(sn.Site)
	switch {
	case sn.Name == "":
		return sn, vaern.Invalid("name", "is required")
	case len([]rune(sn.Name)) > 100:
		return sn, vaern.Invalid("name", "is longer than 100 characters")
	case len([]rune(sn.Site)) > 200:
		return sn, vaern.Invalid("site", "is longer than 200 characters")
	case tokenHash == "":
		return sn, vaern.Invalid("token", "is required")
	}
	if sn.Type == "" {
		sn.Type = "suricata"
	}
	if sn.Type != "suricata" {
		return sn, vaern.Invalid("type", "must be suricata")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var kind string
		if err := tx.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", sn.OrgID).Scan(&kind); err != nil {
			return mapErr(err)
		}
		if kind != string(vaern.OrgMember) {
			return vaern.Invalid("org", "sensors belong to members")
		}
		var unit any
		if sn.UnitID != 0 {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM units WHERE id = ? AND org_id = ?", sn.UnitID, sn.OrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return vaern.Invalid("unit", "is not one of the organisation's units")
			}
			unit = sn.UnitID
		}
		var by any
		if a.UserID != 0 {
			by = a.UserID
		}
		sn.CreatedAt = s.now()
		id, err := tx.insert(ctx, `INSERT INTO sensors (org_id, unit_id, name, site, type, token_hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sn.OrgID, unit, sn.Name, sn.Site, sn.Type, tokenHash, by, ms(sn.CreatedAt))
		if err != nil {
			if errors.Is(err, vaern.ErrConflict) {
				return vaern.Invalid("name", "is already the name of another sensor")
			}
			return err
		}
		sn.ID = id
		if err := tx.ensureSensorSettings(ctx, sn.OrgID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: sn.OrgID, Action: "sensor.create", ObjectType: "sensor", ObjectID: id,
			Detail: map[string]any{"name": sn.Name, "site": sn.Site}})
	})
	return sn, err
}

// RevokeSensor revokes a sensor's token: its batches are refused from then on. Its alerts stay
// until retention removes them.
func (s *Store) RevokeSensor(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var name string
		var revoked int64
		if err := tx.queryRow(ctx, "SELECT name, revoked_at FROM sensors WHERE id = ? AND org_id = ?", id, orgID).Scan(&name, &revoked); err != nil {
			return mapErr(err)
		}
		if revoked != 0 {
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE sensors SET revoked_at = ? WHERE id = ? AND org_id = ?", ms(s.now()), id, orgID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "sensor.revoke", ObjectType: "sensor", ObjectID: id,
			Detail: map[string]any{"name": name}})
	})
}

// Sensors lists the member's sensors with their health: last seen and alerts accepted in the
// last 24 hours. Active sensors first.
func (s *Store) Sensors(ctx context.Context, orgID int64) ([]vaern.Sensor, error) {
	since := ms(s.now().Add(-24 * time.Hour))
	rows, err := s.query(ctx, `SELECT `+sensorCols+`,
		COALESCE((SELECT SUM(b.accepted) FROM sensor_batches b WHERE b.sensor_id = s.id AND b.received_at >= ?), 0)
		FROM sensors s WHERE s.org_id = ? ORDER BY s.revoked_at <> 0, s.name`, since, orgID)
	return collect(rows, err, func(r scanner) (vaern.Sensor, error) {
		var sn vaern.Sensor
		var c, rv, ls int64
		err := r.Scan(&sn.ID, &sn.OrgID, &sn.UnitID, &sn.Name, &sn.Site, &sn.Type, &c, &rv, &ls, &sn.Alerts24h)
		sn.CreatedAt, sn.RevokedAt, sn.LastSeen = fromMS(c), fromMS(rv), fromMS(ls)
		return sn, err
	})
}

// Sensor is one of the member's sensors.
func (s *Store) Sensor(ctx context.Context, orgID, id int64) (vaern.Sensor, error) {
	return scanSensor(s.queryRow(ctx, "SELECT "+sensorCols+" FROM sensors s WHERE s.id = ? AND s.org_id = ?", id, orgID))
}

// SensorByToken finds the active sensor whose token has this hash; a revoked or unknown token is
// vaern.ErrNotFound.
func (s *Store) SensorByToken(ctx context.Context, tokenHash string) (vaern.Sensor, error) {
	return scanSensor(s.queryRow(ctx, "SELECT "+sensorCols+" FROM sensors s WHERE s.token_hash = ? AND s.revoked_at = 0", tokenHash))
}

// SensorForIngest is SensorByToken with the stamp of the member's sensor settings (their
// updated_at in Unix milliseconds, -1 if the member has none yet) in the same query, so that an
// ingest that holds the member's settings already needs no second read to know they are current.
func (s *Store) SensorForIngest(ctx context.Context, tokenHash string) (vaern.Sensor, int64, error) {
	var sn vaern.Sensor
	var c, rv, ls, stamp int64
	err := s.queryRow(ctx, "SELECT "+sensorCols+`, COALESCE((SELECT x.updated_at FROM sensor_settings x WHERE x.org_id = s.org_id), -1)
		FROM sensors s WHERE s.token_hash = ? AND s.revoked_at = 0`, tokenHash).
		Scan(&sn.ID, &sn.OrgID, &sn.UnitID, &sn.Name, &sn.Site, &sn.Type, &c, &rv, &ls, &stamp)
	sn.CreatedAt, sn.RevokedAt, sn.LastSeen = fromMS(c), fromMS(rv), fromMS(ls)
	return sn, stamp, mapErr(err)
}

// SensorHealth is one member's sensors in counts, for the centre's overview (no alert details).
type SensorHealth struct {
	OrgID     int64
	OrgName   string
	Sensors   int
	Active    int
	LastSeen  time.Time
	Alerts24h int64
}

// SensorHealthByMember counts each of the centre's members' sensors and their alerts in the last
// 24 hours: the centre's health page, counts only.
func (s *Store) SensorHealthByMember(ctx context.Context, centreID int64) ([]SensorHealth, error) {
	since := ms(s.now().Add(-24 * time.Hour))
	rows, err := s.query(ctx, `SELECT o.id, o.name, COUNT(s.id), COALESCE(SUM(CASE WHEN s.revoked_at = 0 THEN 1 ELSE 0 END), 0),
		COALESCE(MAX(s.last_seen), 0),
		COALESCE((SELECT SUM(b.accepted) FROM sensor_batches b WHERE b.org_id = o.id AND b.received_at >= ?), 0)
		FROM orgs o JOIN sensors s ON s.org_id = o.id WHERE o.parent_id = ? GROUP BY o.id, o.name ORDER BY o.name`, since, centreID)
	return collect(rows, err, func(r scanner) (SensorHealth, error) {
		var h SensorHealth
		var ls int64
		err := r.Scan(&h.OrgID, &h.OrgName, &h.Sensors, &h.Active, &ls, &h.Alerts24h)
		h.LastSeen = fromMS(ls)
		return h, err
	})
}

// SensorHourly counts the alerts the member's sensors (or one sensor, when sensorID is not 0)
// delivered in each of the last hours, oldest first.
func (s *Store) SensorHourly(ctx context.Context, orgID, sensorID int64, hours int) ([]int64, error) {
	now := s.now().UTC().Truncate(time.Hour).Add(time.Hour)
	start := now.Add(-time.Duration(hours) * time.Hour)
	q := `SELECT received_at, accepted FROM sensor_batches WHERE org_id = ? AND received_at >= ?`
	args := []any{orgID, ms(start)}
	if sensorID != 0 {
		q += " AND sensor_id = ?"
		args = append(args, sensorID)
	}
	out := make([]int64, hours)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at, n int64
		if err := rows.Scan(&at, &n); err != nil {
			return nil, err
		}
		if i := int(fromMS(at).Sub(start) / time.Hour); i >= 0 && i < hours {
			out[i] += n
		}
	}
	return out, rows.Err()
}

// SensorSettings are a member's pseudonymisation and retention settings.
type SensorSettings struct {
	OrgID        int64
	Ranges       string // the member's own internal ranges, CIDR, comma-separated
	KeepPayload  bool
	Key          []byte // the server's second-line pseudonymisation key (32 bytes)
	AlertDays    int    // raw alerts are kept this many days (default 30)
	SightingDays int    // hourly sightings are kept this many days (default 396, 13 months)
	UpdatedAt    time.Time
}

// Default retention.
const (
	DefaultAlertDays    = 30
	DefaultSightingDays = 396
)

func (t *Tx) ensureSensorSettings(ctx context.Context, orgID int64) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	_, err := t.exec(ctx, `INSERT INTO sensor_settings (org_id, pseudo_key, alert_days, sighting_days) VALUES (?, ?, ?, ?)
		ON CONFLICT (org_id) DO NOTHING`, orgID, hex.EncodeToString(key), DefaultAlertDays, DefaultSightingDays)
	return err
}

// SensorSettingsOf reads the member's settings, creating them (with a fresh key) if the member
// has none yet.
func (s *Store) SensorSettingsOf(ctx context.Context, orgID int64) (SensorSettings, error) {
	read := func() (SensorSettings, error) {
		st := SensorSettings{OrgID: orgID}
		var key string
		var up int64
		err := s.queryRow(ctx, `SELECT ranges, keep_payload, pseudo_key, alert_days, sighting_days, updated_at FROM sensor_settings WHERE org_id = ?`, orgID).
			Scan(&st.Ranges, &st.KeepPayload, &key, &st.AlertDays, &st.SightingDays, &up)
		st.UpdatedAt = fromMS(up)
		if err == nil {
			st.Key, err = hex.DecodeString(key)
		}
		return st, mapErr(err)
	}
	st, err := read()
	if err == vaern.ErrNotFound {
		var exists int
		if err := s.queryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE id = ?", orgID).Scan(&exists); err != nil || exists == 0 {
			return st, vaern.ErrNotFound
		}
		if err := s.Write(ctx, func(tx *Tx) error { return tx.ensureSensorSettings(ctx, orgID) }); err != nil {
			return st, err
		}
		return read()
	}
	return st, err
}

// SaveSensorSettings stores the member's own ranges (already checked by the caller's parser),
// the payload opt-in and the retention periods.
func (s *Store) SaveSensorSettings(ctx context.Context, a vaern.Actor, st SensorSettings) error {
	if st.AlertDays < 1 || st.AlertDays > 3650 {
		return vaern.Invalid("alert_days", "must be between 1 and 3650 days")
	}
	if st.SightingDays < 1 || st.SightingDays > 3650 {
		return vaern.Invalid("sighting_days", "must be between 1 and 3650 days")
	}
	if len(st.Ranges) > 20000 {
		return vaern.Invalid("ranges", "is too long")
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.ensureSensorSettings(ctx, st.OrgID); err != nil {
			return err
		}
		// updated_at only ever grows: ingest takes an unchanged stamp for unchanged settings.
		now := ms(s.now())
		if _, err := tx.exec(ctx, `UPDATE sensor_settings SET ranges = ?, keep_payload = ?, alert_days = ?, sighting_days = ?,
			updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at + 1 END WHERE org_id = ?`,
			st.Ranges, st.KeepPayload, st.AlertDays, st.SightingDays, now, now, st.OrgID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: st.OrgID, Action: "sensor.settings", ObjectType: "org", ObjectID: st.OrgID,
			Detail: map[string]any{"ranges": st.Ranges, "keep_payload": st.KeepPayload, "alert_days": st.AlertDays, "sighting_days": st.SightingDays}})
	})
}
