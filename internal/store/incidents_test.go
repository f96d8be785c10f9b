package store_test

import (
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func viewOf(u vaern.User, org vaern.Org) access.Principal {
	return access.Principal{SignedIn: true, User: u.ID, Org: org.ID, Centre: org.IsCentre(), Country: org.Country}
}

// TestIncidentLifecycleAndScoping: a member reports a case; its regimes and deadlines are
// stored with it; another member never sees it; the centre sees it only once reported, and then
// never the internal entries (nor their attachments), on both engines.
func TestIncidentLifecycleAndScoping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		va, vb := viewOf(f.A.Coordinator, f.A.Org), viewOf(f.B.Coordinator, f.B.Org)
		vc := viewOf(f.CentreAnalyst, f.Centre)
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Mail"}))(t)
		aware := t0.Add(-2 * time.Hour)
		c := must(s.CreateIncident(f.ctx, f.respA(), f.A.Org.ID, vaern.Incident{Title: " Phishing wave ", AwareAt: aware,
			PersonalData: true, Systems: []int64{sys.ID}, Units: []int64{f.A.Dept.ID},
			Observables: []string{"hxxp://evil[.]example[.]com/x", "192.0.2.7"}}))(t)
		f.wantAudit(t, f.A.Org.ID, f.respA(), "incident.create", c.ID)
		got := must(s.Incident(f.ctx, va, c.ID))(t)
		if got.Title != "Phishing wave" || got.Status != vaern.IncidentNew || len(got.Systems) != 1 || len(got.Units) != 1 || got.Country != "DK" {
			t.Fatalf("stored %+v", got)
		}
		if !got.NextDue.Equal(aware.Add(24 * time.Hour)) {
			t.Errorf("next due %s, want the early warning", got.NextDue)
		}
		ds := must(s.IncidentDeadlines(f.ctx, va, c.ID, f.clock.Now()))(t)
		keys := map[string]vaern.Deadline{}
		for _, d := range ds {
			keys[d.Regime+"/"+d.Step] = d
		}
		if d := keys["gdpr-33/notification"]; !d.DueAt.Equal(aware.Add(72*time.Hour)) || d.Status != vaern.DeadlineOpen || !d.Legal {
			t.Errorf("gdpr deadline %+v", d)
		}
		if _, ok := keys["nis2-dk/early_warning"]; !ok {
			t.Errorf("no NIS2 early warning in %+v", ds)
		}
		obs := must(s.IncidentObservables(f.ctx, va, c.ID))(t)
		if len(obs) != 2 || obs[1].Value != "http://evil.example.com/x" {
			t.Errorf("observables %+v", obs)
		}

		// Refusals name the field.
		_, err := s.CreateIncident(f.ctx, f.respA(), f.A.Org.ID, vaern.Incident{Title: "x"})
		wantErr(t, err, invalid("aware_at"))
		_, err = s.CreateIncident(f.ctx, f.respA(), f.A.Org.ID, vaern.Incident{Title: "x", AwareAt: aware, Observables: []string{"nope"}})
		wantErr(t, err, invalid("observables"))
		_, err = s.CreateIncident(f.ctx, f.respA(), f.A.Org.ID, vaern.Incident{Title: "x", AwareAt: aware, Systems: []int64{99999}})
		wantErr(t, err, invalid("systems"))

		// Another member: not found, everywhere.
		_, err = s.Incident(f.ctx, vb, c.ID)
		wantErr(t, err, vaern.ErrNotFound)
		wantErr(t, s.ReportToCentre(f.ctx, f.coordB(), vb, c.ID), vaern.ErrNotFound)
		_, err = s.AddIncidentEntry(f.ctx, f.coordB(), vb, vaern.IncidentEntry{IncidentID: c.ID, Text: "hi"})
		wantErr(t, err, vaern.ErrNotFound)
		if l := must(s.Incidents(f.ctx, vb, vaern.IncidentFilter{}))(t); l.Total != 0 {
			t.Errorf("B lists %d cases", l.Total)
		}

		// The centre: nothing before it is reported.
		_, err = s.Incident(f.ctx, vc, c.ID)
		wantErr(t, err, vaern.ErrNotFound)
		if l := must(s.Incidents(f.ctx, vc, vaern.IncidentFilter{}))(t); l.Total != 0 {
			t.Errorf("centre lists %d unreported cases", l.Total)
		}
		internal := must(s.AddIncidentEntry(f.ctx, f.coordA(), va, vaern.IncidentEntry{IncidentID: c.ID, Text: "Mayor's mailbox hit", Internal: true,
			FileName: "notes.txt", FileType: "text/plain", File: []byte("secret")}))(t)
		must(s.AddIncidentEntry(f.ctx, f.coordA(), va, vaern.IncidentEntry{IncidentID: c.ID, Text: "Blocked the domain"}))(t)
		ok(t, s.ReportToCentre(f.ctx, f.coordA(), va, c.ID))
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "incident.report_centre", c.ID)
		seen := must(s.Incident(f.ctx, vc, c.ID))(t)
		if !seen.Reported || seen.ReportedAt.IsZero() {
			t.Errorf("reported case %+v", seen)
		}
		if l := must(s.Incidents(f.ctx, vc, vaern.IncidentFilter{}))(t); l.Total != 1 {
			t.Errorf("centre lists %d cases", l.Total)
		}
		ents := must(s.IncidentEntries(f.ctx, vc, c.ID))(t)
		if len(ents) != 1 || ents[0].Text != "Blocked the domain" {
			t.Fatalf("centre sees entries %+v", ents)
		}
		if all := must(s.IncidentEntries(f.ctx, va, c.ID))(t); len(all) != 2 {
			t.Errorf("member sees %d entries", len(all))
		}
		_, err = s.IncidentFile(f.ctx, vc, internal)
		wantErr(t, err, vaern.ErrNotFound)
		if file := must(s.IncidentFile(f.ctx, va, internal))(t); string(file.File) != "secret" {
			t.Errorf("member's file %q", file.File)
		}
		// The centre works the case: shared entries only; the member's own changes stay the member's.
		_, err = s.AddIncidentEntry(f.ctx, f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst), vc,
			vaern.IncidentEntry{IncidentID: c.ID, Text: "x", Internal: true})
		wantErr(t, err, invalid("internal"))
		must(s.AddIncidentEntry(f.ctx, f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst), vc,
			vaern.IncidentEntry{IncidentID: c.ID, Text: "Seen at two other members"}))(t)
		st := vaern.IncidentContained
		wantErr(t, s.UpdateIncident(f.ctx, f.centreAdmin(), vc, c.ID, store.IncidentChange{Status: &st}), vaern.ErrNotFound)

		// Status moves stamp the times; submitting a report meets its deadline.
		ok(t, s.UpdateIncident(f.ctx, f.coordA(), va, c.ID, store.IncidentChange{Status: &st}))
		got = must(s.Incident(f.ctx, va, c.ID))(t)
		if got.AckAt.IsZero() || got.ContainedAt.IsZero() {
			t.Errorf("times not stamped: %+v", got)
		}
		_, err = s.SubmitIncidentReport(f.ctx, f.coordA(), va, vaern.IncidentReport{IncidentID: c.ID, Regime: "nis2-dk", Step: "nope"})
		wantErr(t, err, invalid("step"))
		must(s.SubmitIncidentReport(f.ctx, f.coordA(), va, vaern.IncidentReport{IncidentID: c.ID, Regime: "nis2-dk", Step: "early_warning", Reference: "VIRK-1"}))(t)
		for _, d := range must(s.IncidentDeadlines(f.ctx, va, c.ID, f.clock.Now()))(t) {
			if d.Regime == "nis2-dk" && d.Step == "early_warning" && d.Status != vaern.DeadlineSubmitted {
				t.Errorf("early warning after submission: %+v", d)
			}
		}
		// Removing a regime needs a reason; then its clocks are gone.
		wantErr(t, s.SetIncidentRegime(f.ctx, f.coordA(), va, c.ID, "gdpr-33", true, ""), invalid("reason"))
		ok(t, s.SetIncidentRegime(f.ctx, f.coordA(), va, c.ID, "gdpr-33", true, "No personal data after all"))
		for _, d := range must(s.IncidentDeadlines(f.ctx, va, c.ID, f.clock.Now()))(t) {
			if d.Regime == "gdpr-33" {
				t.Errorf("removed regime's deadline %+v", d)
			}
		}
		// Closing needs the review; the centre publishes an anonymised version, never naming the member.
		wantErr(t, s.CloseIncident(f.ctx, f.coordA(), va, c.ID, vaern.Lesson{}), invalid("went_badly"))
		ok(t, s.CloseIncident(f.ctx, f.coordA(), va, c.ID, vaern.Lesson{WentBadly: "Slow to block", Actions: "Mail filter rule"}))
		if got = must(s.Incident(f.ctx, va, c.ID))(t); got.Status != vaern.IncidentClosed || !got.NextDue.IsZero() {
			t.Errorf("closed %+v", got)
		}
		wantErr(t, s.PublishLesson(f.ctx, f.centreAdmin(), vc, c.ID, "Lesson", "At Aarhus Kommune..."), invalid("text"))
		ok(t, s.PublishLesson(f.ctx, f.centreAdmin(), vc, c.ID, "Block early", "A member blocked a phishing domain late."))
		if pl := must(s.PublishedLessons(f.ctx, f.Centre.ID, 10))(t); len(pl) != 1 || pl[0].Title != "Block early" {
			t.Errorf("published %+v", pl)
		}

		// Sharing observables as indicators, under their label and audience.
		_, err = s.ShareObservables(f.ctx, f.coordA(), va, c.ID, access.Object{}, 50, 0)
		wantErr(t, err, invalid("tlp"))
		n := must(s.ShareObservables(f.ctx, f.coordA(), va, c.ID, access.Object{TLP: access.Amber, Audience: access.Audience{Kind: access.AllMembers}}, 70, 0))(t)
		if n != 2 {
			t.Errorf("shared %d", n)
		}
		if l := must(s.Indicators(f.ctx, vb, f.clock.Now(), 10))(t); len(l) != 2 {
			t.Errorf("B sees %d indicators", len(l))
		}
	})
}

