package store_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func (f *fixture) respA() vaern.Actor {
	return f.actor(f.A.Respondent, f.A.Org.ID, vaern.RoleRespondent)
}

func TestSystemCRUDAndScoping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		in := vaern.ITSystem{Name: "  Aula ", SystemOwnerID: f.A.Respondent.ID, DataOwnerID: f.A.Coordinator.ID, UnitID: f.A.Dept.ID,
			Vendor: "Netcompany", Product: "Aula", CPE: "cpe:2.3:a:netcompany:aula:2.1:*:*:*:*:*:*:*", PURL: "pkg:generic/aula@2.1",
			Hosting: vaern.HostingSaaS, DPAStatus: vaern.DPASigned, DPAReview: t0.AddDate(1, 0, 0), PersonalData: vaern.PDOrdinary | vaern.PDNationalID,
			Confidentiality: 3, Integrity: 2, Availability: 4, RTO: 4 * time.Hour, RPO: 30 * time.Minute, InternetExposed: true,
			Tags: []string{"Skole", "skole", "kommunikation"}}
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, in))(t)
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "system.create", sys.ID)
		got := must(s.System(f.ctx, f.A.Org.ID, sys.ID))(t)
		if got.Name != "Aula" || got.SystemOwnerMail != "respondent@aarhus.dk" || got.UnitName != "IT department" ||
			strings.Join(got.Tags, ",") != "kommunikation,skole" || got.RTO != 4*time.Hour || !got.InternetExposed ||
			got.PersonalData != 5 || !got.DPAReview.Equal(t0.AddDate(1, 0, 0)) {
			t.Fatalf("stored %+v", got)
		}
		// Same name in the same member is refused, in another member it is fine.
		_, err := s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "AULA"})
		wantErr(t, err, invalid("name"))
		must(s.CreateSystem(f.ctx, f.coordB(), f.B.Org.ID, vaern.ITSystem{Name: "Aula"}))(t)

		for _, c := range []struct {
			sys   vaern.ITSystem
			field string
		}{
			{vaern.ITSystem{Name: ""}, "name"},
			{vaern.ITSystem{Name: "x", CPE: "cpe:2.3:a:x"}, "cpe"},
			{vaern.ITSystem{Name: "x", PURL: "npm/x"}, "purl"},
			{vaern.ITSystem{Name: "x", Hosting: "moon"}, "hosting"},
			{vaern.ITSystem{Name: "x", Confidentiality: 5}, "confidentiality"},
			{vaern.ITSystem{Name: "x", SystemOwnerID: f.B.Coordinator.ID}, "system_owner"},
			{vaern.ITSystem{Name: "x", UnitID: f.B.Dept.ID}, "unit"},
		} {
			before := f.auditCounts(t)
			_, err := s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, c.sys)
			wantErr(t, err, invalid(c.field))
			if !equalCounts(before, f.auditCounts(t)) {
				t.Fatalf("refused system wrote audit rows")
			}
		}

		// B cannot read, change or delete A's system.
		_, err = s.System(f.ctx, f.B.Org.ID, sys.ID)
		wantErr(t, err, vaern.ErrNotFound)
		got.Name = "Hijacked"
		wantErr(t, s.UpdateSystem(f.ctx, f.coordB(), f.B.Org.ID, got), vaern.ErrNotFound)
		wantErr(t, s.DeleteSystem(f.ctx, f.coordB(), f.B.Org.ID, sys.ID), vaern.ErrNotFound)
		wantErr(t, s.ReplaceComponents(f.ctx, f.coordB(), f.B.Org.ID, sys.ID, nil, "x"), vaern.ErrNotFound)

		// The respondent owns Aula and may change it; not a system they do not own.
		got = must(s.System(f.ctx, f.A.Org.ID, sys.ID))(t)
		got.Version = "2.2"
		ok(t, s.UpdateSystem(f.ctx, f.respA(), f.A.Org.ID, got))
		other := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "SBSYS"}))(t)
		other.Version = "1"
		wantErr(t, s.UpdateSystem(f.ctx, f.respA(), f.A.Org.ID, other), vaern.ErrForbidden)
		hist := must(s.SystemHistory(f.ctx, f.A.Org.ID, sys.ID, 50))(t)
		if len(hist) != 2 || hist[0].Action != "system.update" || !strings.Contains(hist[0].Detail, `"version":["","2.2"]`) {
			t.Fatalf("history %+v", hist)
		}

		// Filters and sorting.
		all, total := must2(s.Systems(f.ctx, f.A.Org.ID, vaern.SystemFilter{Sort: "-name"}))(t)
		if total != 2 || all[0].Name != "SBSYS" {
			t.Fatalf("list %+v", all)
		}
		for _, c := range []struct {
			f    vaern.SystemFilter
			want int
		}{
			{vaern.SystemFilter{Search: "netcomp"}, 1}, {vaern.SystemFilter{Search: "%"}, 0}, {vaern.SystemFilter{Tag: "skole"}, 1},
			{vaern.SystemFilter{OwnerID: f.A.Respondent.ID}, 1}, {vaern.SystemFilter{NoOwner: true}, 1},
			{vaern.SystemFilter{DPAInvalid: true}, 1}, {vaern.SystemFilter{PersonalData: vaern.PDNationalID}, 1},
			{vaern.SystemFilter{MinCrit: 4}, 1}, {vaern.SystemFilter{Exposed: true}, 1}, {vaern.SystemFilter{Hosting: vaern.HostingSaaS}, 1},
			{vaern.SystemFilter{UnitID: f.A.Dept.ID}, 1}, {vaern.SystemFilter{Limit: 1, Offset: 1}, 1},
		} {
			list, n := must2(s.Systems(f.ctx, f.A.Org.ID, c.f))(t)
			if len(list) != c.want {
				t.Errorf("filter %+v: %d systems (total %d), want %d", c.f, len(list), n, c.want)
			}
		}
		// The DPA review passes: the agreement is no longer valid.
		f.clock.Set(t0.AddDate(1, 0, 1))
		if list, _ := must2(s.Systems(f.ctx, f.A.Org.ID, vaern.SystemFilter{DPAInvalid: true}))(t); len(list) != 2 {
			t.Fatalf("after the review date %d systems lack a valid DPA, want 2", len(list))
		}
		ok(t, s.DeleteSystem(f.ctx, f.coordA(), f.A.Org.ID, other.ID))
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "system.delete", other.ID)
	})
}

