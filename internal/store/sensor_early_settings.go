package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vaern/vaern"
)

// The centre's correlation settings (k members within a window) and its warninglists.

// CorrelationSettings are the centre's settings; until it saves its own, k = 3 within one hour.
func (s *Store) CorrelationSettings(ctx context.Context, centreID int64) (vaern.CorrelationSettings, error) {
	cs := vaern.CorrelationSettings{K: 3, SignatureK: 10, Window: time.Hour}
	if err := s.isCentre(ctx, centreID); err != nil {
		return cs, err
	}
	var k, sk int
	var win, upd int64
	err := s.queryRow(ctx, "SELECT k, signature_k, window_ms, updated_at FROM sensor_correlation_settings WHERE centre_id = ?", centreID).Scan(&k, &sk, &win, &upd)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return cs, nil
	} else if err != nil {
		return cs, err
	}
	cs.K, cs.SignatureK, cs.Window, cs.UpdatedAt = k, sk, time.Duration(win)*time.Millisecond, fromMS(upd)
	return cs, nil
}

// SaveCorrelationSettings stores the centre's settings; the caller has checked them.
func (s *Store) SaveCorrelationSettings(ctx context.Context, a vaern.Actor, centreID int64, cs vaern.CorrelationSettings) error {
	if cs.K < 2 || cs.SignatureK < 2 || cs.Window <= 0 {
		return vaern.Invalid("k", "k must be at least 2 and the window positive")
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		now := ms(tx.s.now())
		if _, err := tx.exec(ctx, `INSERT INTO sensor_correlation_settings (centre_id, k, signature_k, window_ms, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (centre_id) DO UPDATE SET k = excluded.k, signature_k = excluded.signature_k, window_ms = excluded.window_ms,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, centreID, cs.K, cs.SignatureK, cs.Window.Milliseconds(), a.UserID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "early_warning.settings", ObjectType: "org", ObjectID: centreID,
			Detail: map[string]any{"k": cs.K, "signature_k": cs.SignatureK, "window_minutes": int(cs.Window / time.Minute)}})
	})
}

func scanWarninglist(r scanner) (vaern.Warninglist, error) {
	var w vaern.Warninglist
	var entries, attrs string
	var builtin, enabled int64
	err := r.Scan(&w.ID, &w.Name, &w.Version, &w.Description, &w.Type, &entries, &attrs, &builtin, &enabled)
	if err == nil {
		if err = json.Unmarshal([]byte(entries), &w.List); err == nil {
			err = json.Unmarshal([]byte(attrs), &w.MatchingAttributes)
		}
	}
	w.Builtin, w.Enabled = builtin != 0, enabled != 0
	return w, err
}

// Warninglists lists the centre's warninglists by name, with their entries.
func (s *Store) Warninglists(ctx context.Context, centreID int64) ([]vaern.Warninglist, error) {
	if err := s.isCentre(ctx, centreID); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT id, name, version, description, type, entries, attributes, builtin, enabled
		FROM sensor_warninglists WHERE centre_id = ? ORDER BY name`, centreID)
	return collect(rows, err, scanWarninglist)
}

// EnsureWarninglists adds Værn's own lists the centre does not have yet, enabled. A list the
// centre disabled stays disabled; a newer version of a built-in list replaces its entries.
func (s *Store) EnsureWarninglists(ctx context.Context, centreID int64, defaults []vaern.Warninglist) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		for _, w := range defaults {
			w.Builtin, w.Enabled = true, true
			if _, err := tx.upsertWarninglist(ctx, centreID, w, false); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t *Tx) upsertWarninglist(ctx context.Context, centreID int64, w vaern.Warninglist, replace bool) (int64, error) {
	entries, _ := json.Marshal(w.List)
	attrs, _ := json.Marshal(w.MatchingAttributes)
	if w.MatchingAttributes == nil {
		attrs = []byte("[]")
	}
	now := ms(t.s.now())
	var id int64
	err := t.queryRow(ctx, `INSERT INTO sensor_warninglists (centre_id, name, version, description, type, entries, attributes, size, builtin, enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (centre_id, name) DO UPDATE SET version = excluded.version, description = excluded.description, type = excluded.type,
			entries = excluded.entries, attributes = excluded.attributes, size = excluded.size, updated_at = excluded.updated_at
		WHERE excluded.version > sensor_warninglists.version OR ? = 1 RETURNING id`,
		centreID, w.Name, w.Version, w.Description, w.Type, string(entries), string(attrs), len(w.List), b2i(w.Builtin), b2i(w.Enabled), now, now, b2i(replace)).Scan(&id)
	if err := mapErr(err); err != nil && err != vaern.ErrNotFound {
		return 0, fmt.Errorf("warninglist %s: %w", w.Name, err)
	}
	return id, nil
}

// ImportWarninglist stores a checked list the centre imported: a list of the same name is
// replaced (entries, version and type), keeping whether it is enabled.
func (s *Store) ImportWarninglist(ctx context.Context, a vaern.Actor, centreID int64, w vaern.Warninglist) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		w.Enabled, w.Builtin = true, false
		var err error
		if id, err = tx.upsertWarninglist(ctx, centreID, w, true); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "warninglist.import", ObjectType: "warninglist", ObjectID: id,
			Detail: map[string]any{"name": w.Name, "entries": len(w.List), "type": w.Type}})
	})
	return id, err
}

// SetWarninglistEnabled enables or disables one of the centre's lists.
func (s *Store) SetWarninglistEnabled(ctx context.Context, a vaern.Actor, centreID, id int64, enabled bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		var name string
		if err := tx.queryRow(ctx, "SELECT name FROM sensor_warninglists WHERE centre_id = ? AND id = ?", centreID, id).Scan(&name); err != nil {
			return mapErr(err)
		}
		if _, err := tx.exec(ctx, "UPDATE sensor_warninglists SET enabled = ?, updated_at = ? WHERE id = ?", b2i(enabled), ms(tx.s.now()), id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "warninglist.toggle", ObjectType: "warninglist", ObjectID: id,
			Detail: map[string]any{"name": name, "enabled": enabled}})
	})
}
