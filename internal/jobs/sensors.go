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

func sensorJobs(reg *Registry, c Config) {
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
