package web_test

import (
	"context"
	"fmt"
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

// TestPasskeyDeleteLastFactor: under the two-factor rule a person without a TOTP app may remove
// a passkey while another remains, but not the last one: the account page says why it offers no
// remove button, and a post anyway is refused naming the reason, with the passkey kept and
// nothing audited. With the app, or without the rule, the last passkey may go.
func TestPasskeyDeleteLastFactor(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		addKey := func(key, name string) int64 {
			t.Helper()
			u := s.Fix.Users[key]
			org := s.Fix.A.ID
			if strings.HasPrefix(key, "B:") {
				org = s.Fix.B.ID
			}
			pk, err := s.Store.AddPasskey(ctx, vaern.System("test"), org, u.ID, "cred-last-"+key+name+string(s.Store.Engine()), name, "{}")
			if err != nil {
				t.Fatal(err)
			}
			return pk.ID
		}
		removeForm := func(id int64) string { return fmt.Sprintf(`action="/account/passkeys/%d/delete"`, id) }
		coord := signIn(t, s, "A:coordinator")
		wantRedirect(t, "settings", coord.post("/org/settings", form("require_2fa", "on")), "/org/settings")

		viewer := s.Fix.Users["A:viewer"]
		v := signIn(t, s, "A:viewer") // before the passkeys: a password alone then no longer signs in
		first, second := addKey("A:viewer", "laptop"), addKey("A:viewer", "phone")
		page := v.get("/account")
		wantContains(t, "two passkeys", page.Body, removeForm(first), removeForm(second))
		if strings.Contains(page.Body, text(s, "sso.passkey_last_factor")) {
			t.Error("the page says a passkey cannot go while two remain")
		}
		wantRedirect(t, "remove one of two", v.post(fmt.Sprintf("/account/passkeys/%d/delete", first), nil), "/account")

		page = v.get("/account")
		wantStatus(t, "account with the last passkey", page, http.StatusOK)
		wantContains(t, "last passkey", page.Body, text(s, "sso.passkey_last_factor"))
		if strings.Contains(page.Body, removeForm(second)) {
			t.Error("the account page offers to remove the last second factor under the rule")
		}
		refused := v.post(fmt.Sprintf("/account/passkeys/%d/delete", second), nil)
		wantStatus(t, "remove the last passkey", refused, http.StatusUnprocessableEntity)
		wantContains(t, "remove the last passkey", refused.Body, text(s, "err.is your last second factor, which your organisation requires: add another passkey or an authenticator app first"))
		keys, err := s.Store.UserPasskeys(ctx, viewer.ID)
		if err != nil || len(keys) != 1 || keys[0].ID != second {
			t.Fatalf("passkeys after the refusal: %+v, %v", keys, err)
		}
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "identity.passkey_remove", viewer.ID); n != 1 {
			t.Errorf("identity.passkey_remove audited %d times, want 1 (the refused one is not)", n)
		}
		wantStatus(t, "still signed in with a second factor", v.get("/"), http.StatusOK)

		// With the app as well, the last passkey may go under the rule.
		r := signIn(t, s, "A:respondent")
		enrol2FA(t, s, r)
		only := addKey("A:respondent", "key")
		wantContains(t, "passkey and app", r.get("/account").Body, removeForm(only))
		wantRedirect(t, "remove the passkey, the app remaining", r.post(fmt.Sprintf("/account/passkeys/%d/delete", only), nil), "/account")

		// Without the rule, the last passkey may go.
		bv := signIn(t, s, "B:viewer")
		b := addKey("B:viewer", "key")
		wantContains(t, "no rule", bv.get("/account").Body, removeForm(b))
		wantRedirect(t, "remove the last passkey without the rule", bv.post(fmt.Sprintf("/account/passkeys/%d/delete", b), nil), "/account")
	})
}
