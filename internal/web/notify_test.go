package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// told is what each fixture person has been told, as "kind" lists keyed by the person, for every
// person of the fixture (so that a notice reaching the wrong person, in any member, shows).
func told(t *testing.T, s *testserver.Server, people map[string]vaern.User) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for key, u := range people {
		for _, org := range []vaern.Org{s.Fix.Centre, s.Fix.A, s.Fix.B} {
			ns, err := s.Store.Notifications(context.Background(), org.ID, u.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if (org.ID == s.Fix.A.ID) != strings.HasPrefix(key, "A:") && (org.ID == s.Fix.B.ID) != strings.HasPrefix(key, "B:") {
					t.Errorf("%s was told %s in organisation %d, which is not theirs", key, n.Kind, org.ID)
				}
				out[key] = append(out[key], n.Kind)
			}
		}
		sort.Strings(out[key])
	}
	return out
}

// expectTold compares what everyone was told with want (people missing from want were told nothing).
func expectTold(t *testing.T, step string, got map[string][]string, want map[string][]string) {
	t.Helper()
	for key, kinds := range got {
		w := append([]string(nil), want[key]...)
		sort.Strings(w)
		if strings.Join(kinds, ",") != strings.Join(w, ",") {
			t.Errorf("%s: %s was told %v, want %v", step, key, kinds, w)
		}
	}
}

