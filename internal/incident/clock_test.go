package incident

import (
	"testing"
	"time"

	"github.com/vaern/vaern"
)

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, mustZone(zone))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestClocks runs the NIS2 and GDPR clocks under a fake clock: awareness late on a Friday, and
// across the spring and autumn DST changes in both zones. Hours are elapsed hours (a 24 h clock
// over the spring change ends at 01:00 later on the wall clock); months are calendar months on the
// member's wall clock.
func TestClocks(t *testing.T) {
	cases := []struct {
		name, zone, country, aware string
		regime, step               string
		notified                   string // when the notification was submitted ("" none)
		want                       string // due, on the member's wall clock
	}{
		{"friday 23:30 early warning", "Europe/Copenhagen", "DK", "2026-03-06 23:30", "nis2-dk", "early_warning", "", "2026-03-07 23:30"},
		{"friday 23:30 notification", "Europe/Copenhagen", "DK", "2026-03-06 23:30", "nis2-dk", "notification", "", "2026-03-09 23:30"},
		{"friday 23:30 gdpr", "Europe/Oslo", "NO", "2026-03-06 23:30", "gdpr-33", "notification", "", "2026-03-09 23:30"},
		{"march DST cph 24h", "Europe/Copenhagen", "DK", "2026-03-28 12:00", "nis2-dk", "early_warning", "", "2026-03-29 13:00"},
		{"march DST cph 72h", "Europe/Copenhagen", "DK", "2026-03-28 23:30", "gdpr-33", "notification", "", "2026-04-01 00:30"},
		{"march DST oslo 24h", "Europe/Oslo", "NO", "2026-03-29 01:30", "dsl-no", "early_warning", "", "2026-03-30 02:30"},
		{"october DST cph 24h", "Europe/Copenhagen", "DK", "2026-10-24 12:00", "nis2-dk", "early_warning", "", "2026-10-25 11:00"},
		{"october DST oslo 72h", "Europe/Oslo", "NO", "2026-10-23 23:30", "dsl-no", "notification", "", "2026-10-26 22:30"},
		{"october DST inside the repeated hour", "Europe/Oslo", "NO", "2026-10-25 01:30", "dsl-no", "early_warning", "", "2026-10-26 00:30"},
		{"final: a calendar month after notification", "Europe/Copenhagen", "DK", "2026-01-29 09:00", "nis2-dk", "final", "2026-01-31 10:00", "2026-02-28 10:00"},
		{"final across march DST keeps the wall clock", "Europe/Copenhagen", "DK", "2026-03-01 09:00", "nis2-dk", "final", "2026-03-03 10:00", "2026-04-03 10:00"},
		{"final across october DST keeps the wall clock", "Europe/Oslo", "NO", "2026-10-01 09:00", "dsl-no", "final", "2026-10-02 08:15", "2026-11-02 08:15"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			aware := at(t, c.zone, c.aware)
			f := Facts{Case: vaern.Incident{ID: 1, Country: c.country, AwareAt: aware, PersonalData: true},
				Regimes: []vaern.AppliedRegime{{Regime: c.regime}}}
			if c.notified != "" {
				f.Reports = []vaern.IncidentReport{{Regime: c.regime, Step: "notification", SubmittedAt: at(t, c.zone, c.notified)}}
				// Handled quickly: the final report is due a month after the notification.
				f.Case.ResolvedAt = at(t, c.zone, c.notified).Add(time.Hour)
			}
			got := find(t, Deadlines(f, Settings{}, aware), c.regime, c.step)
			want := at(t, c.zone, c.want)
			if !got.DueAt.Equal(want) {
				t.Errorf("due %s, want %s", got.DueAt.In(mustZone(c.zone)), want)
			}
		})
	}
}

func find(t *testing.T, ds []vaern.Deadline, regime, step string) vaern.Deadline {
	t.Helper()
	for _, d := range ds {
		if d.Regime == regime && d.Step == step {
			return d
		}
	}
	t.Fatalf("no deadline %s/%s in %+v", regime, step, ds)
	return vaern.Deadline{}
}

func TestFinalReportWhenStillOngoing(t *testing.T) {
	cph := mustZone("Europe/Copenhagen")
	aware := time.Date(2026, 5, 4, 8, 0, 0, 0, cph)
	notified := aware.Add(48 * time.Hour)
	f := Facts{Case: vaern.Incident{Country: "DK", AwareAt: aware},
		Regimes: []vaern.AppliedRegime{{Regime: "nis2-dk"}},
		Reports: []vaern.IncidentReport{{Regime: "nis2-dk", Step: "notification", SubmittedAt: notified}}}
	// Not handled: a progress report a month after the notification, the final waits for the end.
	ds := Deadlines(f, Settings{}, notified)
	if p := find(t, ds, "nis2-dk", "progress"); !p.DueAt.Equal(time.Date(2026, 6, 6, 8, 0, 0, 0, cph)) {
		t.Errorf("progress due %s", p.DueAt)
	}
	if fin := find(t, ds, "nis2-dk", "final"); fin.Status != vaern.DeadlineWaiting {
		t.Errorf("final %+v, want waiting", fin)
	}
	// Handled after the first month: the final report a month after the end of handling.
	f.Case.ResolvedAt = time.Date(2026, 7, 10, 15, 0, 0, 0, cph)
	ds = Deadlines(f, Settings{}, f.Case.ResolvedAt)
	if fin := find(t, ds, "nis2-dk", "final"); !fin.DueAt.Equal(time.Date(2026, 8, 10, 15, 0, 0, 0, cph)) {
		t.Errorf("final due %s", fin.DueAt)
	}
	find(t, ds, "nis2-dk", "progress")
	// Handled within the month: no progress report, the final a month after the notification.
	f.Case.ResolvedAt = notified.Add(24 * time.Hour)
	ds = Deadlines(f, Settings{}, f.Case.ResolvedAt)
	for _, d := range ds {
		if d.Step == "progress" {
			t.Errorf("progress report although handled in time: %+v", d)
		}
	}
}

