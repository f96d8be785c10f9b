package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/ssotest"
)

// TestSSOJourney: a coordinator signs in with the municipality's OpenID provider (in process)
// through the sign-in page's "Sign in with NAME" button, finds the identity on the account page,
// and manages the providers; every Værn page is checked with axe-core.
func TestSSOJourney(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	op := ssotest.StartOP(t, ssotest.OPUser{ID: "u1", Username: "anne", Password: "idp-password",
		Email: f.Users["A:coordinator"].Email, First: "Anne", Last: "Koordinator"})
	p, err := e.srv.Store.CreateIdentityProvider(context.Background(), vaern.System("e2e"), f.A.ID, vaern.IdentityProvider{
		Kind: vaern.IdPOIDC, Name: "Aarhus Entra ID", Issuer: op.Issuer, ClientID: "vaern-e2e", ClientSecret: "e2e-secret"})
	if err != nil {
		t.Fatal(err)
	}
	op.AddClient("vaern-e2e", "e2e-secret", fmt.Sprintf("%s/sso/%d/callback", e.base, p.ID))

	ctx := e.tab(t, true)
	visit(t, ctx, e.base+"/login")
	button := fmt.Sprintf(`a[href^="/sso/%d/login"]`, p.ID)
	if got := eval[string](t, ctx, "read the SSO button", fmt.Sprintf(`document.querySelector('%s').innerText`, button)); got != "Sign in with Aarhus Entra ID" {
		t.Fatalf("SSO button says %q", got)
	}
	// At the identity provider's own sign-in page (not Værn's: not checked with axe).
	if st := clickAndWait(t, ctx, "go to the identity provider", button); st != 200 {
		t.Fatalf("identity provider's page: status %d", st)
	}
	do(t, ctx, "sign in at the identity provider",
		chromedp.SendKeys(chromedp.ID("username"), "anne"),
		chromedp.SendKeys(chromedp.ID("password"), "idp-password"))
	if st := clickAndWait(t, ctx, "submit at the identity provider", `button[type="submit"]`); st != 200 {
		t.Fatalf("back from the identity provider: status %d, %q", st, h1(t, ctx))
	}
	if path := currentPath(t, ctx); path != "/" {
		t.Fatalf("after SSO sign-in the browser is at %s (%q)", path, h1(t, ctx))
	}
	checkPage(t, ctx, "dashboard after SSO")
	visit(t, ctx, e.base+"/account")
	if html := pageHTML(t, ctx); !strings.Contains(html, "Identity at Aarhus Entra ID") {
		t.Fatal("the account page does not list the SSO identity")
	}
	// The coordinator's administration of the member's providers.
	visit(t, ctx, e.base+"/org/sso")
	visit(t, ctx, fmt.Sprintf("%s/org/sso/%d", e.base, p.ID))
	if html := pageHTML(t, ctx); !strings.Contains(html, fmt.Sprintf("/sso/%d/callback", p.ID)) || strings.Contains(html, "e2e-secret") {
		t.Fatal("the provider page does not show the redirect URI, or shows the secret")
	}
}
