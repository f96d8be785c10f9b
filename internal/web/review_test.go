package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

var (
	tagRE   = regexp.MustCompile(`<[^>]+>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// plain is the text of an HTML fragment as a reader sees it.
func plain(s string) string {
	return strings.TrimSpace(spaceRE.ReplaceAllString(tagRE.ReplaceAllString(s, " "), " "))
}

// statusLine is the text of the status line of question q (for unit) on an area page.
func statusLine(t *testing.T, body, q string, unit int64) string {
	t.Helper()
	id := "q-" + strings.ReplaceAll(q, ".", "_")
	if unit != 0 {
		id += fmt.Sprintf("-u%d", unit)
	}
	m := regexp.MustCompile(`(?s)<article class="q" id="` + id + `".*?<p class="astatus">(.*?)</p>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no status line for %s in the page", id)
	}
	return plain(m[1])
}

func actorOf(s *testserver.Server, key string, org vaern.Org) vaern.Actor {
	u := s.Fix.Users[key]
	return vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID}
}

// TestReviewShowsReviewer checks that an approved or returned answer names the coordinator who
// reviewed it, and the respondent only as the one who answered.
func TestReviewShowsReviewer(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		// The respondent may answer the area once it is delegated to them (checked in the store).
		if _, err := s.Store.CreateDelegation(ctx, actorOf(s, "A:coordinator", s.Fix.A), s.Fix.A.ID, vaern.Delegation{
			AssessmentID: id, ScopeKind: vaern.DelegateArea, ScopeRef: "GOV", AssigneeUserID: s.Fix.Users["A:respondent"].ID}, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"GOV-01", "GOV-02"} {
			if _, err := s.Store.SaveAnswer(ctx, actorOf(s, "A:respondent", s.Fix.A), s.Fix.A.ID, id, store.AnswerInput{QuestionID: q, Value: "dontknow"}); err != nil {
				t.Fatal(err)
			}
		}
		c := signIn(t, s, "A:coordinator")
		base := fmt.Sprintf("/baseline/%d/", id)
		wantStatus(t, "approve", c.post(base+"review", form("q", "GOV-01", "unit", "0", "action", "approve")), http.StatusSeeOther)
		wantStatus(t, "return", c.post(base+"review", form("q", "GOV-02", "unit", "0", "action", "return", "review_comment", "Mangler dato")), http.StatusSeeOther)
		page := c.get(base + "area?a=GOV")
		wantStatus(t, "area page", page, http.StatusOK)
		for q, want := range map[string]string{"GOV-01": "Approved by A:coordinator", "GOV-02": "Returned by A:coordinator"} {
			line := statusLine(t, page.Body, q, 0)
			if !strings.HasPrefix(line, want) || !strings.Contains(line, "answered by A:respondent") {
				t.Errorf("%s: status reads %q, want it to start %q and name A:respondent as the one who answered", q, line, want)
			}
		}
	})
}