func TestStatusesAndSettings(t *testing.T) {
	aware := time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC)
	f := Facts{Case: vaern.Incident{Country: "DK", AwareAt: aware, PersonalData: true},
		Regimes: []vaern.AppliedRegime{{Regime: "gdpr-33"}, {Regime: "nis2-dk", Removed: true}, {Regime: "sla"}}}
	s := Settings{Lengths: map[string]Length{"gdpr-33/notification": {Hours: 96}},
		Regimes: []Regime{{Key: "sla", Name: "Acknowledge within 1 h", Steps: []Step{{Key: "ack", Trigger: FromAwareness, Hours: 1, MetBy: MetByAck}}}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	ds := Deadlines(f, s, aware.Add(80*time.Hour))
	g := find(t, ds, "gdpr-33", "notification")
	if !g.DueAt.Equal(aware.Add(96*time.Hour)) || g.Status != vaern.DeadlineOpen || !g.Legal {
		t.Errorf("gdpr under the omnibus length: %+v", g)
	}
	if a := find(t, ds, "sla", "ack"); a.Status != vaern.DeadlineOverdue || a.Legal {
		t.Errorf("sla: %+v", a)
	}
	if sup := find(t, ds, "gdpr-33", "supplement"); sup.Status != vaern.DeadlineWaiting {
		t.Errorf("supplement: %+v", sup)
	}
	for _, d := range ds {
		if d.Regime == "nis2-dk" {
			t.Errorf("removed regime still has deadlines: %+v", d)
		}
	}
	f.Case.AckAt = aware.Add(30 * time.Minute)
	if a := find(t, Deadlines(f, s, aware.Add(80*time.Hour)), "sla", "ack"); a.Status != vaern.DeadlineSubmitted {
		t.Errorf("acknowledged sla: %+v", a)
	}
	if got := NextDue(ds); !got.Equal(aware.Add(time.Hour)) {
		t.Errorf("next due %s", got)
	}
}

func TestFitting(t *testing.T) {
	s := Settings{}
	cases := []struct {
		c    vaern.Incident
		want string
	}{
		{vaern.Incident{Country: "DK"}, "nis2-dk"},
		{vaern.Incident{Country: "DK", PersonalData: true}, "nis2-dk gdpr-33"},
		{vaern.Incident{Country: "NO", PersonalData: true, HighRisk: true}, "dsl-no gdpr-33 gdpr-34"},
		{vaern.Incident{Country: "DK", Sector: "other"}, ""},
	}
	for _, c := range cases {
		got := ""
		for i, k := range s.Fitting(c.c) {
			if i > 0 {
				got += " "
			}
			got += k
		}
		if got != c.want {
			t.Errorf("%+v: %q, want %q", c.c, got, c.want)
		}
	}
	if got := (Settings{Off: []string{"nis2-dk"}}).Fitting(vaern.Incident{Country: "DK"}); len(got) != 0 {
		t.Errorf("switched off regime applied: %v", got)
	}
}

func TestSettingsValidate(t *testing.T) {
	bad := []struct {
		s     Settings
		field string
	}{
		{Settings{Lengths: map[string]Length{"gdpr-33/nope": {Hours: 1}}}, "lengths"},
		{Settings{Lengths: map[string]Length{"gdpr-33/notification": {}}}, "lengths.gdpr-33/notification"},
		{Settings{Regimes: []Regime{{Key: "Bad Key", Name: "x"}}}, "regimes[0].key"},
		{Settings{Regimes: []Regime{{Key: "gdpr-33", Name: "x"}}}, "regimes[0].key"},
		{Settings{Regimes: []Regime{{Key: "sla", Name: "x", Steps: []Step{{Key: "a", Trigger: "later", Hours: 1}}}}}, "regimes[0].steps[0].trigger"},
		{Settings{Reminders: []int{0}}, "reminders"},
		{Settings{Off: []string{"x"}}, "off"},
	}
	for _, b := range bad {
		err := b.s.Validate()
		ve, ok := err.(*vaern.ValidationError)
		if !ok || ve.Field != b.field {
			t.Errorf("%+v: %v, want field %s", b.s, err, b.field)
		}
	}
}

func TestAddMonths(t *testing.T) {
	cph := mustZone("Europe/Copenhagen")
	for _, c := range []struct{ in, want time.Time }{
		{time.Date(2026, 1, 31, 12, 0, 0, 0, cph), time.Date(2026, 2, 28, 12, 0, 0, 0, cph)},
		{time.Date(2028, 1, 31, 12, 0, 0, 0, cph), time.Date(2028, 2, 29, 12, 0, 0, 0, cph)},
		{time.Date(2026, 12, 15, 8, 0, 0, 0, cph), time.Date(2027, 1, 15, 8, 0, 0, 0, cph)},
		{time.Date(2026, 2, 28, 2, 30, 0, 0, cph), time.Date(2026, 3, 28, 2, 30, 0, 0, cph)},
	} {
		if got := AddMonths(c.in, 1, cph); !got.Equal(c.want) {
			t.Errorf("%s + 1 month = %s, want %s", c.in, got, c.want)
		}
	}
}
