package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/vaern/vaern/internal/store"
)

// SensorRetentionKind is the periodic job that enforces the sensors' retention: raw alerts and
// batch ids after each member's alert_days (30 by default), hourly sightings after its
// sighting_days (396, about 13 months); on PostgreSQL whole day partitions are dropped.
const SensorRetentionKind = "sensor.retention"

// SensorSightingsKind is the periodic job that merges the batches' pending sightings into the
// hourly sightings (store.MergePendingSightings). Each node's store merges shortly after its own
// ingests; the job takes up what a node that stopped left pending. Correlation and the views merge
// before they read, so the job is not what makes them fresh.
const SensorSightingsKind = "sensor.sightings"

func sensorJobs(reg *Registry, c Config) {
	reg.Handle(SensorSightingsKind, Kind{Timeout: 5 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		n, err := c.St.MergePendingSightings(ctx)
		if c.Log != nil && n > 0 {
			c.Log.Debug("sensor sightings merged", "batches", n)
		}
		return err
	}})
	reg.Every(SensorSightingsKind, time.Minute, nil)

	reg.Handle(SensorRetentionKind, Kind{Timeout: 30 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		return sensorRetention(ctx, c.St, c.Log)
	}})
	reg.Every(SensorRetentionKind, time.Hour, nil)
}

func sensorRetention(ctx context.Context, st *store.Store, log *slog.Logger) error {
	res, err := st.PruneSensorData(ctx)
	if err != nil {
		return err
	}
	if log != nil && (res.Alerts > 0 || res.Sightings > 0 || res.Partitions > 0) {
		log.Info("sensor retention", "alerts", res.Alerts, "sightings", res.Sightings, "batches", res.Batches, "partitions", res.Partitions)
	}
	return nil
}
