package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// blLoopFrameworkYAML is the small framework the whole-loop test imports through the centre's upload
// form: an area ORG with two organisation questions and an area UNIT with two unit questions, in
// all three languages (see docs/frameworks.md).
const blLoopFrameworkYAML = `format: vaern-framework/1
id: e2e-loop
version: "2026"
languages: [da, nb, en]
title:
  da: Lille ramme til browsertesten
  nb: Lite rammeverk til nettlesertesten
  en: Small framework for the browser test
description:
  da: To fokusområder med hver to spørgsmål.
  nb: To fokusområder med to spørsmål hver.
  en: Two focus areas with two questions each.
not_relevant: false
scale:
  - level: 0
    label: {da: Ikke på plads, nb: Ikke på plass, en: Not in place}
    description: {da: Der gøres intet., nb: Ingenting gjøres., en: Nothing is done.}
  - level: 1
    label: {da: Begyndende, nb: Startet, en: Initial}
    description: {da: Arbejdet er startet., nb: Arbeidet er startet., en: Work has started.}
  - level: 2
    label: {da: Gentageligt, nb: Repeterbart, en: Repeatable}
    description: {da: Det gøres ens hver gang., nb: Det gjøres likt hver gang., en: It is done the same way each time.}
  - level: 3
    label: {da: Defineret, nb: Definert, en: Defined}
    description: {da: Det er beskrevet og godkendt., nb: Det er beskrevet og godkjent., en: It is written down and approved.}
  - level: 4
    label: {da: Styret, nb: Styrt, en: Managed}
    description: {da: Det måles og følges op., nb: Det måles og følges opp., en: It is measured and followed up.}
  - level: 5
    label: {da: Optimeret, nb: Optimalisert, en: Optimised}
    description: {da: Det forbedres løbende., nb: Det forbedres løpende., en: It is improved continuously.}
areas:
  - id: ORG
    title: {da: Organisation, nb: Organisasjon, en: Organisation}
    questions:
      - id: ORG-01
        text:
          da: Har ledelsen godkendt en sikkerhedspolitik?
          nb: Har ledelsen godkjent en sikkerhetspolicy?
          en: Has management approved a security policy?
        audience: management
        scope: organisation
        answer: maturity
        weight: 2
        target: 3
        recommendations:
          0: {da: Skriv en politik., nb: Skriv en policy., en: Write a policy.}
          1: {da: Få politikken godkendt., nb: Få policyen godkjent., en: Have the policy approved.}
          2: {da: Gør politikken kendt., nb: Gjør policyen kjent., en: Make the policy known.}
      - id: ORG-02
        text:
          da: Er der udpeget en sikkerhedsansvarlig?
          nb: Er det utpekt en sikkerhetsansvarlig?
          en: Has someone been named responsible for security?
        audience: management
        scope: organisation
        answer: yes-partly-no
        weight: 1
        recommendations:
          "no": {da: Udpeg en ansvarlig., nb: Utpek en ansvarlig., en: Name someone responsible.}
          partly: {da: Beskriv ansvaret., nb: Beskriv ansvaret., en: Describe the responsibility.}
  - id: UNIT
    title: {da: Enhedens praksis, nb: Enhetens praksis, en: The unit's practice}
    questions:
      - id: UNIT-01
        text:
          da: Kender enhedens medarbejdere reglerne for informationssikkerhed?
          nb: Kjenner enhetens ansatte reglene for informasjonssikkerhet?
          en: Do the unit's staff know the information security rules?
        audience: department
        scope: unit
        answer: maturity
        weight: 1
        target: 3
        recommendations:
          0: {da: Fortæl om reglerne., nb: Fortell om reglene., en: Tell staff about the rules.}
          1: {da: Hold et kort møde om reglerne., nb: Hold et kort møte om reglene., en: Hold a short meeting on the rules.}
          2: {da: Gentag det hvert år., nb: Gjenta det hvert år., en: Repeat it every year.}
      - id: UNIT-02
        text:
          da: Gennemfører enhedens medarbejdere et sikkerhedskursus hvert år?
          nb: Gjennomfører enhetens ansatte et sikkerhetskurs hvert år?
          en: Do the unit's staff complete a security course every year?
        audience: department
        scope: unit
        answer: yes-partly-no
        weight: 1
        recommendations:
          "no": {da: Tilmeld medarbejderne kurset., nb: Meld de ansatte på kurset., en: Enrol the staff in the course.}
          partly: {da: Følg op på deltagelsen., nb: Følg opp deltakelsen., en: Follow up on attendance.}
`

var (
	blCatalogMu sync.Mutex
	blCatalogs  = map[string]map[string]string{}
)