// TestNotificationsReachTheRightPeople drives the real server: a round is opened, questions are
// delegated to a unit, an answer is returned and approved, a task is given an owner, and each
// event reaches exactly the people it concerns, in their language, in-app and by e-mail as they
// chose, and never anyone in another member or a viewer who cannot act.
func TestNotificationsReachTheRightPeople(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			// A viewer in the respondent's unit, who must never hear of questions for the unit.
			unit := s.Fix.UnitsA[1]
			uv, err := s.Store.CreateUser(ctx, vaern.System("test"), store.NewUser{Email: "unitviewer@aarhus.test.dk", Name: "Unit Viewer",
				Lang: "da", PasswordHash: "", OrgID: s.Fix.A.ID, Role: vaern.RoleViewer, UnitID: unit.ID})
			if err != nil {
				t.Fatal(err)
			}
			people := map[string]vaern.User{"A:unitviewer": uv}
			for k, u := range s.Fix.Users {
				people[k] = u
			}

			// 1. A round opened for A and B tells each member's coordinator, nobody else.
			f := baselineFor(t, s)
			want := map[string][]string{"A:coordinator": {notify.RoundOpened}, "B:coordinator": {notify.RoundOpened}}
			expectTold(t, "round opened", told(t, s, people), want)

			coord, resp, viewer := s.Login(t, "A:coordinator"), s.Login(t, "A:respondent"), s.Login(t, "A:viewer")
			aid := f.byOrg[s.Fix.A.ID]
			base := fmt.Sprintf("%s/baseline/%d", s.URL, aid)
			_, fw, err := s.Store.Framework(ctx, f.framework)
			if err != nil {
				t.Fatal(err)
			}
			var q *framework.Question
			for _, x := range fw.Questions() {
				if x.Scope == framework.ScopeOrganisation {
					q = x
					break
				}
			}
			before, _ := s.Store.Outbox(ctx, 1000)

			// 2. Delegating a question to the unit tells who can answer in it: the respondent, not the
			// viewer placed there, not the coordinator who delegated, not member B.
			due := s.Store.Now().AddDate(0, 0, 10).Format("2006-01-02")
			if st, _, body := postForm(t, coord, base+"/delegations", url.Values{"scope": {"q:" + q.ID}, "assignee": {fmt.Sprintf("g:%d", unit.ID)},
				"answer_unit": {"0"}, "due": {due}, "note": {"Se bilaget"}}); st != http.StatusSeeOther {
				t.Fatalf("delegate: %d %.400s", st, body)
			}
			want["A:respondent"] = []string{notify.Delegated}
			expectTold(t, "delegated", told(t, s, people), want)
			mails, _ := s.Store.Outbox(ctx, 1000)
			mails = mails[:len(mails)-len(before)]
			if len(mails) != 1 || mails[0].To != s.Fix.Users["A:respondent"].Email || !strings.Contains(mails[0].Subject, "Questions for you") ||
				!strings.Contains(mails[0].Body, q.ID) || !strings.Contains(mails[0].Body, due) || !strings.Contains(mails[0].Body, s.URL+"/tasks") {
				t.Fatalf("delegation e-mails %+v", mails)
			}

			// The bell shows the count, in the link's text; the page and the API list the notice.
			_, page := get(t, resp, s.URL+"/")
			if !regexp.MustCompile(`<a href="/notifications" class="bell">.*Notifications <span class="bell-count">1</span><span class="visually-hidden"> unread</span></a>`).MatchString(page) {
				t.Fatalf("no bell with one unread in the header")
			}
			_, page = get(t, resp, s.URL+"/notifications")
			if !strings.Contains(page, "Questions for you: Baseline") || !strings.Contains(page, `href="/tasks"`) {
				t.Fatalf("notifications page: %.2000s", page)
			}
			var list []map[string]any
			st, body := get(t, resp, s.URL+"/api/v1/notifications")
			if err := json.Unmarshal([]byte(body), &list); st != 200 || err != nil || len(list) != 1 {
				t.Fatalf("API: %d %v %s", st, err, body)
			}
			for _, k := range []string{"id", "kind", "created_at", "read", "title", "url"} {
				if _, ok := list[0][k]; !ok {
					t.Errorf("API notification lacks %q: %v", k, list[0])
				}
			}
			if list[0]["kind"] != notify.Delegated || list[0]["read"] != false || list[0]["url"] != s.URL+"/tasks" {
				t.Errorf("API notification %v", list[0])
			}
			nid := int64(list[0]["id"].(float64))
			// Another person cannot mark it read, nor see it.
			if st, _, _ := postForm(t, viewer, fmt.Sprintf("%s/notifications/%d/read", s.URL, nid), nil); st != http.StatusNotFound {
				t.Errorf("another person marking it read: %d, want 404", st)
			}
			if _, body := get(t, viewer, s.URL+"/api/v1/notifications"); strings.TrimSpace(body) != "[]" {
				t.Errorf("the viewer's API list: %s", body)
			}
			if st, _, _ := postForm(t, resp, fmt.Sprintf("%s/notifications/%d/read", s.URL, nid), nil); st != http.StatusSeeOther {
				t.Errorf("mark read: %d", st)
			}
			if _, body := get(t, resp, s.URL+"/api/v1/notifications?unread=true"); strings.TrimSpace(body) != "[]" {
				t.Errorf("unread after marking read: %s", body)
			}
			if _, page := get(t, resp, s.URL+"/"); strings.Contains(page, "bell-count") {
				t.Error("the bell still counts a read notification")
			}

			// 3. The respondent answers; the coordinator returns the answer, then approves it: the
			// respondent hears both, in their language, with the coordinator's comment.
			value := "3"
			if q.Answer == framework.AnswerYesPartlyNo {
				value = "yes"
			}
			if st, _, body := postForm(t, resp, base+"/answers", url.Values{"q": {q.ID}, "unit": {"0"}, "value": {value}}); st != http.StatusSeeOther {
				t.Fatalf("answer: %d %.300s", st, body)
			}
			if st, _, body := postForm(t, coord, base+"/review", url.Values{"q": {q.ID}, "unit": {"0"}, "action": {"return"},
				"review_comment": {"Tilføj kilden"}}); st != http.StatusSeeOther {
				t.Fatalf("return: %d %.300s", st, body)
			}
			if st, _, _ := postForm(t, resp, base+"/answers", url.Values{"q": {q.ID}, "unit": {"0"}, "value": {value}}); st != http.StatusSeeOther {
				t.Fatalf("answer again: %d", st)
			}
			if st, _, _ := postForm(t, coord, base+"/review", url.Values{"q": {q.ID}, "unit": {"0"}, "action": {"approve"}}); st != http.StatusSeeOther {
				t.Fatalf("approve: %d", st)
			}
			want["A:respondent"] = []string{notify.Delegated, notify.AnswerReturned, notify.AnswerApproved}
			expectTold(t, "reviewed", told(t, s, people), want)
			ns, _ := s.Store.Notifications(ctx, s.Fix.A.ID, s.Fix.Users["A:respondent"].ID, 10)
			if ns[1].Kind != notify.AnswerReturned || !strings.Contains(ns[1].Body, "Tilføj kilden") || !strings.HasPrefix(ns[1].URL, fmt.Sprintf("/baseline/%d/area?a=", aid)) {
				t.Errorf("returned notice %+v", ns[1])
			}

			// 4. A task given to the viewer tells the viewer (they read the action plan); saving it
			// again with the same owner tells nobody again.
			if st, _, body := postForm(t, coord, fmt.Sprintf("%s/reports/%d/actions", s.URL, aid), url.Values{"title": {"Skriv politikken"},
				"question": {q.ID}, "owner": {fmt.Sprint(s.Fix.Users["A:viewer"].ID)}}); st != http.StatusSeeOther {
				t.Fatalf("action: %d %.300s", st, body)
			}
			acts, _ := s.Store.Actions(ctx, s.Fix.A.ID)
			if st, _, _ := postForm(t, coord, fmt.Sprintf("%s/actions/%d", s.URL, acts[0].ID), url.Values{"title": {"Skriv politikken nu"},
				"owner": {fmt.Sprint(s.Fix.Users["A:viewer"].ID)}, "status": {vaern.ActionInProgress}}); st != http.StatusSeeOther {
				t.Fatalf("action update: %d", st)
			}
			want["A:viewer"] = []string{notify.ActionOwner}
			expectTold(t, "action owner", told(t, s, people), want)

			// 5. E-mail settings: the respondent switches delegation e-mails off and chooses the digest
			// for approvals; a legal deadline cannot be switched off.
			if st, _, _ := postForm(t, resp, s.URL+"/account/notifications", url.Values{"pref." + notify.Delegated: {"off"},
				"pref." + notify.AnswerApproved: {"digest"}}); st != http.StatusSeeOther {
				t.Fatalf("prefs: %d", st)
			}
			if st, _, body := postForm(t, resp, s.URL+"/account/notifications", url.Values{"pref." + notify.DPAReview: {"off"}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "cannot be switched off") {
				t.Fatalf("legal deadline off: %d %.300s", st, body)
			}
			_, page = get(t, resp, s.URL+"/account")
			if !strings.Contains(page, `<option value="off" selected>`) || !strings.Contains(page, "Legal deadline") {
				t.Errorf("account page does not show the choices")
			}
			before, _ = s.Store.Outbox(ctx, 1000)
			if st, _, _ := postForm(t, coord, base+"/delegations", url.Values{"scope": {"dept"}, "assignee": {fmt.Sprintf("u:%d", s.Fix.Users["A:respondent"].ID)},
				"answer_unit": {fmt.Sprint(unit.ID)}, "due": {due}}); st != http.StatusSeeOther {
				t.Fatalf("second delegation: %d", st)
			}
			after, _ := s.Store.Outbox(ctx, 1000)
			if len(after) != len(before) {
				t.Errorf("an e-mail went out although the respondent switched delegation e-mails off: %+v", after[0])
			}
			want["A:respondent"] = append(want["A:respondent"], notify.Delegated)
			expectTold(t, "delegated without e-mail", told(t, s, people), want)

			// Mark all read empties the bell.
			if st, _, _ := postForm(t, resp, s.URL+"/notifications/read", nil); st != http.StatusSeeOther {
				t.Fatalf("mark all read: %d", st)
			}
			if n, _ := s.Store.UnreadNotifications(ctx, s.Fix.A.ID, s.Fix.Users["A:respondent"].ID); n != 0 {
				t.Errorf("%d unread after marking all read", n)
			}
		})
	}
}