// TestIncidentRemindersOnce: each reminder point and the escalation happen once per deadline.
func TestIncidentRemindersOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		must(s.CreateIncident(f.ctx, f.respA(), f.A.Org.ID, vaern.Incident{Title: "Outage", AwareAt: t0}))(t)
		var got []string
		send := func(tx *store.Tx, d store.DueDeadline) error {
			got = append(got, d.Deadline.Step+"@"+d.Point.String())
			_, _, err := tx.NotifyEvent(f.ctx, d.Case.OrgID, "test", store.IncidentReminderKey(d.Deadline, d.Point))
			return err
		}
		points := []time.Duration{12 * time.Hour, 2 * time.Hour}
		run := func() int { return must(s.QueueIncidentReminders(f.ctx, f.clock.Now(), points, send))(t) }
		if n := run(); n != 0 {
			t.Fatalf("reminders at once: %v", got)
		}
		f.clock.Set(t0.Add(13 * time.Hour)) // 11 h before the early warning
		if n := run(); n != 1 || run() != 0 {
			t.Fatalf("at 11 h before: %v", got)
		}
		f.clock.Set(t0.Add(25 * time.Hour)) // overdue
		if n := run(); n != 1 || run() != 0 || got[1] != "early_warning@0s" {
			t.Fatalf("escalation: %v", got)
		}
	})
}

