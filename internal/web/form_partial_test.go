package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestPartialPostKeepsFields replays issue 9.4: a post that sends only some of a form's fields
// must change those and leave every other field as it was, on every edit form; the full form
// (whose checkboxes carry a hidden empty value) still clears what is unticked.
func TestPartialPostKeepsFields(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			sys := vaern.System("test")
			resp := s.Fix.Users["A:respondent"]
			unit := s.Fix.UnitsA[1]
			orig, err := s.Store.CreateSystem(ctx, sys, s.Fix.A.ID, vaern.ITSystem{Name: "Aula", Description: "Skoleintra",
				SystemOwnerID: resp.ID, DataOwnerID: resp.ID, UnitID: unit.ID, Vendor: "Netcompany", Product: "Aula",
				Hosting: vaern.HostingSaaS, DPAStatus: vaern.DPASigned, PersonalData: vaern.PDOrdinary | vaern.PDNationalID,
				Confidentiality: 3, Integrity: 2, Availability: 4, InternetExposed: true, Tags: []string{"skole"}, Notes: "note",
				AIUse: vaern.AIFeature, AISupplier: "OpenAI"})
			if err != nil {
				t.Fatal(err)
			}
			rc := s.Login(t, "A:respondent")
			u := fmt.Sprintf("%s/register/systems/%d", s.URL, orig.ID)

			// The attack of the issue: only name and description.
			if st, _, body := postForm(t, rc, u, url.Values{"name": {"Aula 2"}, "description": {"Ny"}}); st != http.StatusSeeOther {
				t.Fatalf("partial post: %d %.500s", st, body)
			}
			got, _ := s.Store.System(ctx, s.Fix.A.ID, orig.ID)
			want := orig
			want.Name, want.Description = "Aula 2", "Ny"
			if d := register.Diff(want, got); len(d) > 0 {
				t.Fatalf("a partial post changed %v: %+v", d, got)
			}
			// The whole form with the boxes unticked sends only their hidden empty values: cleared.
			if st, _, body := postForm(t, rc, u, url.Values{"internet_exposed": {""}, "personal_data": {""}, "ai_dpa_covered": {""}}); st != http.StatusSeeOther {
				t.Fatalf("unticked boxes: %d %.500s", st, body)
			}
			got, _ = s.Store.System(ctx, s.Fix.A.ID, orig.ID)
			if got.InternetExposed || got.PersonalData != 0 || got.SystemOwnerID != resp.ID || got.Vendor != "Netcompany" {
				t.Fatalf("unticking: %+v", got)
			}
			if st, _, _ := postForm(t, rc, u, url.Values{"internet_exposed": {"", "1"}, "personal_data": {"", "sensitive"}}); st != http.StatusSeeOther {
				t.Fatal("ticking failed")
			}
			got, _ = s.Store.System(ctx, s.Fix.A.ID, orig.ID)
			if !got.InternetExposed || got.PersonalData != vaern.PDSensitive {
				t.Fatalf("ticking: %+v", got)
			}
			// A bad value in a sent field is refused, naming it, and changes nothing.
			if st, _, _ := postForm(t, rc, u, url.Values{"name": {"X"}, "system_owner": {"abc"}}); st != http.StatusUnprocessableEntity {
				t.Fatalf("bad owner: %d", st)
			}
			if got, _ := s.Store.System(ctx, s.Fix.A.ID, orig.ID); got.Name != "Aula 2" {
				t.Fatalf("a refused post changed the name to %q", got.Name)
			}

			coord := s.Login(t, "A:coordinator")
			// Units: a post with only the name keeps the parent.
			if st, _, _ := postForm(t, coord, fmt.Sprintf("%s/org/units/%d", s.URL, unit.ID), url.Values{"name": {"Skolerne"}}); st != http.StatusSeeOther {
				t.Fatalf("unit post: %d", st)
			}
			if u2, _ := s.Store.Unit(ctx, s.Fix.A.ID, unit.ID); u2.ParentID != unit.ParentID || u2.Name != "Skolerne" {
				t.Fatalf("unit after partial post: %+v (parent was %d)", u2, unit.ParentID)
			}
			// Settings: the box with its hidden empty value turns two-factor sign-in on. (With it on,
			// a coordinator without two-factor cannot post at all, so the empty post is not replayed.)
			postForm(t, coord, s.URL+"/org/settings", url.Values{"require_2fa": {"", "on"}})
			if o, _ := s.Store.Org(ctx, s.Fix.Centre.ID, s.Fix.A.ID); !o.Require2FA {
				t.Fatal("the ticked box did not turn two-factor sign-in on")
			}
			if err := s.Store.SetRequire2FA(ctx, sys, s.Fix.A.ID, false); err != nil {
				t.Fatal(err)
			}
			// Profile: a post with only the name keeps the language.
			if err := s.Store.UpdateProfile(ctx, sys, s.Fix.A.ID, resp.ID, "Rita", "da"); err != nil {
				t.Fatal(err)
			}
			postForm(t, rc, s.URL+"/account/profile", url.Values{"name": {"Rita Respondent"}})
			if me, _ := s.Store.UserSelf(ctx, resp.ID); me.Lang != "da" || me.Name != "Rita Respondent" {
				t.Fatalf("profile after partial post: %+v", me)
			}
			// Members: the centre's post with only the name keeps the facts.
			admin := s.Login(t, "centre-admin")
			postForm(t, admin, fmt.Sprintf("%s/centre/members/%d", s.URL, s.Fix.A.ID), url.Values{"name": {"Aarhus Kommune"}})
			if o, _ := s.Store.Org(ctx, s.Fix.Centre.ID, s.Fix.A.ID); o.Name != "Aarhus Kommune" || o.Population != 367100 || o.Code != "751" || o.Region != "Region Midtjylland" {
				t.Fatalf("member after partial post: %+v", o)
			}
			// Risks: a post with only the scenario keeps the levels and the review cycle.
			ra, err := s.Store.CreateRiskAssessment(ctx, sys, s.Fix.A.ID, vaern.RiskAssessment{SystemID: orig.ID, Threat: "ransomware",
				Likelihood: 3, Consequence: 4, ResidualLikelihood: 2, ResidualConsequence: 2, ReviewMonths: 6})
			if err != nil {
				t.Fatal(err)
			}
			if st, _, body := postForm(t, coord, fmt.Sprintf("%s/register/risks/%d", s.URL, ra.ID), url.Values{"scenario": {"Kryptering"}}); st != http.StatusSeeOther {
				t.Fatalf("risk post: %d %.400s", st, body)
			}
			if r2, _ := s.Store.RiskAssessment(ctx, s.Fix.A.ID, ra.ID); r2.Likelihood != 3 || r2.Consequence != 4 || r2.ResidualLikelihood != 2 || r2.ReviewMonths != 6 || r2.Scenario != "Kryptering" {
				t.Fatalf("risk after partial post: %+v", r2)
			}
		})
	}
}
