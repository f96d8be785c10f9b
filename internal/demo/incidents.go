package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// SeedIncidents gives the demo open incidents with running clocks in the featured members (one
// near its early-warning deadline, one overdue, some reported to the centre, with internal and
// shared entries), a closed case with lessons learned that the centre published, and a year of
// handled cases in more Danish members, so that the response-time figures have a sector to
// compare with. Times are relative to now, so the clocks are running whenever the demo starts.
func SeedIncidents(ctx context.Context, st *store.Store) error {
	now := time.Now().Truncate(time.Minute)
	defer st.SetClock(time.Now)
	at := func(t time.Time) { st.SetClock(func() time.Time { return t }) }
	org := func(code string) (vaern.Org, vaern.Actor, error) {
		o, err := st.OrgByCode(ctx, code)
		if err != nil {
			return o, vaern.Actor{}, fmt.Errorf("demo incidents: %s: %w", code, err)
		}
		people, err := st.OrgUsers(ctx, o.ID)
		if err != nil {
			return o, vaern.Actor{}, err
		}
		a := vaern.System("demo")
		for _, p := range people {
			if p.Role == vaern.RoleCoordinator {
				a = vaern.Actor{UserID: p.ID, Email: p.Email, OrgID: o.ID, Role: p.Role}
				break
			}
		}
		return o, a, nil
	}
	type step struct {
		after  time.Duration // after awareness
		status vaern.IncidentStatus
		entry  string
		intern bool
		submit string // "regime/step"
		ref    string
	}
	type demoCase struct {
		code     string
		c        vaern.Incident
		aware    time.Duration // before now
		reported bool
		steps    []step
		lesson   *vaern.Lesson
		publish  [2]string
	}
	cases := []demoCase{
		{code: "751", aware: 20 * time.Hour, reported: true, c: vaern.Incident{Title: "Phishing-kampagne mod medarbejdere",
			Description:  "Over 40 medarbejdere har modtaget mails med link til en falsk Microsoft 365-loginside. Mindst tre har indtastet deres adgangskode.",
			PersonalData: true, PDCategories: vaern.PDOrdinary, PDCount: 300, Severity: 3, Cause: "malicious_action", Classification: "fraud/phishing",
			Services: "E-mail, Teams", Observables: []string{"hxxps://login-microsoftonline[.]example[.]net/aarhus", "noreply@m365-security.example.net", "203.0.113.45"}},
			steps: []step{{after: 40 * time.Minute, status: vaern.IncidentTriage, entry: "Modtaget via servicedesk. Tre konti spærret, adgangskoder nulstillet."},
				{after: 2 * time.Hour, entry: "Borgmesterens sekretariat er blandt de ramte – håndteres fortroligt.", intern: true},
				{after: 5 * time.Hour, status: vaern.IncidentInProgress, entry: "Domænet er blokeret i mailfilter og proxy."}}},
		{code: "101", aware: 30 * time.Hour, c: vaern.Incident{Title: "DDoS mod borgerportalen",
			Description: "Borgerportalen har været utilgængelig i perioder siden i går eftermiddag. Trafikken kommer fra mange udenlandske adresser.",
			Severity:    3, Cause: "malicious_action", Classification: "availability/ddos", Services: "Borgerportal, selvbetjening", CrossBorder: true,
			Observables: []string{"198.51.100.0/24"}},
			steps: []step{{after: 3 * time.Hour, status: vaern.IncidentInProgress, entry: "Leverandøren har slået DDoS-beskyttelse til."}}},
		{code: "101", aware: 50 * time.Hour, reported: true, c: vaern.Incident{Title: "Bortkommen bærbar med borgeroplysninger",
			Description:  "En sagsbehandlers bærbare computer er stjålet fra en bil. Disken var krypteret, men en USB-nøgle med et regneark lå i tasken.",
			PersonalData: true, PDCategories: vaern.PDOrdinary | vaern.PDNationalID, PDCount: 120, HighRisk: true, Severity: 2, Cause: "human_error",
			Classification: "information-content-security/data-loss"},
			steps: []step{{after: 2 * time.Hour, status: vaern.IncidentTriage, entry: "Politianmeldt. Computeren er spærret i Intune."},
				{after: 20 * time.Hour, status: vaern.IncidentContained, entry: "Indholdet af USB-nøglen er kortlagt: 120 borgere med CPR-nummer."},
				{after: 23 * time.Hour, submit: "nis2-dk/early_warning", ref: "NIS2-2026-0412"}}},
		{code: "4601", aware: 3 * time.Hour, reported: true, c: vaern.Incident{Title: "Kompromittert administratorkonto",
			Description: "Uvanlig pålogging på en administratorkonto fra utlandet i natt. Kontoen er sperret.",
			Severity:    4, Cause: "malicious_action", Classification: "intrusions/privileged-account-compromise", PersonalData: true,
			Observables: []string{"192.0.2.77", "evil-update[.]example[.]org"}},
			steps: []step{{after: 25 * time.Minute, status: vaern.IncidentTriage, entry: "Kontoen er sperret og sesjoner tilbakekalt."}}},
		{code: "751", aware: 40 * 24 * time.Hour, reported: true, c: vaern.Incident{Title: "Ransomware på filserver i Teknik og Miljø",
			Description: "Filer på et drev i Teknik og Miljø blev krypteret via en kompromitteret fjernadgang hos en leverandør.",
			Severity:    4, Cause: "third_party_failure", Classification: "malicious-code/infected-system", Services: "Fildrev, byggesager"},
			steps: []step{{after: 30 * time.Minute, status: vaern.IncidentTriage, entry: "Serveren er isoleret fra netværket."},
				{after: 6 * time.Hour, status: vaern.IncidentContained, entry: "Leverandørens adgang er lukket; backup fra i går er intakt."},
				{after: 20 * time.Hour, submit: "nis2-dk/early_warning", ref: "NIS2-2026-0201"},
				{after: 60 * time.Hour, submit: "nis2-dk/notification", ref: "NIS2-2026-0201"},
				{after: 5 * 24 * time.Hour, status: vaern.IncidentResolved, entry: "Drevet er genskabt fra backup; ingen data tabt."},
				{after: 30 * 24 * time.Hour, submit: "nis2-dk/final", ref: "NIS2-2026-0201"}},
			lesson: &vaern.Lesson{WentWell: "Isolering inden for en halv time; backup var testet.",
				WentBadly: "Leverandørens fjernadgang var ikke omfattet af totrinsgodkendelse.", Actions: "Krav om MFA på al leverandøradgang i kontrakterne."},
			publish: [2]string{"Leverandørens fjernadgang som vej ind", "Et medlem fik krypteret et fildrev via en leverandørs fjernadgang uden totrinsgodkendelse. Isolering og testet backup begrænsede skaden. Læring: stil krav om MFA på al leverandøradgang."}},
	}
	// A year of handled cases in ten Danish members, for the sector figures.
	hist := []string{"751", "101", "147", "151", "153", "155", "157", "159", "161", "163"}
	for i, code := range hist {
		for j := 0; j < 2; j++ {
			h := time.Duration(1+(i+j)%4) * time.Hour
			cases = append(cases, demoCase{code: code, aware: time.Duration(60+i*25+j*9) * 24 * time.Hour, c: vaern.Incident{
				Title: fmt.Sprintf("Fejlkonfigureret firewallregel %d", j+1), Severity: 2, Cause: "human_error", Classification: "availability/misconfiguration"},
				steps: []step{{after: h / 2, status: vaern.IncidentTriage, entry: "Undersøges."}, {after: 2 * h, status: vaern.IncidentContained, entry: "Reglen er rettet."},
					{after: 10*time.Hour + h, submit: "nis2-dk/early_warning"}, {after: 30 * time.Hour, status: vaern.IncidentResolved, entry: "Afsluttet."}},
				lesson: &vaern.Lesson{WentBadly: "Ændringen var ikke godkendt.", Actions: "Fire-øjne-princip på firewallændringer."}})
		}
	}
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	for _, dc := range cases {
		o, a, err := org(dc.code)
		if err != nil {
			return err
		}
		v := access.ForOrg(o)
		aware := now.Add(-dc.aware)
		at(aware.Add(10 * time.Minute))
		dc.c.AwareAt = aware
		dc.c.StartedAt = aware.Add(-45 * time.Minute)
		c, err := st.CreateIncident(ctx, a, o.ID, dc.c)
		if err != nil {
			return fmt.Errorf("demo incident %q: %w", dc.c.Title, err)
		}
		if dc.reported {
			at(aware.Add(15 * time.Minute))
			if err := st.ReportToCentre(ctx, a, v, c.ID); err != nil {
				return err
			}
		}
		for _, s := range dc.steps {
			at(aware.Add(s.after))
			if s.status != "" {
				stt := s.status
				if err := st.UpdateIncident(ctx, a, v, c.ID, store.IncidentChange{Status: &stt, HandlerID: &a.UserID}); err != nil {
					return fmt.Errorf("demo incident %q: %w", dc.c.Title, err)
				}
			}
			if s.entry != "" {
				if _, err := st.AddIncidentEntry(ctx, a, v, vaern.IncidentEntry{IncidentID: c.ID, Text: s.entry, Internal: s.intern}); err != nil {
					return err
				}
			}
			if s.submit != "" {
				reg, stp, _ := strings.Cut(s.submit, "/")
				if _, err := st.SubmitIncidentReport(ctx, a, v, vaern.IncidentReport{IncidentID: c.ID, Regime: reg, Step: stp, Reference: s.ref}); err != nil {
					return fmt.Errorf("demo incident %q: %w", dc.c.Title, err)
				}
			}
		}
		if dc.lesson != nil {
			at(now.Add(-dc.aware / 3))
			if err := st.CloseIncident(ctx, a, v, c.ID, *dc.lesson); err != nil {
				return err
			}
			if dc.publish[0] != "" {
				if err := st.PublishLesson(ctx, vaern.System("demo"), access.ForOrg(centre), c.ID, dc.publish[0], dc.publish[1]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
