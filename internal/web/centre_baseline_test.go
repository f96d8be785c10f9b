package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

const brokenFrameworkYAML = `format: vaern-framework/1
id: Bad_Id
version: "2026"
languages: [da]
title: {da: Prøve}
scale: []
areas:
  - id: GOV
    title: {da: Styring}
    questions:
      - id: GOV-01
        text: {da: Er der en politik?}
        audience: everyone
        scope: organisation
        answer: maturity
        weight: 0
        target: 3
        recommendations: {}
`

// upload posts a multipart form with one file and the given fields.
func bcUpload(t *testing.T, c *http.Client, target, filename string, data []byte, fields url.Values) (int, string, http.Header) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func bcGet(t *testing.T, c *http.Client, target string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func bcPost(t *testing.T, c *http.Client, target string, form url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := c.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func bcDocsExample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../../docs/frameworks.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "```yaml\nformat: vaern-framework/1")
	if i < 0 {
		t.Fatal("docs/frameworks.md has no complete example")
	}
	s = s[i+len("```yaml\n"):]
	return []byte(s[:strings.Index(s, "```")])
}

func TestCentreBaseline(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) { testCentreBaseline(t, e) })
	}
}

func testCentreBaseline(t *testing.T, e store.Engine) {
	s := testserver.Start(t, e, testserver.Options{})
	ctx := context.Background()
	centre := s.Fix.Centre
	baselineInfo := centreFramework(t, s)
	admin := s.Login(t, "centre-admin")
	analyst := s.Login(t, "centre-analyst")
	countFrameworks := func() int {
		list, err := s.Store.Frameworks(ctx, centre.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}

	t.Run("import with errors shows every problem and saves nothing", func(t *testing.T) {
		before := countFrameworks()
		status, body, _ := bcUpload(t, admin, s.URL+"/centre/frameworks/import", "gov.yaml", []byte(brokenFrameworkYAML), url.Values{"finished": {"on"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", status)
		}
		_, err := framework.Parse("gov.yaml", []byte(brokenFrameworkYAML))
		var ve *framework.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) < 4 {
			t.Fatalf("the broken file should have several problems: %v", err)
		}
		for _, p := range ve.Problems {
			want := fmt.Sprintf("<code>gov.yaml:%d</code> line %d", p.Line, p.Line)
			if !strings.Contains(body, want) || !strings.Contains(body, html.EscapeString(p.Message)) ||
				(p.Field != "" && !strings.Contains(body, "<code>"+html.EscapeString(p.Field)+"</code>")) {
				t.Errorf("the page does not show problem %s", p)
			}
		}
		if strings.Count(body, "<li><code>gov.yaml:") != len(ve.Problems) {
			t.Errorf("the page lists %d problems, want %d", strings.Count(body, "<li><code>gov.yaml:"), len(ve.Problems))
		}
		if n := countFrameworks(); n != before {
			t.Errorf("%d frameworks after a rejected import, want %d", n, before)
		}
		// Not a file at all.
		status, body, _ = bcPost(t, admin, s.URL+"/centre/frameworks/import", url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="fw-file-error"`) {
			t.Errorf("import without a file: %d", status)
		}
		if status, _, _ := bcUpload(t, analyst, s.URL+"/centre/frameworks/import", "gov.yaml", bcDocsExample(t), nil); status != http.StatusForbidden {
			t.Errorf("an analyst imported a framework: %d", status)
		}
	})

	var exampleID string
	t.Run("import, read and export", func(t *testing.T) {
		src := bcDocsExample(t)
		status, _, h := bcUpload(t, admin, s.URL+"/centre/frameworks/import", "example.yaml", src, url.Values{"finished": {"on"}})
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/centre/frameworks/") {
			t.Fatalf("import: %d %s", status, h.Get("Location"))
		}
		exampleID = strings.TrimPrefix(h.Get("Location"), "/centre/frameworks/")
		info, err := s.Store.FrameworkByVersion(ctx, centre.ID, "example-basic", "2026")
		if err != nil || info.Draft || fmt.Sprint(info.ID) != exampleID {
			t.Fatalf("stored framework: %+v %v", info, err)
		}
		for _, c := range []*http.Client{admin, analyst} {
			status, body, _ := bcGet(t, c, s.URL+"/centre/frameworks/"+exampleID)
			for _, want := range []string{"Example of a small framework", "Is restoring from backups tested?", "Restore one important system",
				"iso27001:A.8.13", "Departments", "By each unit", "Changes from the previous version", "Changed", "Removed", "New",
				"Restoring is tested when someone remembers to."} {
				if !strings.Contains(body, want) {
					t.Errorf("framework page (status %d) lacks %q", status, want)
				}
			}
			if strings.Contains(body, "⟦bc.") {
				t.Errorf("framework page shows an untranslated key: %s", body[strings.Index(body, "⟦bc."):][:60])
			}
		}
		status, body, h := bcGet(t, analyst, s.URL+"/centre/frameworks/"+exampleID+"/export?format=yaml")
		if status != 200 || body != string(src) || h.Get("Content-Disposition") != `attachment; filename="example-basic-2026.yaml"` {
			t.Errorf("export yaml: %d %q, equal %v", status, h.Get("Content-Disposition"), body == string(src))
		}
		status, body, h = bcGet(t, admin, s.URL+"/centre/frameworks/"+exampleID+"/export?format=json")
		if status != 200 || !strings.HasPrefix(body, "{") || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("export json: %d %s", status, h.Get("Content-Type"))
		}
		if status, _, _ := bcGet(t, admin, s.URL+"/centre/frameworks/"+exampleID+"/export?format=xml"); status != http.StatusBadRequest {
			t.Errorf("export xml: %d", status)
		}
		// The same finished version again is refused, by name.
		status, body, _ = bcUpload(t, admin, s.URL+"/centre/frameworks/import", "example.yaml", src, nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "already exists") {
			t.Errorf("second import: %d", status)
		}
		status, body, _ = bcGet(t, analyst, s.URL+"/centre/frameworks")
		if status != 200 || !strings.Contains(body, "example-basic") || strings.Contains(body, `action="/centre/frameworks/import"`) {
			t.Errorf("the analyst's framework list: %d", status)
		}
	})

	t.Run("OSCAL import via the UI", func(t *testing.T) {
		status, body, _ := bcUpload(t, admin, s.URL+"/centre/frameworks/import-oscal", "notes.json", []byte(`{"hello": "world"}`), nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "<li><code>notes.json:") {
			t.Errorf("a JSON file that is no catalogue: %d", status)
		}
		data := os.Getenv("VAERN_TESTDATA")
		if data == "" {
			t.Skip("VAERN_TESTDATA is not set")
		}
		catalog, err := os.ReadFile(filepath.Join(data, "oscal", "basic-catalog.json"))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // importing it again replaces the draft
			status, _, h := bcUpload(t, admin, s.URL+"/centre/frameworks/import-oscal", "basic-catalog.json", catalog, nil)
			if status != http.StatusSeeOther {
				t.Fatalf("OSCAL import: %d", status)
			}
			info, err := s.Store.FrameworkByVersion(ctx, centre.ID, "oscal-sample-security-catalog-for-demonstration-and-testing", "1.1")
			if err != nil || !info.Draft || h.Get("Location") != fmt.Sprintf("/centre/frameworks/%d", info.ID) {
				t.Fatalf("OSCAL draft: %+v %v %s", info, err, h.Get("Location"))
			}
			_, body, _ := bcGet(t, admin, s.URL+h.Get("Location"))
			if !strings.Contains(body, "Draft") || !strings.Contains(body, "oscal:") {
				t.Errorf("the draft's page does not say it is a draft")
			}
		}
	})

	today := s.Store.Now().In(bcCopenhagen(t))
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	var roundID string
	t.Run("create a round", func(t *testing.T) {
		status, body, _ := bcPost(t, admin, s.URL+"/centre/rounds", url.Values{"year": {"twenty"}, "title": {" "}, "framework": {""},
			"opens_at": {"2026-13-01"}, "closes_at": {""}, "scope": {"pick"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid round: %d", status)
		}
		for _, field := range []string{"year", "title", "framework", "opens_at", "closes_at", "members"} {
			if !strings.Contains(body, `id="`+field+`-error"`) || !strings.Contains(body, `aria-describedby="`+field+`-error"`) &&
				!strings.Contains(body, field+`-error"`) {
				t.Errorf("the form does not name field %s", field)
			}
		}
		// A draft cannot be used; the closing day must follow the opening day.
		draft, err := s.Store.SaveFramework(ctx, vaern.System("test"), centre.ID, bcMustParse(t, bytes.Replace(bcDocsExample(t),
			[]byte(`version: "2026"`), []byte(`version: "2099"`), 1)), false, true)
		if err != nil {
			t.Fatal(err)
		}
		status, body, _ = bcPost(t, admin, s.URL+"/centre/rounds", url.Values{"year": {"2026"}, "title": {"Kladde"},
			"framework": {fmt.Sprint(draft.ID)}, "opens_at": {day(0)}, "closes_at": {day(30)}, "scope": {"all"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="framework-error"`) {
			t.Errorf("round with a draft framework: %d", status)
		}
		status, body, _ = bcPost(t, admin, s.URL+"/centre/rounds", url.Values{"year": {"2026"}, "title": {"Bagvendt"},
			"framework": {fmt.Sprint(baselineInfo.ID)}, "opens_at": {day(5)}, "closes_at": {day(2)}, "scope": {"filter"}, "country": {"SE"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="closes_at-error"`) || !strings.Contains(body, `id="members-error"`) {
			t.Errorf("round closing before it opens: %d", status)
		}
		if status, _, _ := bcPost(t, analyst, s.URL+"/centre/rounds", url.Values{}); status != http.StatusForbidden {
			t.Errorf("an analyst created a round: %d", status)
		}

		// Only the Norwegian members.
		status, _, h := bcPost(t, admin, s.URL+"/centre/rounds", url.Values{"year": {"2026"}, "title": {"Kun Norge"},
			"framework": {fmt.Sprint(baselineInfo.ID)}, "opens_at": {day(0)}, "closes_at": {day(30)}, "scope": {"filter"}, "country": {"NO"}})
		if status != http.StatusSeeOther {
			t.Fatalf("round for Norway: %d", status)
		}
		var id int64
		fmt.Sscanf(strings.TrimPrefix(h.Get("Location"), "/centre/rounds/"), "%d", &id)
		r, err := s.Store.Round(ctx, centre.ID, id)
		if err != nil || r.Members != 1 {
			t.Fatalf("round for Norway: %+v %v", r, err)
		}
		// Every member, closing at the end of the chosen day in Copenhagen.
		status, _, h = bcPost(t, admin, s.URL+"/centre/rounds", url.Values{"year": {"2026"}, "title": {"Baseline 2026"},
			"framework": {fmt.Sprint(baselineInfo.ID)}, "opens_at": {day(0)}, "closes_at": {day(30)}, "scope": {"all"}})
		if status != http.StatusSeeOther {
			t.Fatalf("round for all: %d", status)
		}
		roundID = strings.TrimPrefix(h.Get("Location"), "/centre/rounds/")
		fmt.Sscanf(roundID, "%d", &id)
		r, err = s.Store.Round(ctx, centre.ID, id)
		if err != nil || r.Members != 2 {
			t.Fatalf("round for all: %+v %v", r, err)
		}
		wantClose := time.Date(today.Year(), today.Month(), today.Day()+31, 0, 0, 0, 0, bcCopenhagen(t))
		if !r.ClosesAt.Equal(wantClose) {
			t.Errorf("closes at %s, want %s", r.ClosesAt, wantClose)
		}
		_, body, _ = bcGet(t, admin, s.URL+"/centre/rounds")
		if !strings.Contains(body, "Baseline 2026") || !strings.Contains(body, "0 of 2") || !strings.Contains(body, day(30)) {
			t.Errorf("the round list does not show the round with its participation and last day %s:\n%s", day(30), body)
		}
	})

	t.Run("participation shows statuses, never answers", func(t *testing.T) {
		if roundID == "" {
			t.Skip("no round")
		}
		assessments, err := s.Store.Assessments(ctx, s.Fix.A.ID)
		if err != nil {
			t.Fatal(err)
		}
		var a vaern.Assessment
		for _, x := range assessments {
			if fmt.Sprint(x.RoundID) == roundID {
				a = x
			}
		}
		_, fw, err := s.Store.Framework(ctx, baselineInfo.ID)
		if err != nil {
			t.Fatal(err)
		}
		coord := s.Fix.Users["A:coordinator"]
		const secret = "ZEBRA-SECRET-4711"
		if _, err := s.Store.SaveAnswer(ctx, vaern.Actor{UserID: coord.ID, OrgID: s.Fix.A.ID}, s.Fix.A.ID, a.ID,
			store.AnswerInput{QuestionID: fw.Questions()[0].ID, Value: "dontknow", Comment: secret + " vores backup er ikke testet"}); err != nil {
			t.Fatal(err)
		}
		// Submitting needs every answer approved: the rest come in approved, the first is approved.
		var rest []store.AnswerInput
		for _, q := range fw.Questions()[1:] {
			if q.Scope == framework.ScopeOrganisation {
				rest = append(rest, store.AnswerInput{QuestionID: q.ID, Value: "dontknow"})
			}
		}
		if err := s.Store.ImportAnswers(ctx, vaern.System("test"), s.Fix.A.ID, a.ID, rest, true); err != nil {
			t.Fatal(err)
		}
		if err := s.Store.ReviewAnswer(ctx, vaern.Actor{UserID: coord.ID, OrgID: s.Fix.A.ID}, s.Fix.A.ID, a.ID, fw.Questions()[0].ID, 0, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.Store.SubmitAssessment(ctx, vaern.Actor{UserID: coord.ID, OrgID: s.Fix.A.ID}, s.Fix.A.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		_, body, _ := bcGet(t, admin, s.URL+"/centre/rounds/"+roundID)
		if !strings.Contains(body, "Aarhus") || !strings.Contains(body, "Bergen") || !strings.Contains(body, "Submitted") ||
			!strings.Contains(body, "1 of 2") || !strings.Contains(body, day(0)) {
			t.Errorf("the participation page does not show the members' statuses")
		}
		pages := []string{"/centre/rounds", "/centre/rounds/" + roundID, "/centre/frameworks", "/centre/frameworks/" + fmt.Sprint(baselineInfo.ID),
			"/centre/members", fmt.Sprintf("/centre/members/%d", s.Fix.A.ID), "/"}
		for _, c := range []*http.Client{admin, analyst} {
			for _, p := range pages {
				status, body, _ := bcGet(t, c, s.URL+p)
				if status != 200 || strings.Contains(body, "ZEBRA") || strings.Contains(body, "backup er ikke testet") {
					t.Errorf("%s: status %d, or it shows a member's answer", p, status)
				}
			}
		}
	})

	t.Run("reopen with a reason", func(t *testing.T) {
		if roundID == "" {
			t.Skip("no round")
		}
		var a vaern.Assessment
		list, _ := s.Store.Assessments(ctx, s.Fix.A.ID)
		for _, x := range list {
			if fmt.Sprint(x.RoundID) == roundID {
				a = x
			}
		}
		status, body, _ := bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/reopen", url.Values{"assessment": {fmt.Sprint(a.ID)},
			"reason": {"  "}, "until": {day(-1)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) || !strings.Contains(body, `id="until-error"`) {
			t.Fatalf("reopen without a reason: %d", status)
		}
		// An assessment of another round is not this round's.
		other, _ := s.Store.Assessments(ctx, s.Fix.B.ID)
		status, body, _ = bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/reopen", url.Values{"assessment": {fmt.Sprint(other[len(other)-1].ID)},
			"reason": {"x"}, "until": {day(3)}})
		if other[len(other)-1].RoundID != a.RoundID && (status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="assessment-error"`)) {
			t.Errorf("reopen of another round's assessment: %d", status)
		}
		const reason = "Strømsvigt på indsendelsesdagen"
		status, _, _ = bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/reopen", url.Values{"assessment": {fmt.Sprint(a.ID)},
			"reason": {reason}, "until": {day(7)}})
		if status != http.StatusSeeOther {
			t.Fatalf("reopen: %d", status)
		}
		for _, org := range []int64{centre.ID, s.Fix.A.ID} {
			entries, err := s.Store.AuditLog(ctx, org, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, en := range entries {
				found = found || (en.Action == "assessment.reopen" && strings.Contains(en.Detail, reason))
			}
			if !found {
				t.Errorf("no reopen row with the reason in the audit chain of org %d", org)
			}
		}
		_, body, _ = bcGet(t, admin, s.URL+"/centre/rounds/"+roundID)
		if !strings.Contains(body, "Reopened") || !strings.Contains(body, day(7)) {
			t.Errorf("the participation page does not show the reopening")
		}
		if status, _, _ := bcPost(t, analyst, s.URL+"/centre/rounds/"+roundID+"/reopen", url.Values{}); status != http.StatusForbidden {
			t.Errorf("an analyst reopened: %d", status)
		}
	})

	t.Run("close", func(t *testing.T) {
		if roundID == "" {
			t.Skip("no round")
		}
		status, body, _ := bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/close", url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="confirm-error"`) {
			t.Fatalf("close without confirmation: %d", status)
		}
		status, _, _ = bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/close", url.Values{"confirm": {"yes"}})
		if status != http.StatusSeeOther {
			t.Fatalf("close: %d", status)
		}
		var id int64
		fmt.Sscanf(roundID, "%d", &id)
		r, err := s.Store.Round(ctx, centre.ID, id)
		if err != nil || r.Status != vaern.RoundClosed {
			t.Fatalf("round after closing: %+v %v", r, err)
		}
		list, _ := s.Store.Assessments(ctx, s.Fix.B.ID)
		for _, a := range list {
			if a.RoundID == id {
				_, err := s.Store.SaveAnswer(ctx, vaern.Actor{UserID: s.Fix.Users["B:coordinator"].ID, OrgID: s.Fix.B.ID}, s.Fix.B.ID, a.ID,
					store.AnswerInput{QuestionID: "GOV-01", Value: "3"})
				if !errors.Is(err, store.ErrLocked) {
					t.Errorf("answer after closing: %v, want ErrLocked", err)
				}
			}
		}
		_, body, _ = bcGet(t, admin, s.URL+"/centre/rounds/"+roundID)
		if strings.Contains(body, `action="/centre/rounds/`+roundID+`/close"`) {
			t.Errorf("a closed round still offers to close it")
		}
		if status, _, _ := bcPost(t, admin, s.URL+"/centre/rounds/"+roundID+"/close", url.Values{"confirm": {"yes"}}); status != http.StatusUnprocessableEntity {
			t.Errorf("closing a closed round: %d", status)
		}
	})
}

func bcMustParse(t *testing.T, src []byte) *framework.Framework {
	t.Helper()
	fw, err := framework.Parse("test.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

func bcCopenhagen(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