// blText reads one translated text from the message catalogs of lang: the shell's LANG.json and the
// baseline module's baseline.LANG.json and baseline_centre.LANG.json.
func blText(t *testing.T, lang, key string) string {
	t.Helper()
	blCatalogMu.Lock()
	defer blCatalogMu.Unlock()
	m, ok := blCatalogs[lang]
	if !ok {
		m = map[string]string{}
		for _, name := range []string{lang, "baseline." + lang, "baseline_centre." + lang} {
			b, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", name+".json"))
			if err != nil {
				t.Fatalf("read catalog %s: %v", name, err)
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				t.Fatalf("catalog %s: %v", name, err)
			}
			for k, v := range part {
				m[k] = v
			}
		}
		blCatalogs[lang] = m
	}
	v, ok := m[key]
	if !ok {
		t.Fatalf("no catalog of %s has %q", lang, key)
	}
	return v
}

// blTextf is blText with its %s and %d verbs filled in, as the server's localizer does.
func blTextf(t *testing.T, lang, key string, args ...string) string {
	t.Helper()
	s := blText(t, lang, key)
	for _, a := range args {
		i := strings.IndexByte(s, '%')
		if i < 0 || i+1 >= len(s) {
			t.Fatalf("%s %q has fewer verbs than %d arguments", lang, key, len(args))
		}
		s = s[:i] + a + s[i+2:]
	}
	return s
}

// blTextOf is the trimmed text content of the first element matching sel, or "" when there is none.
func blTextOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	b, _ := json.Marshal(sel)
	return eval[string](t, ctx, "read "+sel, `(document.querySelector(`+string(b)+`) || {textContent: ""}).textContent.replace(/\s+/g, " ").trim()`)
}

// blCount is the number of elements matching sel.
func blCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	b, _ := json.Marshal(sel)
	return eval[int](t, ctx, "count "+sel, `document.querySelectorAll(`+string(b)+`).length`)
}

// blFlash is the text of the page's flash message.
func blFlash(t *testing.T, ctx context.Context) string {
	t.Helper()
	return blTextOf(t, ctx, "main .flash")
}

// blSubmit clicks the submit button sel, expects the page it leads to to answer status, and
// checks that page (landmarks and axe-core).
func blSubmit(t *testing.T, ctx context.Context, what, sel string, status int64) {
	t.Helper()
	if got := clickAndWait(t, ctx, what, sel); got != status {
		t.Fatalf("%s: status %d, want %d; the page says %q (alert %q)", what, got, status, h1(t, ctx), blTextOf(t, ctx, "main .alert"))
	}
	checkPage(t, ctx, what)
}

// blAcceptDialogs accepts every JavaScript dialog (confirm) the tab opens, as a person clicking OK would,
// and hands over each dialog's message.
func blAcceptDialogs(t *testing.T, ctx context.Context) <-chan string {
	t.Helper()
	msgs := make(chan string, 8)
	err := chromedp.Listen(ctx, func(ev any) {
		e, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		select {
		case msgs <- e.Message:
		default:
		}
		// The dialog blocks the click that opened it, so it is answered from another goroutine.
		go func() {
			c, cancel := context.WithTimeout(ctx, stepTimeout)
			defer cancel()
			if _, err := chromedp.Call(c, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				t.Logf("accept the dialog %q: %v", e.Message, err)
			}
		}()
	})
	if err != nil {
		t.Fatalf("listen for dialogs: %v", err)
	}
	return msgs
}

// blWaitText waits until the first element matching sel has the text want, and fails the test with
// the last text seen when it does not within a step's time.
func blWaitText(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	got := ""
	for time.Now().Before(deadline) {
		if got = blTextOf(t, ctx, sel); got == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: %s reads %q, want %q", what, sel, got, want)
}

// blFetchPost posts form fields from the page with fetch, url-encoded as the autosave script and
// the plain form send them, and returns the HTTP status and the response body.
func blFetchPost(t *testing.T, ctx context.Context, what, path string, fields map[string]string, accept string) (int, string) {
	t.Helper()
	f, _ := json.Marshal(fields)
	p, _ := json.Marshal(path)
	a, _ := json.Marshal(accept)
	type result struct {
		Status int    `json:"status"`
		Body   string `json:"body"`
	}
	r := run(t, ctx, what, chromedp.Evaluate[result](`fetch(`+string(p)+`, {method: "POST", body: new URLSearchParams(`+string(f)+`),
			credentials: "same-origin", headers: {"Accept": `+string(a)+`}})
		.then(r => r.text().then(body => ({status: r.status, body})))`, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	return r.Status, r.Body
}