// TestCentreRecordsIncident: the centre records a case for a member; it is the member's own case
// (the member sees it, its clocks run from awareness), reported to the centre from the start,
// audited on both sides; the centre itself or an unknown organisation cannot be chosen, and
// the other member never sees the case.
func TestCentreRecordsIncident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		analyst := f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst)
		va, vb, vc := viewOf(f.A.Coordinator, f.A.Org), viewOf(f.B.Coordinator, f.B.Org), viewOf(f.CentreAnalyst, f.Centre)
		aware := t0.Add(-3 * time.Hour)
		c := must(s.RecordIncident(f.ctx, analyst, f.Centre.ID, f.A.Org.ID, vaern.Incident{Title: "C2 beacon seen by the sensor",
			AwareAt: aware, Observables: []string{"198.51.100.23"}}))(t)
		got := must(s.Incident(f.ctx, va, c.ID))(t)
		if got.OrgID != f.A.Org.ID || !got.Reported || got.ReportedBy != f.CentreAnalyst.ID || !got.NextDue.Equal(aware.Add(24*time.Hour)) {
			t.Fatalf("the member's view of the recorded case: %+v", got)
		}
		if _, err := s.Incident(f.ctx, vc, c.ID); err != nil {
			t.Errorf("the centre does not see the case it recorded: %v", err)
		}
		if _, err := s.Incident(f.ctx, vb, c.ID); err != vaern.ErrNotFound {
			t.Errorf("another member reads the case: %v", err)
		}
		f.wantAudit(t, f.A.Org.ID, analyst, "incident.centre_record", c.ID)
		f.wantAudit(t, f.Centre.ID, analyst, "incident.centre_recorded", f.A.Org.ID)

		// One centre per installation: the centre itself and an unknown id are what cannot be chosen.
		for _, id := range []int64{f.Centre.ID, 99999} {
			if _, err := s.RecordIncident(f.ctx, analyst, f.Centre.ID, id, vaern.Incident{Title: "x", AwareAt: aware}); err != vaern.ErrNotFound {
				t.Errorf("recording for org %d: %v, want not found", id, err)
			}
		}
		_, err := s.RecordIncident(f.ctx, analyst, f.Centre.ID, f.B.Org.ID, vaern.Incident{Title: "x"})
		wantErr(t, err, invalid("aware_at"))
	})
}
