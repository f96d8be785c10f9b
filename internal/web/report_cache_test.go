package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
)

// TestReportCacheNeverStale opens a closed round's municipality report (the cached one) and checks
// after each kind of change that the next request shows it: a renamed unit, an answer changed and
// the result recomputed, a reopened assessment, a language switch; and that another member asking
// for the cached report's id gets 404, not the cached page.
func TestReportCacheNeverStale(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ids := anonymityFixture(t, s)
			ctx := context.Background()
			sys := vaern.System("test")
			x := ids["assessment"][0]
			u := fmt.Sprintf("%s/reports/%d", s.URL, x)
			coord := s.Login(t, "A:coordinator")
			page := func(c *http.Client) (int, string) {
				st, body := get(t, c, u)
				return st, body
			}
			st, first := page(coord)
			if st != http.StatusOK {
				t.Fatalf("report: %d", st)
			}
			if _, again := page(coord); stripVolatile(again) != stripVolatile(first) {
				t.Fatal("the same report differs between two requests with nothing changed")
			}
			answered := regexp.MustCompile(`<p class="big">(\d+)/(\d+)</p>`)
			count := func(body string) string {
				m := answered.FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("no answered count on the report: %.500s", body)
				}
				return m[1]
			}
			before := count(first)

			// Another member asks for the cached report's id.
			other := s.Login(t, "B:coordinator")
			if st, body := page(other); st != http.StatusNotFound || strings.Contains(body, "Anonymitetsrunde") {
				t.Fatalf("another member asking for a cached report: %d", st)
			}

			// A renamed unit (an audited change of the member).
			unit := s.Fix.UnitsA[0]
			if !strings.Contains(first, unit.Name) {
				t.Fatalf("the report does not show the unit %q", unit.Name)
			}
			coordUser := s.Fix.Users["A:coordinator"]
			actor := vaern.Actor{UserID: coordUser.ID, Email: coordUser.Email, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}
			if err := s.Store.UpdateUnit(ctx, actor, s.Fix.A.ID, unit.ID, unit.ParentID, "Omdøbt afdeling"); err != nil {
				t.Fatal(err)
			}
			if _, body := page(coord); !strings.Contains(body, "Omdøbt afdeling") {
				t.Error("after renaming a unit the report still shows the old name")
			}

			// A changed answer and the result stored again (as a submission does).
			if err := s.Store.ImportAnswers(ctx, sys, s.Fix.A.ID, x, []store.AnswerInput{{QuestionID: "GOV-04", Value: "yes"}}, true); err != nil {
				t.Fatal(err)
			}
			s.Store.SetClock(func() time.Time { return time.Now().Add(time.Second) })
			if err := results.StoreAssessment(ctx, s.Store, s.Fix.A.ID, x); err != nil {
				t.Fatal(err)
			}
			_, body := page(coord)
			if after := count(body); after == before {
				t.Errorf("after a new answer and recomputed results the report still counts %s answered", after)
			}

			// A stored result written without an audit row of its own.
			res, ok, err := s.Store.AssessmentResult(ctx, s.Fix.A.ID, x)
			if err != nil || !ok {
				t.Fatalf("stored result: %v %v", ok, err)
			}
			var r baseline.Result
			if err := json.Unmarshal([]byte(res.Result), &r); err != nil {
				t.Fatal(err)
			}
			r.Answered = 77
			b, _ := json.Marshal(r)
			res.Result = string(b)
			later := time.Now().Add(3 * time.Second)
			s.Store.SetClock(func() time.Time { return later })
			if err := s.Store.SaveAssessmentResult(ctx, res); err != nil {
				t.Fatal(err)
			}
			if _, body := page(coord); count(body) != "77" {
				t.Error("after a new stored result the report shows the old one")
			}

			// A language switch.
			if err := s.Store.UpdateProfile(ctx, actor, s.Fix.A.ID, coordUser.ID, "Koordinator", "en"); err != nil {
				t.Fatal(err)
			}
			if _, body := page(coord); !strings.Contains(body, "<h2 id=\"areas-h\">Focus areas</h2>") {
				t.Error("after switching to English the report's fixed part is not in English")
			}

			// A new action (an audited change of the member): the actions and the recommendations
			// that count them are cached with the rest.
			if _, err := s.Store.CreateAction(ctx, actor, s.Fix.A.ID, vaern.Action{AssessmentID: x, QuestionID: "GOV-01", Title: "Ny opgave fra cachetesten"}); err != nil {
				t.Fatal(err)
			}
			if _, body := page(coord); !strings.Contains(body, "Ny opgave fra cachetesten") {
				t.Error("after a new action the report does not list it")
			}

			// A person of the member renamed in another organisation, whose chain the mark does
			// not read: the people to pick as an action's owner show the new name.
			resp := s.Fix.Users["A:respondent"]
			if err := s.Store.AddMembership(ctx, sys, vaern.Membership{UserID: resp.ID, OrgID: s.Fix.B.ID, Role: vaern.RoleRespondent}); err != nil {
				t.Fatal(err)
			}
			s.Store.SetClock(func() time.Time { return later.Add(time.Second) })
			actorB := vaern.Actor{UserID: resp.ID, Email: resp.Email, OrgID: s.Fix.B.ID, Role: vaern.RoleRespondent}
			if err := s.Store.UpdateProfile(ctx, actorB, s.Fix.B.ID, resp.ID, "Omdøbt Respondent", "da"); err != nil {
				t.Fatal(err)
			}
			if _, body := page(coord); !strings.Contains(body, "Omdøbt Respondent") {
				t.Error("after a colleague renamed themselves in another organisation the report's people list has the old name")
			}

			// A reopened assessment (an audited change of the centre).
			if err := s.Store.ReopenAssessment(ctx, sys, s.Fix.Centre.ID, x, "Rettelse", s.Store.Now().Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if st, body := page(coord); st != http.StatusOK || !strings.Contains(body, `class="notice"`) {
				t.Errorf("after reopening the assessment the report does not say its figures are not final: %d", st)
			}

			// The other member still gets 404 after all that.
			if st, _ := page(other); st != http.StatusNotFound {
				t.Fatalf("another member asking for the report: %d", st)
			}
		})
	}
}

// stripVolatile removes what differs between two renderings of one page (the CSRF token, the
// request id, the nonce).
var volatile = regexp.MustCompile(`(value|content|nonce)="[A-Za-z0-9_\-+/=]{16,}"|req-[0-9a-f]+|[0-9a-f]{16,}`)

func stripVolatile(s string) string { return volatile.ReplaceAllString(s, "") }
