package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
)

// TestPasskeyJourney: a viewer adds a passkey on the account page (Chromium's virtual
// authenticator stands in for the phone or security key), signs out, and signs in again with the
// passkey alone. WebAuthn takes no IP address as its relying party, so the browser reaches the
// server as localhost.
func TestPasskeyJourney(t *testing.T) {
	e := start(t)
	base := strings.Replace(e.base, "127.0.0.1", "localhost", 1)
	email := e.srv.Fix.Users["A:viewer"].Email
	ctx := e.tab(t, true)
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(c, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn: %v", err)
	}
	if _, err := chromedp.Call(c, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}}); err != nil {
		t.Fatalf("add a virtual authenticator: %v", err)
	}
	if got := signIn(t, ctx, base, email); got != "/" {
		t.Fatalf("signed in, landed on %s", got)
	}
	visit(t, ctx, base+"/account")
	do(t, ctx, "name the passkey", chromedp.WaitVisible(chromedp.ID("passkey-add-button")),
		chromedp.SendKeys(chromedp.ID("passkey-name"), "Work laptop"))
	do(t, ctx, "add the passkey", chromedp.Click(chromedp.ID("passkey-add-button")))
	waitFor(t, ctx, "the passkey in the list", `document.getElementById("passkey-list").innerText.includes("Work laptop")`)
	checkPage(t, ctx, "account with a passkey")

	if st := clickAndWait(t, ctx, "sign out", `form[action="/logout"] button[type="submit"]`); st != 200 {
		t.Fatalf("sign out: %d", st)
	}
	visit(t, ctx, base+"/login")
	do(t, ctx, "sign in with the passkey", chromedp.WaitVisible(chromedp.ID("passkey-login-button")),
		chromedp.Click(chromedp.ID("passkey-login-button")))
	waitFor(t, ctx, "the dashboard", `location.pathname === "/" && !!document.querySelector("form[action='/logout']")`)
	visit(t, ctx, base+"/account")
	if !strings.Contains(pageHTML(t, ctx), email) {
		t.Fatal("signed in with the passkey, but not as the viewer")
	}

	// As a second factor: with two-factor sign-in on, the passkey stands in for the code.
	st := e.srv.Store
	u := e.srv.Fix.Users["A:viewer"]
	if err := st.StartTOTP(context.Background(), u.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableTOTP(context.Background(), vaern.System("e2e"), e.srv.Fix.A.ID, u.ID, []string{"x"}); err != nil {
		t.Fatal(err)
	}
	if st := clickAndWait(t, ctx, "sign out", `form[action="/logout"] button[type="submit"]`); st != 200 {
		t.Fatalf("sign out: %d", st)
	}
	if got := signIn(t, ctx, base, email); !strings.HasPrefix(got, "/login/code") {
		t.Fatalf("with two-factor on, the password led to %s", got)
	}
	checkPage(t, ctx, "second factor with a passkey offered")
	do(t, ctx, "use the passkey for the second factor", chromedp.WaitVisible(chromedp.ID("passkey-login-button")),
		chromedp.Click(chromedp.ID("passkey-login-button")))
	waitFor(t, ctx, "the dashboard after the second factor", `location.pathname === "/" && !!document.querySelector("form[action='/logout']")`)
}

// waitFor polls a JavaScript condition until it holds, failing after the step timeout.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %q", what, h1(t, ctx))
}
