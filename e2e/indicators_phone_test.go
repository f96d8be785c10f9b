package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// TestIndicatorPagesLongValues: the indicator, sensor and early-warning pages with the longest
// values they show (a SHA-256 hash, a long URL, a long domain as an early warning) fit a 390 px
// phone for the centre's analyst and for a member's coordinator (checkPage measures each page),
// and their lists show one card per row there rather than a table to scroll sideways.
func TestIndicatorPagesLongValues(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	ctx := context.Background()
	st := e.srv.Store
	u := f.Users["centre-analyst"]
	a := vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: f.Centre.ID, Role: vaern.RoleCentreAnalyst}
	v := access.Of(&vaern.Principal{User: u, Org: f.Centre, Role: vaern.RoleCentreAnalyst})
	obj := access.Object{Owner: f.Centre.ID, Creator: u.ID, TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}}
	long := []string{
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a089f86d081884c7d659a2feaa0c55ad015"[:64],
		"https://downloads.very-long-subdomain-of-a-campaign.example.com/path/to/a/payload/that/goes/on/and/on/update.exe?id=0123456789abcdef0123456789abcdef",
		"c2-relay-node-0042.a-deliberately-long-domain-name-used-by-the-campaign.example.net",
	}
	var ids []int64
	for _, val := range long {
		in, err := st.AddIndicator(ctx, a, v, store.IndicatorInput{Value: val, Confidence: 80, Description: "Long value " + val, Object: obj})
		if err != nil {
			t.Fatalf("add %s: %v", val, err)
		}
		ids = append(ids, in.ID)
	}
	at := st.Now().Add(-20 * time.Minute)
	var ewID int64
	if err := st.SaveEarlyWarnings(ctx, f.Centre.ID, time.Hour, []vaern.EarlyWarning{{Kind: vaern.IndicatorDomain,
		Value: "beacon-" + long[2], SignatureID: 2024001, Signature: "ET MALWARE a long signature name about a beacon to " + long[2],
		FirstSeen: at, LastSeen: at.Add(10 * time.Minute), Alerts: 4, MemberIDs: []int64{f.A.ID, f.B.ID}}},
		func(_ *store.Tx, w vaern.EarlyWarning, _ store.EarlyWarningSaved) error { ewID = w.ID; return nil }); err != nil || ewID == 0 {
		t.Fatal(ewID, err)
	}

	analyst := e.tab(t, true)
	signIn(t, analyst, e.base, u.Email)
	pages := []string{"/indicators", "/centre/indicators", "/centre/early-warnings", fmt.Sprintf("/centre/early-warnings/%d", ewID), "/centre/sensors/health"}
	for _, id := range ids {
		pages = append(pages, fmt.Sprintf("/indicators/%d", id))
	}
	for _, p := range pages {
		visit(t, analyst, e.base+p)
		if !strings.HasPrefix(p, "/centre/sensors") {
			tablesFit(t, analyst, p)
		}
	}
	if !strings.Contains(pageHTML(t, analyst), long[2][:20]) {
		t.Fatal("the indicator page does not show the long value")
	}

	member := e.tab(t, true)
	signIn(t, member, e.base, f.Users["A:coordinator"].Email)
	for _, p := range []string{"/indicators", fmt.Sprintf("/indicators/%d", ids[1]), "/sensors", "/sensors/early-warnings"} {
		visit(t, member, e.base+p)
		if p != "/sensors" {
			tablesFit(t, member, p)
		}
	}
}

// tablesFit fails when, on a 390 px phone, a table on the page scrolls sideways inside its
// .table-wrap, or an indicator value is wider than its box: the lists become one card per row
// and long values break.
func tablesFit(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	do(t, ctx, what+": emulate a phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
	wide := eval[string](t, ctx, what+": measure the tables", `(() => {
		const out = [];
		for (const w of document.querySelectorAll(".table-wrap")) {
			if (w.scrollWidth > w.clientWidth + 1) out.push("table " + (w.getAttribute("aria-labelledby") || "") + " " + w.scrollWidth + "/" + w.clientWidth + " px");
		}
		for (const c of document.querySelectorAll("main code, main .ind-value")) {
			if (c.closest("pre")) continue;
			if (c.scrollWidth > c.parentElement.clientWidth + 1) out.push(c.tagName.toLowerCase() + " " + c.textContent.slice(0, 30) + " " + c.scrollWidth + " px");
		}
		return out.join("; ");
	})()`)
	if wide != "" {
		t.Errorf("%s on a phone: %s", what, wide)
	}
	do(t, ctx, what+": back to the desktop window", chromedp.EmulateViewport(1280, 900))
}
