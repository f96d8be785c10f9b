package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/store"
)

// TestWarningsJourney: an analyst imports a CSAF document and so publishes it; a system owner in
// Aarhus (member A) sees the warning with its explanation and acknowledges it, without JavaScript;
// the centre sees only counts for Aarhus, which does not share its register's details. Every page
// is checked with axe-core and at 390 px.
func TestWarningsJourney(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	ctx := context.Background()
	st := e.srv.Store
	owner := f.Users["A:respondent"]

	// The document: the real CISA CSAF advisory when the test data is there, else one the test
	// writes (exported as CSAF 2.0 from an advisory of its own).
	var doc string
	vendor, product := "Schneider Electric", "Harmony with EcoStruxureTM Operator Terminal Expert runtime"
	if dir := os.Getenv("VAERN_TESTDATA"); dir != "" {
		doc = filepath.Join(dir, "csaf", "icsa-25-010-02.json")
	} else {
		t.Log("VAERN_TESTDATA is not set: the test writes its own CSAF document instead of the real one")
		vendor, product = "Testleverandør", "Sagssystem"
		b, err := advisory.ExportCSAF(vaern.Advisory{Source: vaern.SourceCentre, SourceID: "VAERN-E2E-1", Revision: 1, State: vaern.AdvisoryPublished,
			Title: "Sårbarhed i Sagssystem", Summary: "En fejl giver adgang.", TLP: "CLEAR", Audience: "members", CVEs: []string{"CVE-2026-1000"},
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: vendor, Product: product, Status: vaern.StatusAffected}}},
			advisory.Publisher{Name: "Testcentret", Namespace: "https://cert.example.dk"})
		if err != nil {
			t.Fatal(err)
		}
		doc = filepath.Join(t.TempDir(), "advisory.json")
		if err := os.WriteFile(doc, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The system owner's system in Aarhus, named as the register has it.
	sys, err := st.CreateSystem(ctx, vaern.System("e2e"), f.A.ID, vaern.ITSystem{Name: "Driftsskærme", Vendor: vendor, Product: product,
		Version: "3.3", SystemOwnerID: owner.ID})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Jobs.RunDue(ctx)

	// The analyst imports the document.
	centre := e.tab(t, true)
	if got := signIn(t, centre, e.base, f.Users["centre-analyst"].Email); got != "/" {
		t.Fatalf("analyst landed on %s", got)
	}
	visit(t, centre, e.base+"/centre/advisories/import")
	do(t, centre, "choose the file", chromedp.SetUploadFiles(chromedp.ID("file"), []string{doc}))
	if st := clickAndWait(t, centre, "import", `form[action="/centre/advisories/import"] button[type="submit"]`); st != 200 {
		t.Fatalf("import: status %d, %q", st, pageHTML(t, centre))
	}
	checkPage(t, centre, "import done")
	if html := pageHTML(t, centre); !strings.Contains(html, "1 advisories") {
		t.Fatalf("import page does not report the advisory:\n%.2000s", html)
	}
	// The matching and the notifications run as jobs.
	e.srv.Jobs.RunDue(ctx)
	e.srv.Jobs.RunDue(ctx)
	list, n, err := st.Exposures(ctx, f.A.ID, store.ExposureFilter{})
	if err != nil || n != 1 || list[0].SystemID != sys.ID {
		t.Fatalf("exposures after the import: %d %+v %v", n, list, err)
	}
	x := list[0]
	notes, err := st.Notifications(ctx, f.A.ID, owner.ID, 10)
	if err != nil || len(notes) == 0 || !strings.HasPrefix(notes[0].Kind, "warnings.") {
		t.Fatalf("the owner was not told: %+v %v", notes, err)
	}
	visit(t, centre, fmt.Sprintf("%s/centre/advisories/%d", e.base, x.AdvisoryID))
	html := pageHTML(t, centre)
	if !strings.Contains(html, "1 affected members share counts only") || strings.Contains(html, "Aarhus") || strings.Contains(html, "Driftsskærme") {
		t.Fatalf("the centre's view of a member that shares counts only:\n%.3000s", html)
	}

	// The system owner, without JavaScript: warnings for us, the explanation, the acknowledgement.
	tab := e.tab(t, false)
	if got := signIn(t, tab, e.base, owner.Email); got != "/" {
		t.Fatalf("owner landed on %s", got)
	}
	visit(t, tab, e.base+"/warnings")
	if n := eval[int](t, tab, "count warnings", `document.querySelectorAll(".wn-list tbody tr").length`); n != 1 {
		t.Fatalf("warnings for us lists %d, want 1", n)
	}
	visit(t, tab, fmt.Sprintf("%s/warnings/exposures/%d", e.base, x.ID))
	why := eval[string](t, tab, "read the explanation", `document.querySelector("dd.wn-why").innerText`)
	if !strings.Contains(why, product) || !strings.Contains(why, vendor) {
		t.Fatalf("explanation %q names neither the product nor the vendor", why)
	}
	do(t, tab, "choose acknowledged", chromedp.Click(chromedp.CSS(`input[name="status"][value="acknowledged"]`)))
	if st := clickAndWait(t, tab, "save the answer", `form[action$="/status"] button[type="submit"]`); st != 200 {
		t.Fatalf("answer: status %d", st)
	}
	checkPage(t, tab, "answered")
	if got, err := st.Exposure(ctx, f.A.ID, x.ID); err != nil || got.Status != vaern.ExposureAcknowledged {
		t.Fatalf("after acknowledging: %+v %v", got.Status, err)
	}
	visit(t, tab, fmt.Sprintf("%s/warnings/systems/%d", e.base, sys.ID))

	// The centre sees the count move, still without Aarhus's name.
	visit(t, centre, fmt.Sprintf("%s/centre/advisories/%d", e.base, x.AdvisoryID))
	counts := eval[string](t, centre, "read the counts", `document.querySelector(".wn-counts").innerText`)
	if !strings.Contains(counts, "Acknowledged: 1") {
		t.Fatalf("counts %q", counts)
	}
	if strings.Contains(pageHTML(t, centre), "Aarhus") {
		t.Fatal("the centre sees the name of a member that does not share")
	}
	visit(t, centre, e.base+"/centre/advisories")
	visit(t, centre, e.base+"/centre/warnings/triage")
	visit(t, centre, e.base+"/centre/warnings/feeds")
	visit(t, centre, e.base+"/centre/advisories/new")
}
