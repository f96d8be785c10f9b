package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// addOIDC registers the OP as an identity provider of org and the provider's callback at the OP.
func addOIDC(t *testing.T, s *testserver.Server, op *ssotest.OP, org vaern.Org, name string, jit bool, acr ...string) vaern.IdentityProvider {
	t.Helper()
	clientID := fmt.Sprintf("vaern-%s", strings.ReplaceAll(name, " ", "-"))
	p, err := s.Store.CreateIdentityProvider(context.Background(), vaern.System("test"), org.ID, vaern.IdentityProvider{Kind: vaern.IdPOIDC,
		Name: name, Issuer: op.Issuer, ClientID: clientID, ClientSecret: "secret-" + clientID, JIT: jit, ACRValues: acr,
		RoleMap: []vaern.GroupRole{{Group: "never-asserted", Role: vaern.RoleCoordinator}}})
	if err != nil {
		t.Fatal(err)
	}
	op.AddClient(clientID, "secret-"+clientID, fmt.Sprintf("%s/sso/%d/callback", s.URL, p.ID))
	return p
}

// TestOIDCSignInEndToEnd signs in through an in-process OpenID provider on the real server, on
// both engines: the sign-in page's button, the code flow with PKCE, state and nonce, linking a
// pre-created user by e-mail, just-in-time provisioning into the provider's member only, the acr
// requirement, a replayed callback, and member A's IdP never reaching member B.
func TestOIDCSignInEndToEnd(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			op := ssotest.StartOP(t,
				ssotest.OPUser{ID: "u-coord", Username: "coord", Password: "pw", Email: s.Fix.Users["A:coordinator"].Email, First: "Anne", Last: "Koordinator"},
				ssotest.OPUser{ID: "u-new", Username: "new", Password: "pw", Email: "ny.medarbejder@aarhus.test.dk", First: "Ny", Last: "Medarbejder"},
				ssotest.OPUser{ID: "u-b", Username: "bee", Password: "pw", Email: s.Fix.Users["B:coordinator"].Email, First: "B", Last: "Coordinator"})
			pre := addOIDC(t, s, op, s.Fix.A, "Aarhus Entra ID", false)
			jit := addOIDC(t, s, op, s.Fix.A, "Aarhus JIT", true)
			strict := addOIDC(t, s, op, s.Fix.A, "Aarhus ID-porten", true, "idporten-loa-high")

			c := s.Client()
			if st, page := get(t, c, s.URL+"/login"); st != 200 || !strings.Contains(page, "Sign in with Aarhus Entra ID") ||
				!strings.Contains(page, fmt.Sprintf(`href="/sso/%d/login`, pre.ID)) {
				t.Fatalf("sign-in page: %d, no button for the provider", st)
			}

			// A pre-created coordinator signs in and is linked by e-mail.
			resp := op.SignIn(t, c, fmt.Sprintf("%s/sso/%d/login?next=/account", s.URL, pre.ID), "coord", "pw")
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("callback: %d %q %.400s", resp.StatusCode, resp.Header.Get("Location"), b)
			}
			resp.Body.Close()
			callback := resp.Request.URL.String()
			st, page := get(t, c, s.URL+"/account")
			if st != 200 || !strings.Contains(page, "Identity at Aarhus Entra ID") || !strings.Contains(page, s.Fix.Users["A:coordinator"].Email) {
				t.Fatalf("account page after OIDC sign-in: %d", st)
			}
			// The same callback again (a stolen code, a reload) signs nobody in.
			c2 := s.Client()
			if st, _ := get(t, c2, callback); st != http.StatusBadRequest {
				t.Fatalf("replayed callback in another browser: %d", st)
			}
			if st, _ := get(t, c, callback); st != http.StatusBadRequest {
				t.Fatalf("replayed callback: %d", st)
			}

			// Unknown person without JIT: refused. With JIT: a viewer of A, and of A only.
			c3 := s.Client()
			resp = op.SignIn(t, c3, fmt.Sprintf("%s/sso/%d/login", s.URL, pre.ID), "new", "pw")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("unknown person without JIT: %d", resp.StatusCode)
			}
			resp.Body.Close()
			resp = op.SignIn(t, c3, fmt.Sprintf("%s/sso/%d/login", s.URL, jit.ID), "new", "pw")
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("JIT sign-in: %d", resp.StatusCode)
			}
			resp.Body.Close()
			u, err := s.Store.UserByEmail(context.Background(), "ny.medarbejder@aarhus.test.dk")
			if err != nil {
				t.Fatal(err)
			}
			if m, err := s.Store.OrgUser(context.Background(), s.Fix.A.ID, u.ID); err != nil || m.Role != vaern.RoleViewer || m.Name != "Ny Medarbejder" {
				t.Fatalf("JIT member: %+v %v", m, err)
			}
			if _, err := s.Store.OrgUser(context.Background(), s.Fix.B.ID, u.ID); err == nil {
				t.Fatal("JIT user is in B")
			}
			if st, _ := get(t, c3, s.URL+"/org/users"); st != 200 {
				t.Fatalf("JIT viewer's session: %d", st)
			}

			// B's coordinator at A's IdP: not signed in anywhere (not into B, not into A).
			c4 := s.Client()
			resp = op.SignIn(t, c4, fmt.Sprintf("%s/sso/%d/login", s.URL, jit.ID), "bee", "pw")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("B's user through A's IdP: %d", resp.StatusCode)
			}
			resp.Body.Close()
			if st, _ := get(t, c4, s.URL+"/account"); st != http.StatusSeeOther {
				t.Fatalf("B's user has a session after A's IdP: %d", st)
			}

			// acr required and not given: refused.
			c5 := s.Client()
			resp = op.SignIn(t, c5, fmt.Sprintf("%s/sso/%d/login", s.URL, strict.ID), "coord", "pw")
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("missing acr: %d", resp.StatusCode)
			}
			resp.Body.Close()

			// Requiring SSO: the password no longer signs A's people in; B's still does.
			if err := s.Store.SetOrgSignin(context.Background(), vaern.System("test"), s.Fix.A.ID, vaern.SigninSSO); err != nil {
				t.Fatal(err)
			}
			pc := s.Client()
			r, err := pc.PostForm(s.URL+"/login", map[string][]string{"email": {s.Fix.Users["A:viewer"].Email}, "password": {testserver.Password}})
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			if r.StatusCode != http.StatusForbidden {
				t.Fatalf("password sign-in with SSO required: %d", r.StatusCode)
			}
			s.Login(t, "B:viewer")
		})
	}
}
