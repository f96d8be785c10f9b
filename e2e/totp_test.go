package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern/internal/auth"
)

// TestTwoFactorSignIn enrols a user in two-factor sign-in through Account → two-factor, signs out,
// and signs in again with the password and then the code from the authenticator.
func TestTwoFactorSignIn(t *testing.T) {
	e := start(t)
	ctx := e.tab(t, true)
	email := e.srv.Fix.Users["A:viewer"].Email

	if got := signIn(t, ctx, e.base, email); got != "/" {
		t.Fatalf("first sign-in landed on %s, want /", got)
	}
	visit(t, ctx, e.base+"/account")
	if st := clickAndWait(t, ctx, "open two-factor from the account page", `a[href="/account/2fa"]`); st != 200 {
		t.Fatalf("two-factor page: status %d", st)
	}
	if got := currentPath(t, ctx); got != "/account/2fa" {
		t.Fatalf("the account page's two-factor link led to %s", got)
	}
	if st := clickAndWait(t, ctx, "start enrolment", `form[action="/account/2fa/start"] button[type="submit"]`); st != 200 {
		t.Fatalf("start enrolment: status %d", st)
	}
	checkPage(t, ctx, "two-factor enrolment")
	secret := strings.TrimSpace(run(t, ctx, "read the secret", chromedp.TextContent(chromedp.CSS("code[data-secret]"))))
	if len(secret) < 16 {
		t.Fatalf("secret on the page is %q", secret)
	}

	// A wrong code is refused with the field marked, and the enrolment stays open.
	do(t, ctx, "enter a wrong code", chromedp.SendKeys(chromedp.ID("code"), wrongCode(secret)))
	if st := clickAndWait(t, ctx, "enable with a wrong code", `form[action="/account/2fa/enable"] button[type="submit"]`); st != 422 {
		t.Fatalf("enable with a wrong code: status %d, want 422", st)
	}
	checkPage(t, ctx, "two-factor enrolment with a wrong code")
	if inv := run(t, ctx, "read the code field", chromedp.AttributeValue(chromedp.ID("code"), "aria-invalid")); inv.Value != "true" {
		t.Errorf("after a wrong code the field has aria-invalid=%q", inv.Value)
	}

	do(t, ctx, "enter the code", chromedp.SendKeys(chromedp.ID("code"), auth.TOTPCode(secret, time.Now())))
	if st := clickAndWait(t, ctx, "enable two-factor", `form[action="/account/2fa/enable"] button[type="submit"]`); st != 200 {
		t.Fatalf("enable two-factor: status %d; the page says %q", st, h1(t, ctx))
	}
	checkPage(t, ctx, "recovery codes")
	if got, want := run(t, ctx, "read the recovery heading", chromedp.TextContent(chromedp.ID("rc-h"))), locale(t, "en", "twofactor.recovery_title"); strings.TrimSpace(got) != want {
		t.Errorf("after enrolment the page shows %q, want %q", got, want)
	}
	codes := eval[[]string](t, ctx, "read the recovery codes", `Array.from(document.querySelectorAll("ul.codes code")).map(c => c.textContent)`)
	if len(codes) != 10 {
		t.Errorf("%d recovery codes shown, want 10: %v", len(codes), codes)
	}

	if st := clickAndWait(t, ctx, "sign out", `form[action="/logout"] button[type="submit"]`); st != 200 {
		t.Fatalf("sign out: status %d", st)
	}
	if got := currentPath(t, ctx); got != "/login" {
		t.Fatalf("after signing out the browser is on %s, want /login", got)
	}
	visitStatus(t, ctx, e.base+"/", 200) // redirected to the sign-in form
	if got := currentPath(t, ctx); !strings.HasPrefix(got, "/login") {
		t.Fatalf("signed out, / shows %s, want the sign-in form", got)
	}

	// The password alone is not enough now: the code is asked for.
	if got := signIn(t, ctx, e.base, email); !strings.HasPrefix(got, "/login/code") {
		t.Fatalf("password sign-in of an enrolled user landed on %s, want /login/code", got)
	}
	checkPage(t, ctx, "sign-in code form")
	visitStatus(t, ctx, e.base+"/org/units", 200) // not signed in yet: back to the sign-in form
	if got := currentPath(t, ctx); !strings.HasPrefix(got, "/login") {
		t.Fatalf("between password and code, /org/units shows %s, want the sign-in form", got)
	}
	if got := signIn(t, ctx, e.base, email); !strings.HasPrefix(got, "/login/code") {
		t.Fatalf("password sign-in landed on %s, want /login/code", got)
	}
	do(t, ctx, "enter a wrong sign-in code", chromedp.SendKeys(chromedp.ID("code"), wrongCode(secret)))
	if st := clickAndWait(t, ctx, "send a wrong sign-in code", `form[action="/login/code"] button[type="submit"]`); st != 401 {
		t.Fatalf("wrong sign-in code: status %d, want 401", st)
	}
	checkPage(t, ctx, "sign-in code form with a wrong code")
	// The code of the next 30-second step is accepted too (clock drift), and unlike the current one
	// it cannot have been used already for the enrolment, should the server refuse a code twice.
	do(t, ctx, "enter the sign-in code", chromedp.SendKeys(chromedp.ID("code"), auth.TOTPCode(secret, time.Now().Add(30*time.Second))))
	if st := clickAndWait(t, ctx, "send the sign-in code", `form[action="/login/code"] button[type="submit"]`); st != 200 {
		t.Fatalf("sign-in code: status %d; the page says %q", st, h1(t, ctx))
	}
	if got := currentPath(t, ctx); got != "/" {
		t.Fatalf("after the code the browser is on %s, want the dashboard", got)
	}
	if got, want := h1(t, ctx), locale(t, "en", "dashboard.title"); got != want {
		t.Errorf("dashboard h1 %q, want %q", got, want)
	}
	checkPage(t, ctx, "dashboard after two-factor sign-in")
	visit(t, ctx, e.base+"/account/2fa")
}

// wrongCode is a six-digit code that is not valid for secret now (nor in the steps either side).
func wrongCode(secret string) string {
	now := time.Now()
	for _, c := range []string{"000000", "111111", "222222"} {
		if c != auth.TOTPCode(secret, now) && c != auth.TOTPCode(secret, now.Add(-30*time.Second)) && c != auth.TOTPCode(secret, now.Add(30*time.Second)) {
			return c
		}
	}
	return "333333"
}
