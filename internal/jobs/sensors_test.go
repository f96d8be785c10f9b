package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestSensorRetentionJob: the hourly job removes raw alerts past the member's retention and
// keeps the recent ones.
func TestSensorRetentionJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		c, _ := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
		m, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
		sn, err := st.CreateSensor(ctx, sys, vaern.Sensor{OrgID: m.ID, Name: "Rådhus"}, "hash")
		if err != nil {
			t.Fatal(err)
		}
		for i, at := range []time.Time{now.Add(-45 * 24 * time.Hour), now.Add(-time.Hour)} {
			_, err := st.Ingest(ctx, store.IngestBatch{OrgID: m.ID, SensorID: sn.ID, BatchID: string(rune('a' + i)),
				Alerts: []vaern.SensorAlert{{Time: at, SignatureID: 1, SrcIP: "198.51.100.1", DestIP: "p:1.2.3.4", DstInternal: true}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		cat, _ := i18n.Load()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		reg := jobs.NewRegistry()
		jobs.Standard(reg, jobs.Config{St: st, Cat: cat, BaseURL: "https://vaern.example.dk", Log: log, Sender: jobs.LogSender{Log: log}})
		w := jobs.NewWorker(st, reg, log)
		w.Schedule(ctx)
		for range 3 {
			w.RunDue(ctx)
		}
		page, err := st.SensorAlerts(ctx, m.ID, store.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Alerts) != 1 || !page.Alerts[0].Time.Equal(now.Add(-time.Hour)) {
			t.Errorf("after retention: %+v", page.Alerts)
		}
	})
}
