package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
)

// TestEarlyWarningToAdvisory is the centre's main path of the correlation: two members' sensors
// see the same external address (the centre's k is 2 here, the fixture has two members), the job
// raises an early warning, the analyst opens it from the list, sees its timeline and the members,
// drafts the advisory to all members with one click (sharing the indicator with the members'
// sensors too) and finds it among the warnings module's drafts, edits it without a product and
// publishes it; a member finds it and the indicator. Every page is checked with axe-core and at
// 390 px.
func TestEarlyWarningToAdvisory(t *testing.T) {
	e := start(t)
	f, st := e.srv.Fix, e.srv.Store
	ctx := context.Background()
	if err := st.SaveCorrelationSettings(ctx, vaern.System("e2e"), f.Centre.ID, vaern.CorrelationSettings{K: 2, SignatureK: 10, Window: time.Hour}); err != nil {
		t.Fatal(err)
	}
	now := st.Now()
	var list []vaern.Sighting
	for i, org := range []int64{f.A.ID, f.B.ID} {
		at := now.Add(-time.Duration(40-i*25) * time.Minute)
		list = append(list, vaern.Sighting{Kind: vaern.IndicatorIP, Value: "192.0.2.77", OrgID: org, Hour: at, FirstSeen: at, LastSeen: at.Add(3 * time.Minute),
			Count: 4, SignatureID: 2049999, Signature: "ET EXPLOIT Fortinet FortiOS SSL-VPN Path Traversal Attempt"},
			vaern.Sighting{Kind: vaern.IndicatorSignature, Value: "2049999", OrgID: org, Hour: at, FirstSeen: at, LastSeen: at.Add(3 * time.Minute),
				Count: 4, SignatureID: 2049999, Signature: "ET EXPLOIT Fortinet FortiOS SSL-VPN Path Traversal Attempt"})
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.AddSightings(ctx, list) }); err != nil {
		t.Fatal(err)
	}
	if n, err := (&jobs.Correlator{St: st, N: e.srv.Notifier}).RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("correlate: %d %v", n, err)
	}

	analyst := e.tab(t, true)
	signIn(t, analyst, e.base, f.Users["centre-analyst"].Email)
	visit(t, analyst, e.base+"/centre/early-warnings")
	checkPage(t, analyst, "early warnings")
	if st := clickAndWait(t, analyst, "open the early warning", `tbody a[href^="/centre/early-warnings/"]`); st != 200 {
		t.Fatalf("open: status %d", st)
	}
	checkPage(t, analyst, "the early warning")
	html := pageHTML(t, analyst)
	for _, want := range []string{"192.0.2.77", f.A.Name, f.B.Name, "<svg"} {
		if !strings.Contains(html, want) {
			t.Errorf("early warning page lacks %q", want)
		}
	}
	if st := clickAndWait(t, analyst, "draft the advisory", `form[action$="/advisory"] button[type="submit"]`); st != 200 {
		t.Fatalf("draft: status %d", st)
	}
	checkPage(t, analyst, "the draft advisory")
	if p := currentPath(t, analyst); !strings.HasPrefix(p, "/centre/advisories/") {
		t.Fatalf("after drafting: %s", p)
	}
	if html := pageHTML(t, analyst); !strings.Contains(html, "TLP:AMBER") || !strings.Contains(html, "192.0.2.77") || !strings.Contains(html, `/publish"`) {
		t.Errorf("the draft advisory page lacks its label, indicator or publish button")
	}
	advPath := currentPath(t, analyst)
	visit(t, analyst, e.base+"/centre/advisories?state=draft") // the warnings module's own tests check this page
	if !strings.Contains(pageHTML(t, analyst), "192.0.2.77") {
		t.Error("the draft is not among the warnings module's drafts")
	}
	// The draft is about the indicator, which the same click shared with the members' sensors (the
	// box is ticked by default): its form names the indicator, saves without a product, publishes.
	visit(t, analyst, e.base+advPath+"/edit")
	checkPage(t, analyst, "editing the advisory about an indicator")
	if html := pageHTML(t, analyst); !strings.Contains(html, "192.0.2.77") || !strings.Contains(html, `href="/indicators/`) {
		t.Error("the advisory's form does not name the shared indicator")
	}
	if st := clickAndWait(t, analyst, "save the advisory", `form[action="`+advPath+`"] button[type="submit"]`); st != 200 || currentPath(t, analyst) != advPath {
		t.Fatalf("saving the advisory without a product: status %d at %s", st, currentPath(t, analyst))
	}
	if st := clickAndWait(t, analyst, "publish", `form[action$="/publish"] button[type="submit"]`); st != 200 {
		t.Fatalf("publish: status %d", st)
	}
	visit(t, analyst, e.base+"/centre/early-warnings/settings")
	checkPage(t, analyst, "correlation settings")

	member := e.tab(t, false)
	signIn(t, member, e.base, f.Users["B:viewer"].Email)
	visit(t, member, e.base+"/sensors/early-warnings")
	checkPage(t, member, "the member's early warnings")
	if html := pageHTML(t, member); !strings.Contains(html, "192.0.2.77") || strings.Contains(html, f.A.Name) {
		t.Error("the member's page lacks the warning or names the other member")
	}
	if !strings.Contains(pageHTML(t, member), `href="/warnings/advisories/`) {
		t.Fatal("the member's page does not list the published advisory about the indicator")
	}
	if st := clickAndWait(t, member, "open the advisory", `a[href^="/warnings/advisories/"]`); st != 200 {
		t.Fatalf("member opens the advisory: status %d", st)
	}
	checkPage(t, member, "the member's advisory about an indicator")
	visit(t, member, e.base+"/indicators")
	if !strings.Contains(pageHTML(t, member), "192.0.2.77") {
		t.Error("the shared indicator is not in the member's indicator list")
	}
}