func must2[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(t testing.TB) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func TestImportSystemsAllOrNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Aula", Notes: "keep me"}))(t)
		res := must(s.Resolver(f.ctx, f.A.Org.ID))(t)
		csv := "Systemnavn;Systemejer;Enhed;Tilgængelighed;RTO (timer)\n" +
			"aula;respondent@aarhus.dk;IT department;høj;0,5\n" +
			"KMD Nexus;User coordinator@aarhus.dk;Schools;2;24\n"
		tab := must(register.ReadCSV([]byte(csv)))(t)
		recs, probs := register.Check(tab, register.GuessMapping(tab.Header), res, nil)
		if len(probs) > 0 {
			t.Fatalf("problems: %v", probs)
		}
		r := must(s.ImportSystems(f.ctx, f.coordA(), f.A.Org.ID, recs, "test.csv", nil))(t)
		if r.Created != 1 || r.Updated != 1 {
			t.Fatalf("result %+v", r)
		}
		aula := must(s.SystemByName(f.ctx, f.A.Org.ID, "AULA"))(t)
		if aula.Name != "aula" || aula.Notes != "keep me" || aula.Availability != 3 || aula.RTO != 30*time.Minute || aula.SystemOwnerID != f.A.Respondent.ID {
			t.Fatalf("aula after import: %+v", aula)
		}
		nexus := must(s.SystemByName(f.ctx, f.A.Org.ID, "kmd nexus"))(t)
		if nexus.SystemOwnerID != f.A.Coordinator.ID || nexus.UnitID != f.A.Other.ID {
			t.Fatalf("nexus: %+v", nexus)
		}
		// The same file again changes nothing.
		r = must(s.ImportSystems(f.ctx, f.coordA(), f.A.Org.ID, recs, "test.csv", nil))(t)
		if r.Unchanged != 2 {
			t.Fatalf("re-import %+v", r)
		}
		// A record that fails in the store rolls back the whole import.
		before := f.auditCounts(t)
		bad := []register.Record{
			{Row: 2, Sys: vaern.ITSystem{Name: "New one"}, Set: map[string]bool{"name": true}},
			{Row: 3, Sys: vaern.ITSystem{Name: "Bad", SystemOwnerID: f.B.Coordinator.ID}, Set: map[string]bool{"name": true, "system_owner": true}},
		}
		_, err := s.ImportSystems(f.ctx, f.coordA(), f.A.Org.ID, bad, "bad.csv", nil)
		if err == nil || !strings.Contains(err.Error(), "row 3") {
			t.Fatalf("error %v", err)
		}
		if _, err := s.SystemByName(f.ctx, f.A.Org.ID, "New one"); err != vaern.ErrNotFound {
			t.Fatalf("half an import was written: %v", err)
		}
		if !equalCounts(before, f.auditCounts(t)) {
			t.Fatal("a rolled-back import left audit rows")
		}
	})
}

