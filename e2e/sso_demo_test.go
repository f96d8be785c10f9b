package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern/internal/testserver"
)

// TestDemoIdPJourney: in the demo, a coordinator signs in with "Sign in with Aarhus Kommune
// (demo)", picks themselves on the demo provider's page (checked like Værn's own pages: it is
// ours), lands on the dashboard, and signs out of Værn and the demo provider in one go.
func TestDemoIdPJourney(t *testing.T) {
	e := startWith(t, testserver.Options{DemoIdP: true})
	coord := e.srv.Fix.Users["A:coordinator"]
	ctx := e.tab(t, true)
	visit(t, ctx, e.base+"/login")
	button := `a[href^="/sso/"]`
	if got := eval[string](t, ctx, "read the demo button", fmt.Sprintf(`document.querySelector('%s').innerText`, button)); got != "Sign in with Aarhus Kommune (demo)" {
		t.Fatalf("SSO button says %q", got)
	}
	if st := clickAndWait(t, ctx, "go to the demo provider", button); st != 200 {
		t.Fatalf("demo provider's page: status %d", st)
	}
	checkPage(t, ctx, "demo provider's sign-in page")
	if html := pageHTML(t, ctx); !strings.Contains(html, "Demo identity provider") || !strings.Contains(html, coord.Email) {
		t.Fatal("the demo provider's page is not marked as a demo, or does not offer the coordinator")
	}
	do(t, ctx, "pick the coordinator", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[value="demo-person-%d"]`, coord.ID))))
	if st := clickAndWait(t, ctx, "sign in at the demo provider", `button[type="submit"]`); st != 200 {
		t.Fatalf("back from the demo provider: status %d, %q", st, h1(t, ctx))
	}
	if path := currentPath(t, ctx); path != "/" {
		t.Fatalf("after the demo sign-in the browser is at %s (%q)", path, h1(t, ctx))
	}
	checkPage(t, ctx, "dashboard after the demo sign-in")
	if st := clickAndWait(t, ctx, "sign out", `form[action="/logout"] button`); st != 200 {
		t.Fatalf("sign out: status %d", st)
	}
	if path := currentPath(t, ctx); path != "/login" {
		t.Fatalf("after signing out the browser is at %s", path)
	}
	checkPage(t, ctx, "sign-in page after single logout")
	if html := pageHTML(t, ctx); !strings.Contains(html, "at your organisation's identity provider too") {
		t.Fatal("the sign-in page does not say the provider's session ended too")
	}
	visit(t, ctx, e.base+"/demo-idp/")
	if html := pageHTML(t, ctx); !strings.Contains(html, "Nobody is signed in") {
		t.Fatal("the demo provider's session survived the sign-out")
	}
}
