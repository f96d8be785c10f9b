package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vaern/vaern"
)

// AddSightings adds hourly sightings to the aggregate directly: counts add up, first and last
// seen widen (the demo's data; ingest keeps a batch's sightings pending in its batch row instead,
// sensor_pending.go).
func (t *Tx) AddSightings(ctx context.Context, list []vaern.Sighting) error {
	for _, g := range list {
		if g.Kind == "" || g.Value == "" || g.OrgID == 0 {
			return fmt.Errorf("add sighting: kind, value and org are required")
		}
		hour := g.Hour.UTC().Truncate(time.Hour)
		_, err := t.exec(ctx, `INSERT INTO sensor_sightings (kind, value, org_id, hour, first_seen, last_seen, count, signature_id, signature)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (kind, value, org_id, hour) DO UPDATE SET
				first_seen = CASE WHEN excluded.first_seen < sensor_sightings.first_seen THEN excluded.first_seen ELSE sensor_sightings.first_seen END,
				last_seen = CASE WHEN excluded.last_seen > sensor_sightings.last_seen THEN excluded.last_seen ELSE sensor_sightings.last_seen END,
				count = sensor_sightings.count + excluded.count`,
			g.Kind, g.Value, g.OrgID, ms(hour), ms(g.FirstSeen), ms(g.LastSeen), max(g.Count, 1), g.SignatureID, g.Signature)
		if err != nil {
			return fmt.Errorf("add sighting %s %s: %w", g.Kind, g.Value, err)
		}
	}
	return nil
}

// SightingsSince lists the sightings last seen at or after since, in (kind, value, last seen)
// order: correlation's input. The batches' pending sightings are merged first, so that every
// batch acknowledged before the call is in the answer. It reads across members, so only the
// centre's correlation calls it; nothing it returns is shown to a member.
func (s *Store) SightingsSince(ctx context.Context, since time.Time) ([]vaern.Sighting, error) {
	if err := s.freshSightings(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT kind, value, org_id, hour, first_seen, last_seen, count, signature_id, signature
		FROM sensor_sightings WHERE last_seen >= ? ORDER BY kind, value, last_seen`, ms(since))
	return collect(rows, err, func(r scanner) (vaern.Sighting, error) {
		var g vaern.Sighting
		var hour, first, last int64
		err := r.Scan(&g.Kind, &g.Value, &g.OrgID, &hour, &first, &last, &g.Count, &g.SignatureID, &g.Signature)
		g.Hour, g.FirstSeen, g.LastSeen = fromMS(hour), fromMS(first), fromMS(last)
		return g, err
	})
}