func TestComponentsReplaceAtomically(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("VAERN_TESTDATA")
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Portal"}))(t)
		var comps []vaern.Component
		for i := range 450 {
			comps = append(comps, vaern.Component{Name: "lib" + string(rune('a'+i%26)), Version: "1." + string(rune('0'+i%10)), PURL: "pkg:npm/x@1"})
		}
		ok(t, s.ReplaceComponents(f.ctx, f.coordA(), f.A.Org.ID, sys.ID, comps, "first"))
		if got := must(s.Components(f.ctx, f.A.Org.ID, sys.ID))(t); len(got) != 450 {
			t.Fatalf("%d components", len(got))
		}
		if dir != "" {
			b := must(os.ReadFile(filepath.Join(dir, "sbom/cyclonedx/SBOM/dropwizard-1.3.15/bom.json")))(t)
			sb := must(register.ParseSBOM(strings.NewReader(string(b))))(t)
			ok(t, s.ReplaceComponents(f.ctx, f.coordA(), f.A.Org.ID, sys.ID, sb.Components, "dropwizard"))
			if got := must(s.Components(f.ctx, f.A.Org.ID, sys.ID))(t); len(got) != 167 {
				t.Fatalf("%d components after the re-import, want 167", len(got))
			}
		}
		// A failing replacement (a name too large for nothing — here: a foreign org) keeps the set.
		n := len(must(s.Components(f.ctx, f.A.Org.ID, sys.ID))(t))
		wantErr(t, s.ReplaceComponents(f.ctx, f.respA(), f.A.Org.ID, sys.ID, comps[:1], "x"), vaern.ErrForbidden)
		if got := must(s.Components(f.ctx, f.A.Org.ID, sys.ID))(t); len(got) != n {
			t.Fatalf("refused replacement changed the set: %d, want %d", len(got), n)
		}
		if got := must(s.System(f.ctx, f.A.Org.ID, sys.ID))(t); got.Components != n {
			t.Fatalf("count %d, want %d", got.Components, n)
		}
		if got := must(s.Components(f.ctx, f.B.Org.ID, sys.ID))(t); len(got) != 0 {
			t.Fatal("B sees A's components")
		}
	})
}

