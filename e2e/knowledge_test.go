package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestKnowledgeRegionPost is issue 15's browser path: a centre analyst writes an AMBER post for
// the members of one region in the editor (without JavaScript) and attaches a PDF; a member in
// that region (Aarhus, Region Midtjylland) sees it in the list and finds it by search; a member
// outside it (Bergen) gets 404 on its URL and on its attachment's. Every page is checked with
// axe-core and at 390 px.
func TestKnowledgeRegionPost(t *testing.T) {
	e := start(t)
	f := e.srv.Fix

	analyst := e.tab(t, false)
	signIn(t, analyst, e.base, f.Users["centre-analyst"].Email)
	visit(t, analyst, e.base+"/knowledge/new")
	do(t, analyst, "write the post",
		chromedp.SetValue(chromedp.ID("kind"), "document"),
		chromedp.SendKeys(chromedp.ID("title_da"), "Beredskabsøvelse for Midtjylland"),
		chromedp.SendKeys(chromedp.ID("body_da"), "Øvelsen tester kommunernes nødprocedurer ved et ransomwareangreb på lønsystemet."),
		chromedp.SetValue(chromedp.ID("tlp"), "AMBER"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="group"]`)),
		chromedp.SetValue(chromedp.ID("audience_country"), "DK"),
		chromedp.SendKeys(chromedp.ID("audience_region"), "Region Midtjylland"))
	if st := clickAndWait(t, analyst, "publish", `form[action="/knowledge"] button[type="submit"]`); st != 200 {
		t.Fatalf("publish: status %d, %q", st, h1(t, analyst))
	}
	checkPage(t, analyst, "the new post")
	path := currentPath(t, analyst)
	if !strings.HasPrefix(path, "/knowledge/") || h1(t, analyst) != "Beredskabsøvelse for Midtjylland" {
		t.Fatalf("after publishing: %s %q", path, h1(t, analyst))
	}
	if !strings.Contains(pageHTML(t, analyst), `tlp-banner tlp-amber`) {
		t.Error("no AMBER banner")
	}
	pdf := filepath.Join(t.TempDir(), "oevelsesplan.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, analyst, "choose the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{pdf}))
	if st := clickAndWait(t, analyst, "attach", `form[action$="/attachments"] button[type="submit"]`); st != 200 {
		t.Fatalf("attach: status %d", st)
	}
	checkPage(t, analyst, "the post with its attachment")
	file := eval[string](t, analyst, "the attachment's link", `(document.querySelector("#attachments a[href^='/knowledge/files/']") || {href: ""}).getAttribute?.("href") ?? ""`)
	if file == "" {
		t.Fatal("no attachment listed")
	}

	aarhus := e.tab(t, true)
	signIn(t, aarhus, e.base, f.Users["A:viewer"].Email)
	visit(t, aarhus, e.base+"/knowledge")
	if !strings.Contains(pageHTML(t, aarhus), "Beredskabsøvelse for Midtjylland") {
		t.Fatal("Aarhus does not see the post in the list")
	}
	do(t, aarhus, "search", chromedp.SendKeys(chromedp.ID("q"), "ransomware lønsystem"))
	if st := clickAndWait(t, aarhus, "search", `form[role="search"] button[type="submit"]`); st != 200 {
		t.Fatalf("search: status %d", st)
	}
	checkPage(t, aarhus, "search results")
	if n := eval[int](t, aarhus, "count hits", `document.querySelectorAll(".kn-list a[href='`+path+`']").length`); n != 1 {
		t.Fatalf("the search finds the post %d times", n)
	}
	if marks := eval[int](t, aarhus, "count highlights", `document.querySelectorAll(".kn-snippet mark").length`); marks < 2 {
		t.Errorf("%d highlighted matches", marks)
	}
	visit(t, aarhus, e.base+path)
	status := run(t, aarhus, "download the attachment", chromedp.Evaluate[int](`fetch("`+file+`").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 200 {
		t.Fatalf("Aarhus downloads the attachment: %d", status)
	}

	bergen := e.tab(t, true)
	signIn(t, bergen, e.base, f.Users["B:coordinator"].Email)
	visitStatus(t, bergen, e.base+path, 404)
	visitStatus(t, bergen, e.base+file, 404)
	visit(t, bergen, e.base+"/knowledge?q=ransomware")
	if strings.Contains(pageHTML(t, bergen), "Beredskabsøvelse") {
		t.Fatal("Bergen finds the post by search")
	}
}
