package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestIndicatorSharing is the indicator store's main path (issue 14, item 5): an analyst imports
// the real STIX file with a preview, labelled AMBER to one member; that member sees the indicator
// and downloads the Zeek export with it; another member gets 404 on its page and does not find it
// in its own export. Every page is checked with axe-core and at 390 px.
func TestIndicatorSharing(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the real STIX file is in shared/data/stix")
	}
	file := filepath.Join(dir, "stix", "indicator-for-c2-ip-address.json")
	e := start(t)
	f := e.srv.Fix

	analyst := e.tab(t, true)
	signIn(t, analyst, e.base, f.Users["centre-analyst"].Email)
	visit(t, analyst, e.base+"/centre/indicators/import")
	do(t, analyst, "choose the file, AMBER to Aarhus",
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{file}),
		chromedp.SetValue(chromedp.ID("tlp"), "AMBER"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="named"]`)),
		chromedp.SetValue(chromedp.ID("audience_orgs"), fmt.Sprint(f.A.ID)))
	if st := clickAndWait(t, analyst, "preview", `form[action="/centre/indicators/import"] button[type="submit"]`); st != 200 {
		t.Fatalf("preview: status %d %q", st, h1(t, analyst))
	}
	checkPage(t, analyst, "import preview")
	html := pageHTML(t, analyst)
	if !strings.Contains(html, "10.0.0.0") || !strings.Contains(html, "indicator--33fe3b22-0201-47cf-85d0-97c02164528d") || !strings.Contains(html, "Aarhus") {
		t.Fatalf("the preview does not show the indicator for Aarhus:\n%.2000s", html)
	}
	if st := clickAndWait(t, analyst, "confirm", `form[action$="/confirm"] button[type="submit"]`); st != 200 {
		t.Fatalf("confirm: status %d", st)
	}
	navigate(t, analyst, e.base+"/indicators?q=10.0.0.0")
	href := eval[string](t, analyst, "find the indicator", `(document.querySelector("tbody a[href^='/indicators/']") || {}).getAttribute?.("href") || ""`)
	if href == "" {
		t.Fatal("the analyst does not find the imported indicator")
	}

	memberA := e.tab(t, true)
	signIn(t, memberA, e.base, f.Users["A:viewer"].Email)
	visit(t, memberA, e.base+"/indicators")
	if !strings.Contains(pageHTML(t, memberA), "10.0.0.0") {
		t.Fatal("Aarhus does not see the AMBER indicator addressed to it")
	}
	visit(t, memberA, e.base+href)
	if txt := eval[string](t, memberA, "read the page", `document.querySelector("main").innerText`); !strings.Contains(txt, "TLP:AMBER") || !strings.Contains(txt, "IP Address for known C2 channel") {
		t.Fatalf("indicator page: %q", txt)
	}
	zeek := run(t, memberA, "download the Zeek export", chromedp.Evaluate[string](`fetch("/api/v1/indicators/export?format=zeek").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(zeek, "#fields\tindicator\tindicator_type\tmeta.source") || !strings.Contains(zeek, "10.0.0.0\tIntel::ADDR\tvaern:feed") {
		t.Fatalf("Zeek export for Aarhus:\n%s", zeek)
	}

	memberB := e.tab(t, true)
	signIn(t, memberB, e.base, f.Users["B:viewer"].Email)
	visitStatus(t, memberB, e.base+href, 404)
	if strings.Contains(pageHTML(t, memberB), "10.0.0.0") {
		t.Fatal("the 404 page names the indicator")
	}
	navigate(t, memberB, e.base+"/indicators")
	if strings.Contains(pageHTML(t, memberB), "10.0.0.0") {
		t.Fatal("Bergen sees the indicator addressed to Aarhus")
	}
	zeekB := run(t, memberB, "Bergen's Zeek export", chromedp.Evaluate[string](`fetch("/api/v1/indicators/export?format=zeek").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if strings.Contains(zeekB, "10.0.0.0") || !strings.HasPrefix(zeekB, "#fields") {
		t.Fatalf("Bergen's Zeek export:\n%s", zeekB)
	}
}
