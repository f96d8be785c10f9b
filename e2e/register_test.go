package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRegisterJourney is a coordinator's first day with the register: a spreadsheet with mistakes,
// the dry run that names them, the corrected file, the import; owners assigned; a risk assessed,
// treated and accepted. Every page is checked with axe-core.
func TestRegisterJourney(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	ctx := e.tab(t, true)
	if got := signIn(t, ctx, e.base, f.Users["A:coordinator"].Email); got != "/" {
		t.Fatalf("signed in, landed on %s", got)
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The municipality's spreadsheet, as Excel saves it in Denmark: semicolons, decimal commas.
	bad := write("systemer.csv", "Systemnavn;Producent;Drift;Tilgængelighed;RTO (timer);Databehandleraftale dato\n"+
		"Aula;Netcompany;SaaS;høj;0,5;31-12-2024\n"+
		"KMD Nexus;Systematic;i skyen;5;4;2025-02-30\n"+
		"SBSYS;SBSYS;Egen drift;2;1,5;\n")
	good := write("systemer-rettet.csv", "Systemnavn;Producent;Drift;Tilgængelighed;RTO (timer);Databehandleraftale dato\n"+
		"Aula;Netcompany;SaaS;høj;0,5;31-12-2024\n"+
		"KMD Nexus;Systematic;SaaS;4;4;2025-02-28\n"+
		"SBSYS;SBSYS;Egen drift;2;1,5;\n")

	upload := func(path string) {
		visit(t, ctx, e.base+"/register/import")
		do(t, ctx, "choose the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}))
		if st := clickAndWait(t, ctx, "upload", `form[action="/register/import"] button[type="submit"]`); st != 200 {
			t.Fatalf("upload: status %d, %q", st, h1(t, ctx))
		}
		checkPage(t, ctx, "mapping step")
		mapped := eval[string](t, ctx, "read the mapping", `Array.from(document.querySelectorAll(".reg-mapping select")).map(s => s.value).join(",")`)
		if mapped != "name,vendor,hosting,availability,rto_hours,dpa_date" {
			t.Fatalf("guessed mapping %q", mapped)
		}
		if st := clickAndWait(t, ctx, "dry run", `form[action$="/check"] button[type="submit"]`); st != 200 {
			t.Fatalf("dry run: status %d", st)
		}
		checkPage(t, ctx, "dry run")
	}

	upload(bad)
	problems := eval[[]string](t, ctx, "read the problems", `Array.from(document.querySelectorAll(".reg-problems tbody tr")).map(r => r.innerText.replace(/\s+/g, " ").trim())`)
	if len(problems) != 3 {
		t.Fatalf("dry run lists %d problems, want 3: %q", len(problems), problems)
	}
	for i, want := range []string{"3 Drift", "3 Tilgængelighed", "3 Databehandleraftale dato"} {
		if !strings.HasPrefix(problems[i], want) {
			t.Errorf("problem %d = %q, want it to start %q", i, problems[i], want)
		}
	}
	if n := eval[int](t, ctx, "count run buttons", `document.querySelectorAll('form[action$="/run"]').length`); n != 0 {
		t.Fatal("a dry run with problems offers to import")
	}
	visit(t, ctx, e.base+"/register/systems")
	if n := eval[int](t, ctx, "count systems", `document.querySelectorAll(".reg-list tbody a[href^='/register/systems/']").length`); n != 0 {
		t.Fatalf("the dry run wrote %d systems", n)
	}

	upload(good)
	if !strings.Contains(pageHTML(t, ctx), "All 3 rows are fine. The import will give: 3 new, 0 updated, 0 unchanged.") {
		t.Fatalf("clean dry run not reported: %q", h1(t, ctx))
	}
	if st := clickAndWait(t, ctx, "import", `form[action$="/run"] button[type="submit"]`); st != 200 {
		t.Fatalf("import: status %d", st)
	}
	checkPage(t, ctx, "import result")
	if !strings.Contains(pageHTML(t, ctx), "Imported: 3 new, 0 updated, 0 unchanged") {
		t.Fatal("the import's result is not shown")
	}

	// Assign owners to Nexus.
	visit(t, ctx, e.base+"/register/systems?q=nexus")
	href := eval[string](t, ctx, "find Nexus", `document.querySelector(".reg-list tbody a[href^='/register/systems/']").getAttribute("href")`)
	visit(t, ctx, e.base+href+"/edit")
	resp, coord := f.Users["A:respondent"], f.Users["A:coordinator"]
	do(t, ctx, "choose the owners",
		chromedp.SetValue(chromedp.ID("system_owner"), fmt.Sprint(resp.ID)),
		chromedp.SetValue(chromedp.ID("data_owner"), fmt.Sprint(coord.ID)),
		chromedp.SetValue(chromedp.ID("unit"), fmt.Sprint(f.UnitsA[1].ID)))
	if st := clickAndWait(t, ctx, "save the owners", `form.reg-form button[type="submit"]`); st != 200 {
		t.Fatalf("save: status %d", st)
	}
	checkPage(t, ctx, "system page")
	facts := eval[string](t, ctx, "read the facts", `document.querySelector("dl.facts").innerText`)
	if !strings.Contains(facts, resp.Name) || !strings.Contains(facts, f.UnitsA[1].Name) || !strings.Contains(facts, "30 min") && !strings.Contains(facts, "4 hours") {
		t.Errorf("owners not shown: %q", facts)
	}

	// A risk assessment with a treatment and an acceptance.
	do(t, ctx, "describe the risk",
		chromedp.SetValue(chromedp.ID("threat"), "ransomware"),
		chromedp.SendKeys(chromedp.ID("scenario"), "Kryptering af journaler via leverandørens fjernadgang"),
		chromedp.SetValue(chromedp.ID("likelihood"), "4"),
		chromedp.SetValue(chromedp.ID("consequence"), "5"))
	if st := clickAndWait(t, ctx, "assess", `form[action$="/risks"] button[type="submit"]`); st != 200 {
		t.Fatalf("assess: status %d", st)
	}
	checkPage(t, ctx, "risk page")
	if got := h1(t, ctx); got != "Ransomware" {
		t.Fatalf("risk page h1 %q", got)
	}
	do(t, ctx, "describe the treatment",
		chromedp.SendKeys(chromedp.ID("title"), "Offline-backup og genetableringstest"),
		chromedp.SetValue(chromedp.ID("owner"), fmt.Sprint(resp.ID)),
		chromedp.SetValue(chromedp.ID("due"), "2025-06-30"))
	if st := clickAndWait(t, ctx, "add the treatment", `form[action$="/treatments"] button[type="submit"]`); st != 200 {
		t.Fatalf("treatment: status %d", st)
	}
	checkPage(t, ctx, "risk page with treatment")
	if !strings.Contains(pageHTML(t, ctx), "Offline-backup og genetableringstest") {
		t.Fatal("the treatment is not shown")
	}
	do(t, ctx, "lower the residual risk",
		chromedp.SetValue(chromedp.ID("residual_likelihood"), "2"),
		chromedp.SetValue(chromedp.ID("residual_consequence"), "4"))
	if st := clickAndWait(t, ctx, "save the review", `form.stack[action^="/register/risks/"]:not([action$="/accept"]):not([action$="/treatments"]) button[type="submit"]`); st != 200 {
		t.Fatalf("review: status %d", st)
	}
	// Accepting without a reason names the field; with one, it is recorded.
	do(t, ctx, "name who accepts", chromedp.SetValue(chromedp.ID("accepted_by"), "Mette Frederiksen, direktør"))
	if st := clickAndWait(t, ctx, "accept without reason", `form[action$="/accept"] button[type="submit"]`); st != 422 {
		t.Fatalf("accept without a reason: status %d, want 422", st)
	}
	checkPage(t, ctx, "acceptance error")
	if inv := eval[string](t, ctx, "read aria-invalid", `document.getElementById("accept_reason").getAttribute("aria-invalid") || ""`); inv != "true" {
		t.Error("the missing reason is not marked invalid")
	}
	do(t, ctx, "give the reason", chromedp.SendKeys(chromedp.ID("accept_reason"), "Restrisikoen er inden for risikoappetitten"))
	if st := clickAndWait(t, ctx, "accept", `form[action$="/accept"] button[type="submit"]`); st != 200 {
		t.Fatalf("accept: status %d", st)
	}
	checkPage(t, ctx, "accepted risk")
	if !strings.Contains(pageHTML(t, ctx), "Accepted by Mette Frederiksen, direktør") {
		t.Fatal("the acceptance is not shown")
	}
	// The overview shows the assessment on the heat map.
	visit(t, ctx, e.base+"/register")
	if n := eval[int](t, ctx, "count heat-map cells", `document.querySelectorAll(".reg-heatmap td.reg-has").length`); n != 2 {
		t.Errorf("%d filled heat-map cells, want 2 (inherent and residual)", n)
	}
	// The respondent now owns Nexus and finds it under "my systems".
	rctx := e.tab(t, false)
	signIn(t, rctx, e.base, resp.Email)
	visit(t, rctx, e.base+"/register/mine")
	if !strings.Contains(pageHTML(t, rctx), "KMD Nexus") {
		t.Error("my systems lacks Nexus")
	}
}
