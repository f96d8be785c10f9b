package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func sensorAlerts(n int, at time.Time) []vaern.SensorAlert {
	out := make([]vaern.SensorAlert, n)
	for i := range out {
		out[i] = vaern.SensorAlert{Time: at.Add(time.Duration(i) * time.Second), SignatureID: 2001219 + int64(i%3), Signature: "ET SCAN Potential SSH Scan",
			Category: "Attempted Information Leak", Severity: 2, Proto: "TCP", SrcIP: "198.51.100.7", SrcPort: 40000 + i,
			DestIP: "p:57.3.9.1", DestPort: 22, DstInternal: true, Domain: "scan.example"}
	}
	return out
}

func TestSensorsIngestAndHealth(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		sn, err := s.CreateSensor(ctx, f.coordA(), vaern.Sensor{OrgID: f.A.Org.ID, Name: "Rådhus DMZ", Site: "Rådhuset"}, "hash-a")
		ok(t, err)
		if _, err := s.CreateSensor(ctx, f.coordA(), vaern.Sensor{OrgID: f.A.Org.ID, Name: "Rådhus DMZ"}, "hash-a2"); !errors.Is(err, vaern.ErrInvalid) {
			t.Errorf("duplicate name: %v", err)
		}
		if _, err := s.CreateSensor(ctx, f.centreAdmin(), vaern.Sensor{OrgID: f.Centre.ID, Name: "x"}, "hash-c"); !errors.Is(err, vaern.ErrInvalid) {
			t.Errorf("a centre sensor: %v", err)
		}
		snB, err := s.CreateSensor(ctx, f.coordB(), vaern.Sensor{OrgID: f.B.Org.ID, Name: "Bergen core"}, "hash-b")
		ok(t, err)
		got, err := s.SensorByToken(ctx, "hash-a")
		ok(t, err)
		if got.ID != sn.ID {
			t.Fatalf("by token: %+v", got)
		}
		at := f.clock.Now().Add(-30 * time.Minute)
		alerts := sensorAlerts(5, at)
		b := store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: "b1", Alerts: alerts, Rejected: 1,
			Sightings: []vaern.Sighting{{Kind: vaern.IndicatorIP, Value: "198.51.100.7", OrgID: f.A.Org.ID, Hour: at, FirstSeen: at, LastSeen: at, Count: 5}}}
		res, err := s.Ingest(ctx, b)
		ok(t, err)
		if res.Accepted != 5 || res.Rejected != 1 || res.Duplicate {
			t.Errorf("first: %+v", res)
		}
		res, err = s.Ingest(ctx, b) // retried
		ok(t, err)
		if !res.Duplicate || res.Accepted != 5 {
			t.Errorf("retry: %+v", res)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM sensor_alerts"); n != 5 {
			t.Errorf("%d alerts stored, want 5 (the retry counts once)", n)
		}
		g, err := s.SightingsSince(ctx, at.Add(-time.Hour))
		ok(t, err)
		if len(g) != 1 || g[0].Count != 5 {
			t.Errorf("sightings %+v", g)
		}
		// A batch for B's sensor with A's org is refused: a sensor writes for its own member only.
		if _, err := s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: snB.ID, BatchID: "x", Alerts: alerts}); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("cross-member batch: %v", err)
		}
		list, err := s.Sensors(ctx, f.A.Org.ID)
		ok(t, err)
		if len(list) != 1 || list[0].Alerts24h != 5 || list[0].LastSeen.IsZero() {
			t.Errorf("health %+v", list)
		}
		hourly, err := s.SensorHourly(ctx, f.A.Org.ID, 0, 24)
		ok(t, err)
		if hourly[23] != 5 {
			t.Errorf("hourly %v", hourly)
		}
		// Paging, filtering, scoping.
		page, err := s.SensorAlerts(ctx, f.A.Org.ID, store.AlertFilter{Limit: 2})
		ok(t, err)
		if len(page.Alerts) != 2 || page.Next == "" || !page.Alerts[0].Time.After(page.Alerts[1].Time) || !page.Alerts[0].DstInternal {
			t.Fatalf("page 1 %+v", page)
		}
		seen := 2
		for page.Next != "" {
			page, err = s.SensorAlerts(ctx, f.A.Org.ID, store.AlertFilter{Limit: 2, Before: page.Next})
			ok(t, err)
			seen += len(page.Alerts)
		}
		if seen != 5 {
			t.Errorf("paged through %d alerts", seen)
		}
		page, _ = s.SensorAlerts(ctx, f.A.Org.ID, store.AlertFilter{SignatureID: 2001219})
		if len(page.Alerts) != 2 {
			t.Errorf("signature filter: %d", len(page.Alerts))
		}
		if page, _ := s.SensorAlerts(ctx, f.B.Org.ID, store.AlertFilter{}); len(page.Alerts) != 0 {
			t.Errorf("B sees A's alerts")
		}
		if _, err := s.Sensor(ctx, f.B.Org.ID, sn.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B reads A's sensor: %v", err)
		}
		if err := s.RevokeSensor(ctx, f.coordB(), f.B.Org.ID, sn.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B revokes A's sensor: %v", err)
		}
		// Revoked: the token no longer finds it, and a batch is refused.
		ok(t, s.RevokeSensor(ctx, f.coordA(), f.A.Org.ID, sn.ID))
		if _, err := s.SensorByToken(ctx, "hash-a"); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("revoked token: %v", err)
		}
		if _, err := s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: "b2", Alerts: alerts}); !errors.Is(err, store.ErrSensorRevoked) {
			t.Errorf("revoked sensor's batch: %v", err)
		}
		h, err := s.SensorHealthByMember(ctx, f.Centre.ID)
		ok(t, err)
		if len(h) != 2 {
			t.Errorf("centre health %+v", h)
		}
	})
}

func TestSensorRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		sn, err := s.CreateSensor(ctx, f.coordA(), vaern.Sensor{OrgID: f.A.Org.ID, Name: "s1"}, "hash-r")
		ok(t, err)
		now := f.clock.Now()
		for i, age := range []time.Duration{40 * 24 * time.Hour, 10 * 24 * time.Hour, time.Hour} {
			at := now.Add(-age)
			_, err := s.Ingest(ctx, store.IngestBatch{OrgID: f.A.Org.ID, SensorID: sn.ID, BatchID: fmt.Sprint("r", i), Alerts: sensorAlerts(3, at),
				Sightings: []vaern.Sighting{{Kind: vaern.IndicatorSignature, Value: "2001219", OrgID: f.A.Org.ID, Hour: now.Add(-age * 12), FirstSeen: at, LastSeen: at}}})
			ok(t, err)
		}
		res, err := s.PruneSensorData(ctx)
		ok(t, err)
		if n := count(t, s, "SELECT COUNT(*) FROM sensor_alerts"); n != 6 {
			t.Errorf("%d alerts after retention (%+v), want 6", n, res)
		}
		// 40 d × 12 and 10 d × 12 are past 396 days' 13 months? 480 d yes, 120 d no.
		if n := count(t, s, "SELECT COUNT(*) FROM sensor_sightings"); n != 2 {
			t.Errorf("%d sightings after retention, want 2", n)
		}
		st, err := s.SensorSettingsOf(ctx, f.A.Org.ID)
		ok(t, err)
		if len(st.Key) != 32 || st.AlertDays != 30 {
			t.Fatalf("settings %+v", st)
		}
		st.AlertDays = 5
		st.Ranges = "203.0.113.0/24"
		st.KeepPayload = true
		ok(t, s.SaveSensorSettings(ctx, f.coordA(), st))
		_, err = s.PruneSensorData(ctx)
		ok(t, err)
		if n := count(t, s, "SELECT COUNT(*) FROM sensor_alerts"); n != 3 {
			t.Errorf("%d alerts after a 5-day retention, want 3", n)
		}
		st2, _ := s.SensorSettingsOf(ctx, f.A.Org.ID)
		if !st2.KeepPayload || st2.Ranges != st.Ranges || string(st2.Key) != string(st.Key) {
			t.Errorf("settings not kept: %+v", st2)
		}
		if err := s.SaveSensorSettings(ctx, f.coordA(), store.SensorSettings{OrgID: f.A.Org.ID, AlertDays: 0, SightingDays: 1}); !errors.Is(err, vaern.ErrInvalid) {
			t.Errorf("0 days: %v", err)
		}
	})
}
