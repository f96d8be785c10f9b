package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern/internal/jobs"
)

// TestIncidentLoop is the whole loop of issue 13: a respondent reports an incident from the
// form; the coordinator triages it, writes an internal note and reports it to the centre; a centre
// analyst finds it in the queue, sees no internal note and adds to the timeline; the early-warning
// text is there, in Danish, ready to copy; a reminder fires when the fake clock nears the
// deadline; the case closes with its lessons learned. Every page is checked with axe-core and at
// 390 px.
func TestIncidentLoop(t *testing.T) {
	e := start(t)
	f := e.srv.Fix

	resp := e.tab(t, false) // the report form works without JavaScript
	if got := signIn(t, resp, e.base, f.Users["A:respondent"].Email); got != "/" {
		t.Fatalf("respondent landed on %s", got)
	}
	visit(t, resp, e.base+"/incidents/new")
	do(t, resp, "fill in the report",
		chromedp.SendKeys(chromedp.ID("title"), "Phishing-mails med falsk login-side"),
		chromedp.SendKeys(chromedp.ID("description"), "Flere medarbejdere har fået mails med et link til en falsk Microsoft-side."),
		chromedp.Click(chromedp.CSS(`input[name="personal_data"]`)),
		chromedp.SetValue(chromedp.ID("cause"), "malicious_action"),
		chromedp.SetValue(chromedp.ID("classification"), "fraud/phishing"),
		chromedp.SendKeys(chromedp.ID("observables"), "hxxps://login-aarhus[.]example[.]com/auth\nphish@example.net"))
	if st := clickAndWait(t, resp, "report", `form[action="/incidents"] button[type="submit"]`); st != 200 {
		t.Fatalf("report: status %d, %q", st, h1(t, resp))
	}
	checkPage(t, resp, "the new case")
	path := currentPath(t, resp)
	if !strings.HasPrefix(path, "/incidents/") || h1(t, resp) != "Phishing-mails med falsk login-side" {
		t.Fatalf("after reporting: %s %q", path, h1(t, resp))
	}
	html := pageHTML(t, resp)
	for _, want := range []string{"https://login-aarhus.example.com/auth", "phish@example.net", "inc-clock-open"} {
		if !strings.Contains(html, want) {
			t.Errorf("case page lacks %q", want)
		}
	}

	coord := e.tab(t, true)
	signIn(t, coord, e.base, f.Users["A:coordinator"].Email)
	visit(t, coord, e.base+"/incidents")
	if n := eval[int](t, coord, "count cases", `document.querySelectorAll("tbody a[href^='/incidents/']").length`); n != 1 {
		t.Fatalf("coordinator's list has %d cases", n)
	}
	visit(t, coord, e.base+path)
	do(t, coord, "triage", chromedp.SetValue(chromedp.ID("status"), "triage"),
		chromedp.SetValue(chromedp.ID("h-severity"), "3"))
	if st := clickAndWait(t, coord, "save the triage", fmt.Sprintf(`form[action="%s"] button[type="submit"]`, path)); st != 200 {
		t.Fatalf("triage: status %d", st)
	}
	checkPage(t, coord, "triaged case")
	do(t, coord, "write an internal note", chromedp.SendKeys(chromedp.ID("text"), "Borgmesterens postkasse er ramt"),
		chromedp.Click(chromedp.CSS(`input[name="internal"]`)))
	if st := clickAndWait(t, coord, "add the note", `form[action$="/entries"] button[type="submit"]`); st != 200 {
		t.Fatalf("note: status %d", st)
	}
	if st := clickAndWait(t, coord, "report to the centre", `form[action$="/report-to-centre"] button[type="submit"]`); st != 200 {
		t.Fatalf("report to centre: status %d", st)
	}
	checkPage(t, coord, "reported case")

	analyst := e.tab(t, true)
	signIn(t, analyst, e.base, f.Users["centre-analyst"].Email)
	visit(t, analyst, e.base+"/centre/incidents")
	if n := eval[int](t, analyst, "count reported cases", `document.querySelectorAll("tbody a[href^='/incidents/']").length`); n != 1 {
		t.Fatalf("the queue has %d cases", n)
	}
	if st := clickAndWait(t, analyst, "open the case", `tbody a[href^='/incidents/']`); st != 200 {
		t.Fatalf("open: %d", st)
	}
	checkPage(t, analyst, "centre view of the case")
	if strings.Contains(pageHTML(t, analyst), "Borgmesterens postkasse") {
		t.Fatal("the centre sees the member's internal note")
	}
	do(t, analyst, "add to the timeline", chromedp.SendKeys(chromedp.ID("text"), "Samme domæne set hos to andre kommuner"))
	if st := clickAndWait(t, analyst, "add", `form[action$="/entries"] button[type="submit"]`); st != 200 {
		t.Fatalf("analyst entry: status %d", st)
	}
	checkPage(t, analyst, "after the analyst's entry")

	visit(t, coord, e.base+path)
	html = pageHTML(t, coord)
	if !strings.Contains(html, "Samme domæne set hos to andre kommuner") || !strings.Contains(html, "Borgmesterens postkasse") {
		t.Fatal("the member does not see both entries")
	}
	warning := eval[string](t, coord, "read the early warning", `Array.from(document.querySelectorAll(".inc-report textarea")).map(x => x.value).find(v => v.startsWith("Vi varsler hermed")) || ""`)
	if !strings.Contains(warning, "Aarhus") || !strings.Contains(warning, "Tidspunkt for kendskab") {
		t.Fatalf("early-warning text: %q", warning)
	}
	// The same report as JSON (a download, so fetched rather than opened).
	js := run(t, coord, "fetch the JSON report", chromedp.Evaluate[string](`fetch("`+path+`/report.json?regime=nis2-dk&step=early_warning").then(r => r.text())`,
		chromedp.EvalAwaitPromise))
	if !strings.Contains(js, `"step": "early_warning"`) || !strings.Contains(js, "Vi varsler hermed") {
		t.Fatalf("JSON report: %.300s", js)
	}

	// A reminder under the fake clock: 11 hours before the early warning is due.
	st := e.srv.Store
	start := st.Now()
	st.SetClock(func() time.Time { return start.Add(13 * time.Hour) })
	rw := jobs.NewIncidentReminders(st, e.srv.Web.Catalog(), e.srv.Notifier, slog.New(slog.NewTextHandler(io.Discard, nil)))
	n, err := rw.RunOnce(context.Background())
	if err != nil || n == 0 {
		t.Fatalf("reminders: %d, %v", n, err)
	}
	// Thirteen hours on, the session has gone idle: the coordinator signs in again.
	signIn(t, coord, e.base, f.Users["A:coordinator"].Email)
	visit(t, coord, e.base+"/notifications")
	if !strings.Contains(pageHTML(t, coord), "Phishing-mails med falsk login-side") {
		t.Fatal("the coordinator was not reminded")
	}

	// Closing with the lessons learned.
	visit(t, coord, e.base+path)
	do(t, coord, "write the review", chromedp.SendKeys(chromedp.ID("went_badly"), "Det tog to timer at blokere domænet"),
		chromedp.SendKeys(chromedp.ID("actions"), "Fast procedure for blokering i mailfilteret"))
	if st := clickAndWait(t, coord, "close", `form[action$="/close"] button[type="submit"]`); st != 200 {
		t.Fatalf("close: status %d", st)
	}
	checkPage(t, coord, "closed case")
	if facts := eval[string](t, coord, "read the facts", `document.querySelector("dl.facts").innerText`); !strings.Contains(facts, "Closed") && !strings.Contains(facts, "Lukket") {
		t.Fatalf("not closed: %q", facts)
	}
	if !strings.Contains(pageHTML(t, coord), "Fast procedure for blokering") {
		t.Fatal("lessons learned not shown")
	}
}
