package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

// TestRequire2FAPasskey: under an organisation's two-factor rule a passkey counts as the second
// factor, as onboarding counts it: the gate lets its holder in, the account page (where passkeys
// are added) stays open to those still enrolling, a password sign-in then waits for the passkey,
// and the TOTP app may go while a passkey remains.
func TestRequire2FAPasskey(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		wantRedirect(t, "settings", coord.post("/org/settings", form("require_2fa", "on")), "/org/settings")

		viewer := s.Fix.Users["A:viewer"]
		v := signIn(t, s, "A:viewer")
		wantRedirect(t, "viewer without a second factor", v.get("/"), "/account/2fa")
		wantStatus(t, "account page while enrolling (passkeys are added there)", v.get("/account"), http.StatusOK)
		wantContains(t, "enrolment page", v.get("/account/2fa").Body, text(s, "twofactor.passkey_alt"))

		if _, err := s.Store.AddPasskey(ctx, vaern.System("test"), s.Fix.A.ID, viewer.ID, "cred-gate-"+string(s.Store.Engine()), "key", "{}"); err != nil {
			t.Fatal(err)
		}
		u, err := s.Store.UserSelf(ctx, viewer.ID)
		if err != nil || !u.HasPasskey || u.TOTPEnabled || !u.HasSecondFactor() {
			t.Fatalf("user after adding a passkey: %+v, %v", u, err)
		}
		wantStatus(t, "viewer with a passkey", v.get("/"), http.StatusOK)
		wantStatus(t, "API with a passkey", v.api("GET", "/api/v1/me", "", ""), http.StatusOK)
		// A password alone no longer signs the passkey holder in: the passkey is asked for.
		again := newClient(t, s)
		wantRedirect(t, "password step", again.login(viewer.Email, testserver.Password), "/login/code?next=%2F")
		wantRedirect(t, "dashboard before the passkey", again.get("/"), "/login?next=%2F")
		code := again.get("/login/code")
		wantStatus(t, "second-factor page", code, http.StatusOK)
		wantContains(t, "second-factor page", code.Body, text(s, "login.passkey_intro"), `id="passkey-login-button"`)
		if strings.Contains(code.Body, `action="/login/code"`) {
			t.Fatal("the code form is offered to a user without a TOTP app")
		}
		wantStatus(t, "a code without a TOTP app", again.post("/login/code", form("code", "000000")), http.StatusUnauthorized)

		// With an app and a passkey, the app may be switched off under the rule: the passkey remains.
		r := signIn(t, s, "A:respondent")
		enrol2FA(t, s, r)
		resp := s.Fix.Users["A:respondent"]
		if _, err := s.Store.AddPasskey(ctx, vaern.System("test"), s.Fix.A.ID, resp.ID, "cred-gate-r-"+string(s.Store.Engine()), "key", "{}"); err != nil {
			t.Fatal(err)
		}
		wantRedirect(t, "disable the app, a passkey remaining", r.post("/account/2fa/disable", form("current", testserver.Password)), "/account/2fa")
		if u, _ := s.Store.UserSelf(ctx, resp.ID); u.TOTPEnabled || !u.HasSecondFactor() {
			t.Fatalf("respondent after switching the app off: %+v", u)
		}
		wantStatus(t, "respondent with the passkey only", r.get("/"), http.StatusOK)
	})
}