func TestRiskAssessmentFlow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Aula", SystemOwnerID: f.A.Respondent.ID}))(t)
		ra := must(s.CreateRiskAssessment(f.ctx, f.respA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: "ransomware",
			Likelihood: 4, Consequence: 5, ReviewMonths: 6}))(t)
		if !ra.NextReview.Equal(t0.AddDate(0, 6, 0)) {
			t.Fatalf("next review %v", ra.NextReview)
		}
		_, err := s.CreateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: "aliens", Likelihood: 1, Consequence: 1})
		wantErr(t, err, invalid("threat"))
		_, err = s.CreateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: "phishing", Likelihood: 6, Consequence: 1})
		wantErr(t, err, invalid("likelihood"))
		_, err = s.CreateRiskAssessment(f.ctx, f.coordB(), f.B.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: "phishing", Likelihood: 1, Consequence: 1})
		wantErr(t, err, vaern.ErrNotFound)
		own := must(s.CreateThreat(f.ctx, f.coordA(), f.A.Org.ID, "Snow storm", "The road to the data centre closes."))(t)
		must(s.CreateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: own.Key, Likelihood: 1, Consequence: 2}))(t)
		ownB := must(s.CreateThreat(f.ctx, f.coordB(), f.B.Org.ID, "Fjord", ""))(t)
		_, err = s.CreateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: ownB.Key, Likelihood: 1, Consequence: 1})
		wantErr(t, err, invalid("threat"))

		tr := must(s.AddTreatment(f.ctx, f.respA(), f.A.Org.ID, ra.ID, vaern.Treatment{Title: "Offline backup", OwnerID: f.A.Respondent.ID, Due: t0.AddDate(0, 1, 0)}))(t)
		ok(t, s.SetTreatmentDone(f.ctx, f.respA(), f.A.Org.ID, tr.ID, true))
		wantErr(t, s.SetTreatmentDone(f.ctx, f.coordB(), f.B.Org.ID, tr.ID, true), vaern.ErrNotFound)
		ra.ResidualLikelihood, ra.ResidualConsequence = 2, 5
		ok(t, s.UpdateRiskAssessment(f.ctx, f.respA(), f.A.Org.ID, ra))
		wantErr(t, s.AcceptRisk(f.ctx, f.respA(), f.A.Org.ID, ra.ID, "Mette Hansen", 0, ""), invalid("accept_reason"))
		ok(t, s.AcceptRisk(f.ctx, f.respA(), f.A.Org.ID, ra.ID, "Mette Hansen, direktør", 0, "Backup tested; remaining risk within appetite"))
		got := must(s.RiskAssessment(f.ctx, f.A.Org.ID, ra.ID))(t)
		if !got.Accepted() || got.AcceptedBy != "Mette Hansen, direktør" || len(got.Treatments) != 1 || !got.Treatments[0].Done() || got.Treatments[0].OwnerName == "" {
			t.Fatalf("assessment %+v", got)
		}
		hist := must(s.SystemHistory(f.ctx, f.A.Org.ID, sys.ID, 50))(t)
		if hist[0].Action != "risk.accept" {
			t.Fatalf("newest history %s", hist[0].Action)
		}
		// Changing the residual risk withdraws the acceptance.
		got.ResidualLikelihood = 3
		ok(t, s.UpdateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, got))
		if got := must(s.RiskAssessment(f.ctx, f.A.Org.ID, ra.ID))(t); got.Accepted() {
			t.Fatal("acceptance survived a changed residual risk")
		}

		c := must(s.RegisterCounts(f.ctx, f.A.Org.ID))(t)
		if c.Systems != 1 || c.Assessments != 2 || c.HighRisks != 1 || c.NoOwner != 1 || c.OverdueReviews != 0 {
			t.Fatalf("counts %+v", c)
		}
		m, levels, err := s.RiskLevels(f.ctx, f.A.Org.ID, false)
		ok(t, err)
		h := register.HeatMapOf(m, levels)
		if h.Total != 2 || h.Cells[3][4] != 1 || h.Cells[0][1] != 1 {
			t.Fatalf("heat map %+v", h.Cells)
		}

		// Reminders: once per review date, to the system owner.
		f.clock.Set(t0.AddDate(1, 1, 0))
		compose := func(tx *store.Tx, d store.DueReview) error {
			people, err := tx.Recipients(f.ctx, d.Assessment.OrgID)
			if err != nil {
				return err
			}
			for _, p := range people {
				if p.UserID == d.SystemOwnerID {
					return tx.EnqueueMail(f.ctx, vaern.Mail{To: p.Email, Subject: "Review " + d.Assessment.SystemName, Body: "x"})
				}
			}
			return nil
		}
		if n := must(s.QueueReviewReminders(f.ctx, f.clock.Now(), 7*24*time.Hour, compose))(t); n != 2 {
			t.Fatalf("%d reminders, want 2", n)
		}
		if n := must(s.QueueReviewReminders(f.ctx, f.clock.Now(), 7*24*time.Hour, compose))(t); n != 0 {
			t.Fatalf("%d reminders the second time, want 0", n)
		}
		box := must(s.Outbox(f.ctx, 10))(t)
		if len(box) != 2 || box[0].To != "respondent@aarhus.dk" {
			t.Fatalf("outbox %+v", box)
		}
		if c := must(s.RegisterCounts(f.ctx, f.A.Org.ID))(t); c.OverdueReviews != 1 {
			t.Fatalf("overdue %d", c.OverdueReviews)
		}
		us := must(s.UnitStatuses(f.ctx, f.A.Org.ID))(t)
		if len(us) != 1 || us[0].Systems != 1 || us[0].OverdueReviews != 1 || us[0].NoOwner != 1 {
			t.Fatalf("unit statuses %+v", us)
		}
		ok(t, s.DeleteRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, ra.ID))
		wantErr(t, s.DeleteRiskAssessment(f.ctx, f.coordB(), f.B.Org.ID, ra.ID), vaern.ErrNotFound)
	})
}

