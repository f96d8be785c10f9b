package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // round dates are Copenhagen dates

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
)

// TestBaselineWholeLoop drives one baseline round from start to end through the real pages, with
// every page checked by checkPage (landmarks and axe-core):
//
//   - the centre admin imports a small framework through the upload form and opens a round for the
//     Norwegian member B;
//   - B's coordinator (switching to Norwegian with the header's language select) delegates the
//     unit questions' focus area to the respondent's unit;
//   - the respondent (switching to Norwegian on the account page) finds the task on "Mine
//     oppgaver" and answers both questions with plain form posts, without JavaScript, and once more
//     with the autosave script;
//   - the coordinator returns one answer with a comment and approves the other; the respondent sees
//     the comment, fixes the answer, and the coordinator approves it, answers and approves the
//     organisation questions, and submits (accepting the confirm dialog);
//   - the centre admin closes the round and sees B as closed, never its answers;
//   - afterwards the answers are locked for everyone: no form on the page, and direct posts are
//     refused without changing the stored answers; the history shows every step with its person.
func TestBaselineWholeLoop(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	st := e.srv.Store
	bg := context.Background()
	if _, err := st.InstallBuiltinFrameworks(bg, f.Centre.ID); err != nil {
		t.Fatalf("install the built-in frameworks: %v", err)
	}
	copenhagen, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	const nb = "nb"
	unit := f.UnitsB[1] // the respondent's unit
	u := strconv.FormatInt(unit.ID, 10)
	respondent, coordinator := f.Users["B:respondent"], f.Users["B:coordinator"]

	// ---- 1. The centre admin imports the small framework, marked as finished. ----
	admin := e.tab(t, true)
	if got := signIn(t, admin, e.base, f.Users["centre-admin"].Email); got != "/" {
		t.Fatalf("centre admin landed on %s, want /", got)
	}
	visit(t, admin, e.base+"/centre/frameworks")
	file := filepath.Join(t.TempDir(), "e2e-loop.yaml")
	if err := os.WriteFile(file, []byte(blLoopFrameworkYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, admin, "choose the framework file and mark it finished",
		chromedp.SetUploadFiles(chromedp.ID("fw-file"), []string{file}),
		chromedp.Click(chromedp.ID("fw-finished")))
	blSubmit(t, admin, "import the framework", `form[action="/centre/frameworks/import"] button[type="submit"]`, 200)
	fwInfo, err := st.FrameworkByVersion(bg, f.Centre.ID, "e2e-loop", "2026")
	if err != nil {
		t.Fatalf("the imported framework is not stored: %v", err)
	}
	if fwInfo.Draft || fwInfo.Questions != 4 {
		t.Fatalf("imported framework: draft %v, %d questions; want finished with 4", fwInfo.Draft, fwInfo.Questions)
	}
	if got, want := currentPath(t, admin), fmt.Sprintf("/centre/frameworks/%d", fwInfo.ID); got != want {
		t.Errorf("after the import the browser is on %s, want %s", got, want)
	}
	if got, want := blFlash(t, admin), blText(t, "en", "bc.flash.framework_imported"); got != want {
		t.Errorf("import flash %q, want %q", got, want)
	}

	// ---- 2. The centre admin opens a round for member B, closing in four days. ----
	today := time.Now().In(copenhagen)
	closes := today.AddDate(0, 0, 4).Format(time.DateOnly)
	const roundTitle = "Baseline-runde e2e"
	visit(t, admin, e.base+"/centre/rounds/new")
	do(t, admin, "fill in the new round",
		chromedp.SendKeys(chromedp.ID("r-title"), roundTitle),
		chromedp.SetValue(chromedp.ID("r-framework"), strconv.FormatInt(fwInfo.ID, 10)),
		chromedp.SetValue(chromedp.ID("r-closes"), closes),
		chromedp.Click(chromedp.ID("scope-pick")),
		chromedp.SetValue(chromedp.ID("r-members"), strconv.FormatInt(f.B.ID, 10)))
	blSubmit(t, admin, "open the round", `form[action="/centre/rounds"] button[type="submit"]`, 200)
	roundPath := currentPath(t, admin)
	roundID, err := strconv.ParseInt(strings.TrimPrefix(roundPath, "/centre/rounds/"), 10, 64)
	if err != nil {
		t.Fatalf("after opening the round the browser is on %s, want /centre/rounds/ID", roundPath)
	}
	if got, want := blFlash(t, admin), blText(t, "en", "bc.flash.round_created"); got != want {
		t.Errorf("round flash %q, want %q", got, want)
	}
	members := blTextOf(t, admin, `section[aria-labelledby="members-h"] tbody`)
	if !strings.Contains(members, f.B.Name) || strings.Contains(members, f.A.Name) {
		t.Errorf("the round's participants read %q, want %s only", members, f.B.Name)
	}
	var assessmentID int64
	list, err := st.Assessments(bg, f.B.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.RoundID == roundID {
			assessmentID = a.ID
		}
	}
	if assessmentID == 0 {
		t.Fatalf("member %s has no assessment in round %d", f.B.Name, roundID)
	}
	if aList, _ := st.Assessments(bg, f.A.ID); len(aList) != 0 {
		t.Errorf("member %s was not picked but has %d assessments", f.A.Name, len(aList))
	}
	aid := strconv.FormatInt(assessmentID, 10)
	overview := "/baseline/" + aid
	unitArea := overview + "/area?a=UNIT&unit=" + u
	orgArea := overview + "/area?a=ORG"

	// ---- 3. B's coordinator switches to Norwegian and delegates the UNIT area to the unit. ----
	coord := e.tab(t, true)
	dialogs := blAcceptDialogs(t, coord)
	if got := signIn(t, coord, e.base, coordinator.Email); got != "/" {
		t.Fatalf("coordinator landed on %s, want /", got)
	}
	switchLanguage(t, coord, nb)
	assertLang(t, coord, nb)
	checkPage(t, coord, "coordinator's dashboard in nb")
	visit(t, coord, e.base+"/baseline")
	if got, want := h1(t, coord), blText(t, nb, "bl.title"); got != want {
		t.Errorf("coordinator's /baseline h1 %q, want %q", got, want)
	}
	blSubmit(t, coord, "open the assessment from /baseline", `main a[href="`+overview+`"]`, 200)
	if got := h1(t, coord); !strings.Contains(got, roundTitle) {
		t.Errorf("the assessment's h1 reads %q, want the round title %q", got, roundTitle)
	}
	due := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	const note = "Svar gjerne innen fredag."
	do(t, coord, "fill in the delegation",
		chromedp.SetValue(chromedp.ID("d-scope"), "a:UNIT"),
		chromedp.SetValue(chromedp.ID("d-assignee"), "g:"+u),
		chromedp.SetValue(chromedp.ID("d-due"), due),
		chromedp.SendKeys(chromedp.ID("d-note"), note))
	blSubmit(t, coord, "delegate the UNIT area", `form[action="`+overview+`/delegations"] button[type="submit"]`, 200)
	if got := currentPath(t, coord); got != overview {
		t.Errorf("after delegating the browser is on %s, want %s", got, overview)
	}
	if got, want := blFlash(t, coord), blText(t, nb, "bl.flash.delegated"); got != want {
		t.Errorf("delegation flash %q, want %q", got, want)
	}
	if n := blCount(t, coord, `section[aria-labelledby="dl-h"] tbody tr`); n != 1 {
		t.Errorf("the delegation table has %d rows, want 1", n)
	}
	row := blTextOf(t, coord, `section[aria-labelledby="dl-h"] tbody tr`)
	for _, want := range []string{"UNIT", unit.Name, due, note} {
		if !strings.Contains(row, want) {
			t.Errorf("the delegation row reads %q, want it to name %q", row, want)
		}
	}

	// ---- 4. The respondent, in Norwegian, answers both questions with plain form posts. ----
	resp := e.tab(t, false) // no JavaScript: the Save buttons post the forms
	if got := signIn(t, resp, e.base, respondent.Email); got != "/" {
		t.Fatalf("respondent landed on %s, want /", got)
	}
	visit(t, resp, e.base+"/account")
	do(t, resp, "choose Norsk bokmål on the account page", chromedp.SetValue(chromedp.ID("plang"), nb))
	blSubmit(t, resp, "save the profile in nb", `form[action="/account/profile"] button[type="submit"]`, 200)
	assertLang(t, resp, nb)
	if got, want := blTextOf(t, resp, `nav.main-nav a[href="/tasks"]`), blText(t, nb, "nav.tasks"); got != want {
		t.Errorf("the respondent's navigation reads %q for /tasks, want %q", got, want)
	}
	visit(t, resp, e.base+"/tasks")
	if lang := eval[string](t, resp, "read html lang", `document.documentElement.lang`); lang != nb {
		t.Errorf("/tasks: <html lang=%q>, want nb", lang)
	}
	if got, want := h1(t, resp), blText(t, nb, "bl.tasks_title"); got != want || want != "Mine oppgaver" {
		t.Errorf("/tasks h1 %q, want %q", got, want)
	}
	task := blTextOf(t, resp, "main tbody tr")
	for _, want := range []string{"Enhetens praksis", roundTitle, blTextf(t, nb, "bl.n_of_m", "0", "2"), note} {
		if !strings.Contains(task, want) {
			t.Errorf("the task reads %q, want it to contain %q", task, want)
		}
	}
	blSubmit(t, resp, "follow the task link", `main tbody a[href^="/baseline/"]`, 200)
	if got := currentPath(t, resp); got != unitArea {
		t.Errorf("the task link leads to %s, want %s", got, unitArea)
	}
	if got, want := h1(t, resp), "UNIT · Enhetens praksis – "+unit.Name; got != want {
		t.Errorf("area page h1 %q, want %q", got, want)
	}
	q1, q2 := "#q-UNIT-01-u"+u, "#q-UNIT-02-u"+u
	const comment1, comment2 = "Rutinene finnes, men er ikke skrevet ned.", "Kurset er ikke holdt i år."
	answer := func(ctx context.Context, who, q, value, comment string) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(q + ` label.opt input[name=value][value="` + value + `"]`))}
		if comment != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(q+" textarea[name=comment]"), comment))
		}
		do(t, ctx, who+" answers "+q, steps...)
		blSubmit(t, ctx, who+" saves "+q, q+` form.answer button[type="submit"]`, 200)
		if got, want := blFlash(t, ctx), blText(t, nb, "bl.flash.saved"); got != want {
			t.Errorf("%s saves %s: flash %q, want %q", who, q, got, want)
		}
		if got, want := blTextOf(t, ctx, q+" .astatus .badge"), blText(t, nb, "bl.status.answered"); got != want {
			t.Errorf("%s saves %s: status %q, want %q", who, q, got, want)
		}
		if !eval[bool](t, ctx, "read the chosen value", `!!document.querySelector('`+q+` input[name=value][value="`+value+`"]:checked')`) {
			t.Errorf("%s saves %s: the page does not show %q chosen", who, q, value)
		}
	}
	answer(resp, "the respondent", q1, "2", comment1)
	answer(resp, "the respondent", q2, "no", comment2)
	stored := func(q string) vaern.Answer {
		t.Helper()
		a, err := st.AnswerFor(bg, f.B.ID, assessmentID, q, unit.ID)
		if err != nil {
			t.Fatalf("answer %s: %v", q, err)
		}
		return a
	}
	if a := stored("UNIT-01"); a.Value != "2" || a.Comment != comment1 || a.Status != vaern.AnswerAnswered || a.AnsweredBy != respondent.ID {
		t.Errorf("stored UNIT-01: value %q comment %q status %q by %d", a.Value, a.Comment, a.Status, a.AnsweredBy)
	}

	// Once more with JavaScript: a changed answer saves itself.
	respJS := e.tab(t, true)
	if got := signIn(t, respJS, e.base, respondent.Email); got != "/" {
		t.Fatalf("respondent (JavaScript) landed on %s, want /", got)
	}
	assertLang(t, respJS, nb) // the profile keeps the language
	visit(t, respJS, e.base+unitArea)
	do(t, respJS, "change UNIT-02 to partly", chromedp.Click(chromedp.CSS(q2+` label.opt input[name=value][value="partly"]`)))
	blWaitText(t, respJS, "autosave UNIT-02", q2+" .save-state", blText(t, nb, "bl.saved"))
	if a := stored("UNIT-02"); a.Value != "partly" || a.Comment != comment2 || a.Status != vaern.AnswerAnswered {
		t.Errorf("after autosave UNIT-02: value %q comment %q status %q", a.Value, a.Comment, a.Status)
	}
	checkPage(t, respJS, "area page after autosave")

	// ---- 5. Review: return UNIT-01, approve UNIT-02; the respondent fixes UNIT-01. ----
	const returnComment = "Nivå 2 stemmer ikke: rutinene ble godkjent i mai."
	visit(t, coord, e.base+overview)
	blSubmit(t, coord, "open the UNIT area", `main a[href="`+overview+`/area?a=UNIT"]`, 200)
	blSubmit(t, coord, "open the unit's questions", `main a[href="`+unitArea+`"]`, 200)
	do(t, coord, "write the return comment", chromedp.SendKeys(chromedp.CSS(q1+" textarea[name=review_comment]"), returnComment))
	blSubmit(t, coord, "return UNIT-01", q1+` form.review button[value="return"]`, 200)
	if got, want := blFlash(t, coord), blText(t, nb, "bl.flash.returned"); got != want {
		t.Errorf("return flash %q, want %q", got, want)
	}
	blSubmit(t, coord, "approve UNIT-02", q2+` form.review button[value="approve"]`, 200)
	if got, want := blFlash(t, coord), blText(t, nb, "bl.flash.approved"); got != want {
		t.Errorf("approve flash %q, want %q", got, want)
	}

	visit(t, resp, e.base+"/tasks")
	task = blTextOf(t, resp, "main tbody tr")
	if got, want := blTextOf(t, resp, "main tbody .badge.s-returned"), blTextf(t, nb, "bl.n_returned", "1"); got != want {
		t.Errorf("/tasks shows the returned count %q, want %q (row %q)", got, want, task)
	}
	if want := blTextf(t, nb, "bl.n_of_m", "2", "2"); !strings.Contains(task, want) {
		t.Errorf("the task reads %q, want %q", task, want)
	}
	blSubmit(t, resp, "follow the task link again", `main tbody a[href^="/baseline/"]`, 200)
	if got, want := blTextOf(t, resp, q1+" p.returned"), blText(t, nb, "bl.returned_with")+" "+returnComment; got != want {
		t.Errorf("the returned answer's note reads %q, want %q", got, want)
	}
	if got, want := blTextOf(t, resp, q1+" .astatus .badge"), blText(t, nb, "bl.status.returned"); got != want {
		t.Errorf("the returned answer's status %q, want %q", got, want)
	}
	if n := blCount(t, resp, q2+" form.answer"); n != 0 {
		t.Errorf("the approved UNIT-02 still offers the respondent %d answer forms", n)
	}
	answer(resp, "the respondent", q1, "3", "")

	visit(t, coord, e.base+unitArea)
	blSubmit(t, coord, "approve the fixed UNIT-01", q1+` form.review button[value="approve"]`, 200)

	// The coordinator answers the organisation questions (autosave) and approves them. (The tabs
	// of a unit's page keep to that unit's questions, so the organisation's area is opened from
	// its address.)
	visit(t, coord, e.base+orgArea)
	for _, x := range []struct{ q, value string }{{"#q-ORG-01", "3"}, {"#q-ORG-02", "yes"}} {
		do(t, coord, "answer "+x.q, chromedp.Click(chromedp.CSS(x.q+` label.opt input[name=value][value="`+x.value+`"]`)))
		blWaitText(t, coord, "autosave "+x.q, x.q+" .save-state", blText(t, nb, "bl.saved"))
	}
	visit(t, coord, e.base+orgArea)
	for _, q := range []string{"#q-ORG-01", "#q-ORG-02"} {
		blSubmit(t, coord, "approve "+q, q+` form.review button[value="approve"]`, 200)
		if got, want := blTextOf(t, coord, q+" .astatus .badge"), blText(t, nb, "bl.status.approved"); got != want {
			t.Errorf("%s after approval: status %q, want %q", q, got, want)
		}
	}
	answers, err := st.Answers(bg, f.B.ID, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 4 {
		t.Fatalf("the assessment has %d answers, want 4", len(answers))
	}
	for _, a := range answers {
		if a.Status != vaern.AnswerApproved {
			t.Errorf("answer %s (unit %d) is %s, want approved", a.QuestionID, a.UnitID, a.Status)
		}
	}

	// Submit on the overview page, accepting the confirm dialog.
	visit(t, coord, e.base+overview)
	if got, want := blTextOf(t, coord, `section[aria-labelledby="prog-h"] > p`), blTextf(t, nb, "bl.progress_all", "4", "4", "4"); got != want {
		t.Errorf("progress reads %q, want %q", got, want)
	}
	if sub := blTextOf(t, coord, `section[aria-labelledby="sub-h"]`); !strings.Contains(sub, blText(t, nb, "bl.submit_ready")) {
		t.Errorf("the submit section reads %q, want %q", sub, blText(t, nb, "bl.submit_ready"))
	}
	blSubmit(t, coord, "submit the assessment", `form[action="`+overview+`/submit"] button[type="submit"]`, 200)
	select {
	case msg := <-dialogs:
		if want := blText(t, nb, "bl.submit_confirm"); msg != want {
			t.Errorf("the confirm dialog asked %q, want %q", msg, want)
		}
	case <-time.After(stepTimeout):
		t.Errorf("submitting opened no confirm dialog")
	}
	if got, want := blFlash(t, coord), blText(t, nb, "bl.flash.submitted"); got != want {
		t.Errorf("submit flash %q, want %q", got, want)
	}
	if got, want := blTextOf(t, coord, "main .lead .badge"), blText(t, nb, "bl.astatus.submitted"); got != want {
		t.Errorf("after submitting the status reads %q, want %q", got, want)
	}
	if a, err := st.Assessment(bg, f.B.ID, assessmentID); err != nil || a.Status != vaern.AssessmentSubmitted || a.SubmittedBy != coordinator.ID {
		t.Errorf("stored assessment after submitting: status %q by %d (%v)", a.Status, a.SubmittedBy, err)
	}

	// ---- 6. The centre admin closes the round. ----
	visit(t, admin, e.base+roundPath)
	do(t, admin, "confirm closing", chromedp.Click(chromedp.ID("close-confirm")))
	blSubmit(t, admin, "close the round", `form[action="`+roundPath+`/close"] button[type="submit"]`, 200)
	if got, want := blFlash(t, admin), blText(t, "en", "bc.flash.round_closed"); got != want {
		t.Errorf("close flash %q, want %q", got, want)
	}
	if n := blCount(t, admin, `form[action="`+roundPath+`/close"]`); n != 0 {
		t.Errorf("the closed round still offers the close form")
	}
	type cellRow struct {
		Cells []string `json:"cells"`
	}
	parts := eval[[]cellRow](t, admin, "read the participants", `Array.from(document.querySelectorAll('section[aria-labelledby="members-h"] tbody tr'))
		.map(tr => ({cells: Array.from(tr.cells).map(c => c.textContent.replace(/\s+/g, " ").trim())}))`)
	if len(parts) != 1 {
		t.Fatalf("the closed round lists %d participants, want 1: %v", len(parts), parts)
	}
	submitted, err := st.Assessment(bg, f.B.ID, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	submittedDay := submitted.SubmittedAt.In(copenhagen).Format(time.DateOnly)
	if c := parts[0].Cells; len(c) != 6 || c[0] != f.B.Name || c[3] != blText(t, "en", "bc.status.closed") || c[4] != submittedDay {
		t.Errorf("participant row %q, want %s, closed, submitted %s", c, f.B.Name, submittedDay)
	}
	html := pageHTML(t, admin)
	for _, secret := range []string{comment1, comment2, returnComment, "UNIT-01", "ORG-01", "Repeterbart", "Definert", "Defined"} {
		if strings.Contains(html, secret) {
			t.Errorf("the centre's round page shows %q, which is part of B's answers", secret)
		}
	}
	if submitted.Status != vaern.AssessmentClosed {
		t.Errorf("stored assessment after closing: status %q, want closed", submitted.Status)
	}

	// ---- 7. The answers are locked. ----
	before, err := st.Answers(bg, f.B.ID, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	locked := blText(t, nb, "bl.locked")
	for _, who := range []struct {
		name string
		ctx  context.Context
		path string
	}{{"respondent", resp, unitArea}, {"respondent (JavaScript)", respJS, unitArea}, {"coordinator", coord, unitArea}, {"coordinator", coord, orgArea}} {
		visit(t, who.ctx, e.base+who.path)
		if got := blTextOf(t, who.ctx, "main p.notice"); got != locked {
			t.Errorf("%s on %s: notice %q, want %q", who.name, who.path, got, locked)
		}
		if n := blCount(t, who.ctx, "main form.answer, main form.review, main textarea, main input[type=radio]"); n != 0 {
			t.Errorf("%s on %s: %d answer or review controls on a locked page", who.name, who.path, n)
		}
		buttons := eval[[]string](t, who.ctx, "read the buttons", `Array.from(document.querySelectorAll("main button")).map(b => b.textContent.trim())`)
		for _, b := range buttons {
			if strings.HasPrefix(b, blText(t, nb, "bl.save")) || strings.HasPrefix(b, blText(t, nb, "bl.approve")) {
				t.Errorf("%s on %s: a locked page has the button %q", who.name, who.path, b)
			}
		}
		if n := blCount(t, who.ctx, "main dl.ro"); n != 2 {
			t.Errorf("%s on %s: %d read-only answers, want 2", who.name, who.path, n)
		}
	}
	visit(t, coord, e.base+overview)
	if n := blCount(t, coord, `main form[action$="/delegations"], main form[action$="/submit"], main form[action$="/units"]`); n != 0 {
		t.Errorf("the locked overview still has %d delegation, unit or submit forms", n)
	}

	// Direct posts are refused: from the page with fetch (as the autosave script would) ...
	fields := map[string]string{"q": "UNIT-01", "unit": u, "value": "0", "comment": "for sent"}
	if got, body := blFetchPost(t, respJS, "post an answer with fetch (JSON)", overview+"/answers", fields, "application/json"); got != 422 || !strings.Contains(body, "closed for changes") {
		t.Errorf("fetch POST answers (JSON) after closing: status %d %s, want 422 saying the assessment is closed", got, body)
	}
	if got, body := blFetchPost(t, respJS, "post an answer with fetch (HTML)", overview+"/answers", fields, "text/html"); got != 422 || !strings.Contains(body, blText(t, nb, "err.is closed for changes")) {
		t.Errorf("fetch POST answers (HTML) after closing: status %d, want 422 saying %q; body %.300s", got, blText(t, nb, "err.is closed for changes"), body)
	}
	// ... and with a plain HTTP client signed in as the coordinator, for answers and reviews.
	client := e.srv.Login(t, "B:coordinator")
	for _, p := range []struct {
		path string
		form url.Values
	}{
		{overview + "/answers", url.Values{"q": {"ORG-01"}, "unit": {"0"}, "value": {"0"}}},
		{overview + "/answers", url.Values{"q": {"UNIT-02"}, "unit": {u}, "value": {"no"}}},
		{overview + "/review", url.Values{"q": {"UNIT-01"}, "unit": {u}, "action": {"return"}, "review_comment": {"for sent"}}},
	} {
		res, err := client.PostForm(e.base+p.path, p.form)
		if err != nil {
			t.Fatalf("POST %s: %v", p.path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), blText(t, nb, "err.is closed for changes")) {
			t.Errorf("POST %s %v after closing: status %d, want 422 saying the assessment is closed; body %.300s", p.path, p.form, res.StatusCode, body)
		}
	}
	after, err := st.Answers(bg, f.B.ID, assessmentID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the refused posts changed the stored answers:\nbefore %+v\nafter  %+v", before, after)
	}
	if a := stored("UNIT-01"); a.Value != "3" || a.Status != vaern.AnswerApproved {
		t.Errorf("stored UNIT-01 after closing: value %q status %q, want 3 approved", a.Value, a.Status)
	}

	// The history of the returned question: save → return → save → approve, with the right people.
	visit(t, resp, e.base+unitArea)
	blSubmit(t, resp, "open UNIT-01's history", q1+` .astatus a[href^="history"]`, 200)
	hist := eval[[]cellRow](t, resp, "read the history", `Array.from(document.querySelectorAll("main tbody tr"))
		.map(tr => ({cells: Array.from(tr.cells).map(c => c.textContent.replace(/\s+/g, " ").trim())}))`)
	want := [][]string{
		{respondent.Name, blText(t, nb, "bl.action.save"), "2 – Repeterbart", comment1, ""},
		{coordinator.Name, blText(t, nb, "bl.action.return"), "2 – Repeterbart", comment1, returnComment},
		{respondent.Name, blText(t, nb, "bl.action.save"), "3 – Definert", comment1, ""},
		{coordinator.Name, blText(t, nb, "bl.action.approve"), "3 – Definert", comment1, ""},
	}
	if len(hist) != len(want) {
		t.Fatalf("UNIT-01's history has %d rows, want %d: %v", len(hist), len(want), hist)
	}
	for i, w := range want {
		if c := hist[i].Cells; len(c) != 6 || !reflect.DeepEqual(c[1:], w) {
			t.Errorf("history row %d reads %q, want (when) %q", i+1, c, w)
		}
	}
}

// switchLanguage picks lang in the header's language select, which submits itself (app.js).
func switchLanguage(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	c, cancel := withStep(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(c, chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("lang-select");
		s.value = "`+lang+`";
		s.dispatchEvent(new Event("change", {bubbles: true}));
	})()`))
	if err != nil {
		t.Fatalf("switch to %s: %v", lang, err)
	}
	if resp.Status != 200 {
		t.Fatalf("switch to %s: status %d", lang, resp.Status)
	}
}