// answerAll saves "don't know" to every organisation question of the assessment as the respondent.
func answerAll(t *testing.T, s *testserver.Server, id int64) int {
	t.Helper()
	ctx := context.Background()
	_, f, err := s.Store.Framework(ctx, baselineFor(t, s).framework)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, q := range f.Questions() {
		if q.Scope != "organisation" {
			continue
		}
		if _, err := s.Store.SaveAnswer(ctx, actorOf(s, "A:coordinator", s.Fix.A), s.Fix.A.ID, id, store.AnswerInput{QuestionID: q.ID, Value: "dontknow"}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func statuses(t *testing.T, s *testserver.Server, id int64) map[string]string {
	t.Helper()
	list, err := s.Store.Answers(context.Background(), s.Fix.A.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range list {
		out[a.QuestionID] = a.Status
	}
	return out
}

// TestBulkApproveAndSubmit approves ticked answers, then a whole focus area, then the rest, with
// plain form posts, and checks that the submit section says what is missing until everything is
// approved, and after submitting says the assessment is submitted.
func TestBulkApproveAndSubmit(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		total := answerAll(t, s, id)
		c := signIn(t, s, "A:coordinator")
		base := fmt.Sprintf("/baseline/%d/", id)

		page := c.get(base + "area?a=GOV")
		wantContains(t, "area page", page.Body, `id="ticked"`, `form="ticked" name="item" value="GOV-03|0"`)
		r := c.post(base+"approve", form("item_list", "1", "item", "GOV-03|0", "item", "RISK-01|0"), "Referer", s.URL+base+"area?a=GOV")
		wantRedirect(t, "approve ticked", r, base+"area?a=GOV")
		st := statuses(t, s, id)
		if st["GOV-03"] != "approved" || st["RISK-01"] != "approved" || st["GOV-01"] != "answered" {
			t.Fatalf("after approving the ticked: %v", st)
		}
		// None ticked approves nothing.
		wantStatus(t, "approve none ticked", c.post(base+"approve", form("item_list", "1")), http.StatusSeeOther)
		if st := statuses(t, s, id); st["GOV-01"] != "answered" {
			t.Fatalf("an empty tick list approved answers: %v", st)
		}

		// The submit section says how many are missing and where, and the button cannot be used.
		ov := c.get(base[:len(base)-1])
		wantContains(t, "overview", ov.Body, text(s, "rv.submit_blocked", total-2, total), `href="`+base+`area?a=GOV"`, `disabled aria-describedby="sub-why"`)
		r = c.post(base+"submit", form())
		wantStatus(t, "submit too early", r, http.StatusUnprocessableEntity)
		wantContains(t, "submit too early", r.Body, text(s, "rv.submit_blocked_alert", total-2))

		wantStatus(t, "approve area", c.post(base+"approve", form("a", "GOV", "unit", "0")), http.StatusSeeOther)
		st = statuses(t, s, id)
		for q, v := range st {
			if strings.HasPrefix(q, "GOV-") != (v == "approved") && q != "RISK-01" {
				t.Errorf("after approving GOV: %s is %s", q, v)
			}
		}
		wantStatus(t, "approve the rest", c.post(base+"approve", form()), http.StatusSeeOther)
		for q, v := range statuses(t, s, id) {
			if v != "approved" {
				t.Errorf("after approving all: %s is %s", q, v)
			}
		}
		n := 0
		for _, e := range auditActions(t, s, s.Fix.A.ID) {
			if e.Action == "answer.approve" {
				n++
			}
		}
		if n != total {
			t.Errorf("%d answer.approve audit rows, want %d", n, total)
		}
		wantRedirect(t, "submit", c.post(base+"submit", form()), base[:len(base)-1])
		ov = c.get(base[:len(base)-1])
		if strings.Contains(ov.Body, text(s, "bl.locked")) || !strings.Contains(ov.Body, "The assessment was submitted") {
			t.Errorf("after submitting, the page does not say the assessment is submitted:\n%s", ov.Body)
		}
		// Nothing can be approved any more.
		wantStatus(t, "approve after submit", c.post(base+"approve", form()), http.StatusUnprocessableEntity)
	})
}

// TestRespondentKeepsUnit follows the "all department questions" task and checks that every link
// between focus areas keeps the unit, so the respondent stays on pages they can answer.
func TestRespondentKeepsUnit(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		unit := s.Fix.UnitsA[1].ID
		if _, err := s.Store.CreateDelegation(ctx, vaern.System("test"), s.Fix.A.ID, vaern.Delegation{AssessmentID: id,
			ScopeKind: vaern.DelegateDepartment, AssigneeUnitID: unit, UnitID: unit, Due: s.Store.Now().Add(7 * 24 * time.Hour)}, nil); err != nil {
			t.Fatal(err)
		}
		c := signIn(t, s, "A:respondent")
		tasks := c.get("/tasks")
		link := regexp.MustCompile(`href="(/baseline/\d+/area\?a=[A-Z]+&amp;unit=\d+)"`).FindStringSubmatch(tasks.Body)
		if link == nil {
			t.Fatalf("no task link to a unit's questions:\n%s", tasks.Body)
		}
		path := strings.ReplaceAll(link[1], "&amp;", "&")
		for visited := 0; path != "" && visited < 20; visited++ {
			page := c.get(path)
			wantStatus(t, path, page, http.StatusOK)
			if !strings.Contains(page.Body, "data-autosave") {
				t.Errorf("%s: the respondent cannot answer here", path)
			}
			nav := regexp.MustCompile(`(?s)<nav class="area-nav".*?</nav>|<p class="pager">.*?</p>`).FindAllString(page.Body, -1)
			if len(nav) != 2 {
				t.Fatalf("%s: no area tabs and pager", path)
			}
			next := ""
			for _, h := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(strings.Join(nav, ""), -1) {
				if !strings.Contains(h[1], fmt.Sprintf("unit=%d", unit)) {
					t.Errorf("%s: link %s drops the unit", path, h[1])
				}
			}
			if m := regexp.MustCompile(`<a href="([^"]+)">[^<]*→</a>`).FindStringSubmatch(nav[1]); m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			path = next
		}
	})
}