func TestRiskMatrices(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		m, own := must2(s.RiskMatrix(f.ctx, f.A.Org.ID))(t)
		if own || len(m.Likelihood) != 5 {
			t.Fatalf("default %v %+v", own, m)
		}
		ref := register.DefaultMatrix()
		ref.Likelihood[0].DA = "Sjælden"
		ok(t, s.SetRiskMatrix(f.ctx, f.centreAdmin(), f.Centre.ID, ref))
		if m, _ := must2(s.RiskMatrix(f.ctx, f.A.Org.ID))(t); m.Likelihood[0].DA != "Sjælden" {
			t.Fatal("member does not follow the centre's reference")
		}
		small := vaern.RiskMatrix{Likelihood: []vaern.LevelLabel{{EN: "Low"}, {EN: "Medium"}, {EN: "High"}},
			Consequence: []vaern.LevelLabel{{EN: "Low"}, {EN: "Medium"}, {EN: "High"}}, Medium: 3, High: 4, Critical: 9}
		wantErr(t, s.SetRiskMatrix(f.ctx, f.coordA(), f.A.Org.ID, small), invalid("likelihood_map"))
		small.LikelihoodMap, small.ConsequenceMap = []int{1, 3, 5}, []int{1, 3, 5}
		ok(t, s.SetRiskMatrix(f.ctx, f.coordA(), f.A.Org.ID, small))
		if m, own := must2(s.RiskMatrix(f.ctx, f.A.Org.ID))(t); !own || len(m.Likelihood) != 3 {
			t.Fatalf("own matrix %+v", m)
		}
		if m, own := must2(s.RiskMatrix(f.ctx, f.B.Org.ID))(t); own || len(m.Likelihood) != 5 {
			t.Fatal("B got A's matrix")
		}
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "X"}))(t)
		_, err := s.CreateRiskAssessment(f.ctx, f.coordA(), f.A.Org.ID, vaern.RiskAssessment{SystemID: sys.ID, Threat: "ddos", Likelihood: 4, Consequence: 1})
		wantErr(t, err, invalid("likelihood"))
		ok(t, s.ResetRiskMatrix(f.ctx, f.coordA(), f.A.Org.ID))
	})
}

func TestRegisterSharing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		sys := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Aula"}))(t)
		must(s.CreateSystem(f.ctx, f.coordB(), f.B.Org.ID, vaern.ITSystem{Name: "Gerica"}))(t)
		// Default: counts.
		list := must(s.SharedRegisters(f.ctx, f.Centre.ID))(t)
		if len(list) != 2 || list[0].Sharing != vaern.ShareCounts || list[0].Counts == nil || list[0].Counts.Systems != 1 {
			t.Fatalf("shared %+v", list)
		}
		_, err := s.SharedSystem(f.ctx, access.ForOrg(f.Centre), sys.ID)
		wantErr(t, err, vaern.ErrNotFound)
		_, systems, _, err := s.SharedRegisterOf(f.ctx, access.ForOrg(f.Centre), f.A.Org.ID, vaern.SystemFilter{})
		ok(t, err)
		if systems != nil {
			t.Fatal("counts sharing showed systems")
		}
		ok(t, s.SetRegisterSharing(f.ctx, f.coordA(), f.A.Org.ID, vaern.ShareDetails))
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "register.sharing", f.A.Org.ID)
		if got := must(s.SharedSystem(f.ctx, access.ForOrg(f.Centre), sys.ID))(t); got.Name != "Aula" {
			t.Fatal("details not shared")
		}
		_, systems, total, err := s.SharedRegisterOf(f.ctx, access.ForOrg(f.Centre), f.A.Org.ID, vaern.SystemFilter{})
		if err != nil || total != 1 || systems[0].Name != "Aula" {
			t.Fatalf("details: %v %d", err, total)
		}
		ok(t, s.SetRegisterSharing(f.ctx, f.coordA(), f.A.Org.ID, vaern.ShareNothing))
		sr, _, _, err := s.SharedRegisterOf(f.ctx, access.ForOrg(f.Centre), f.A.Org.ID, vaern.SystemFilter{})
		if err != nil || sr.Counts != nil {
			t.Fatalf("nothing shared, yet counts %+v", sr.Counts)
		}
		list = must(s.SharedRegisters(f.ctx, f.Centre.ID))(t)
		for _, r := range list {
			if r.Org.ID == f.A.Org.ID && r.Counts != nil {
				t.Fatal("nothing shared, yet counts in the list")
			}
		}
		// A member is never another member's centre.
		_, _, _, err = s.SharedRegisterOf(f.ctx, access.ForOrg(f.B.Org), f.A.Org.ID, vaern.SystemFilter{})
		wantErr(t, err, vaern.ErrNotFound)
		wantErr(t, s.SetRegisterSharing(f.ctx, f.coordA(), f.A.Org.ID, "all"), invalid("sharing"))
	})
}
