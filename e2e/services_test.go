package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestServicesLoop is the main path of the services module: a new member's coordinator sees the
// onboarding checklist on the dashboard, sets up a unit and sees the item tick by itself;
// requests a service from the catalogue; the centre admin approves it from the requests queue;
// the coordinator sees it active. Every page is checked with axe-core and at 390 px.
func TestServicesLoop(t *testing.T) {
	e := start(t)
	st, f := e.srv.Store, e.srv.Fix
	ctx := context.Background()
	sys := vaern.System("e2e")
	// A member that has just joined: no units yet, one coordinator.
	m, err := st.CreateMember(ctx, sys, f.Centre.ID, vaern.Org{Code: "0999", Name: "Nyby Kommune", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testserver.Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.CreateUser(ctx, sys, store.NewUser{Email: "ny.koordinator@nyby.dk", Name: "Ny Koordinator", PasswordHash: hash,
		OrgID: m.ID, Role: vaern.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := st.SaveService(ctx, sys, f.Centre.ID, vaern.Service{
		Name:         vaern.Texts3{Da: "Netværksovervågning", Nb: "Nettverksovervåking", En: "Network monitoring"},
		Description:  vaern.Texts3{Da: "Døgnovervågning af internetforbindelsen.", Nb: "Døgnovervåking av internettforbindelsen.", En: "Round-the-clock monitoring."},
		ServiceLevel: "24/7", PriceModel: "Pr. indbygger", Contact: "soc@example.dk"})
	if err != nil {
		t.Fatal(err)
	}

	coord := e.tab(t, false) // the whole path works without JavaScript
	signIn(t, coord, e.base, u.Email)
	visit(t, coord, e.base+"/")
	if !strings.Contains(pageHTML(t, coord), `id="onb-dash-progress"`) {
		t.Fatal("the dashboard shows no onboarding progress")
	}
	visit(t, coord, e.base+"/onboarding")
	checkPage(t, coord, "the checklist")
	done := func() int {
		return eval[int](t, coord, "count done items", `document.querySelectorAll('.onb-list li[data-done="true"]').length`)
	}
	before := done()
	visit(t, coord, e.base+"/org/units")
	do(t, coord, "name a unit", chromedp.SendKeys(chromedp.ID("name"), "Borgerservice"))
	if st := clickAndWait(t, coord, "create the unit", `form[action="/org/units"] button[type="submit"]`); st != 200 {
		t.Fatalf("create unit: %d", st)
	}
	visit(t, coord, e.base+"/onboarding")
	if after := done(); after != before+1 {
		t.Fatalf("done items: %d before the unit, %d after", before, after)
	}

	visit(t, coord, e.base+"/services")
	do(t, coord, "write a note", chromedp.SendKeys(chromedp.ID(fmt.Sprintf("req-%d", svc.ID)), "Vi vil gerne i gang i januar"))
	if st := clickAndWait(t, coord, "request", fmt.Sprintf(`form[action="/services/%d/request"] button[type="submit"]`, svc.ID)); st != 200 {
		t.Fatalf("request: %d", st)
	}
	status := func() string {
		return eval[string](t, coord, "read the status", fmt.Sprintf(`document.querySelector('.svc-status[data-service="%d"]').innerText`, svc.ID))
	}
	if s := status(); !strings.Contains(s, svcLocale(t, "da", "svc.status.requested")) && !strings.Contains(s, svcLocale(t, "en", "svc.status.requested")) {
		t.Fatalf("after the request: %q", s)
	}

	admin := e.tab(t, true)
	signIn(t, admin, e.base, f.Users["centre-admin"].Email)
	visit(t, admin, e.base+"/centre/services/requests")
	checkPage(t, admin, "the requests queue")
	if !strings.Contains(pageHTML(t, admin), "Vi vil gerne i gang i januar") {
		t.Fatal("the queue lacks the request")
	}
	if st := clickAndWait(t, admin, "approve", `.svc-request button[value="approve"]`); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	visit(t, admin, fmt.Sprintf("%s/centre/services/%d", e.base, svc.ID))
	if !strings.Contains(pageHTML(t, admin), "Nyby Kommune") {
		t.Fatal("the subscribers table lacks the member")
	}

	visit(t, coord, e.base+"/services")
	if s := status(); !strings.Contains(s, svcLocale(t, "da", "svc.status.active")) && !strings.Contains(s, svcLocale(t, "en", "svc.status.active")) {
		t.Fatalf("after the approval: %q", s)
	}
	checkPage(t, coord, "the catalogue with the active service")
}

// svcLocale is a text of the services module's own locale file.
func svcLocale(t *testing.T, lang, key string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", "services."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || m[key] == "" {
		t.Fatalf("services.%s.json: %q: %v", lang, key, err)
	}
	return m[key]
}
