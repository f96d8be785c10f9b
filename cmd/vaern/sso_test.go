package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/web"
)

// TestSSOCommands: the operator adds an OIDC and a SAML provider to a member by its code, lists
// and removes them; the sign-in page shows "Sign in with NAME" for each.
func TestSSOCommands(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		dsn, st, org, _ := seeded(t, e)
		code, out, errs := vaernRun(t, nil, "sso", "add-oidc", "--database", dsn, "--org", "751", "--name", "Aarhus Entra ID",
			"--issuer", "https://login.microsoftonline.com/0000-tenant/v2.0", "--client-id", "vaern", "--client-secret", "hemmelig",
			"--base-url", "https://vaern.example.dk")
		wantExit(t, code, 0, out, errs, "sso add-oidc")
		if !strings.Contains(out, "redirect URI to register: https://vaern.example.dk/sso/") {
			t.Fatalf("add-oidc output: %s", out)
		}
		meta := filepath.Join(t.TempDir(), "idp.xml")
		if err := os.WriteFile(meta, ssotest.StartSAMLIdP(t).Metadata(t), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs = vaernRun(t, nil, "sso", "add-saml", "--database", dsn, "--org", "751", "--name", "KOMBIT", "--metadata", meta,
			"--profile", "oiosaml3")
		wantExit(t, code, 0, out, errs, "sso add-saml")
		// A centre role through a member's IdP is refused.
		code, _, _ = vaernRun(t, nil, "sso", "add-oidc", "--database", dsn, "--org", "751", "--name", "Bad", "--issuer", "https://idp.example.dk",
			"--client-id", "x", "--client-secret", "y", "--default-role", "centre-admin")
		if code == 0 {
			t.Fatal("a member's provider with a centre role was added")
		}
		code, out, errs = vaernRun(t, nil, "sso", "list", "--database", dsn, "--org", "751")
		wantExit(t, code, 0, out, errs, "sso list")
		if !strings.Contains(out, "Aarhus Entra ID") || !strings.Contains(out, "KOMBIT") || strings.Contains(out, "hemmelig") {
			t.Fatalf("sso list: %s", out)
		}
		srv, err := web.New(web.Config{BaseURL: "http://vaern.test"}, st)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
		for _, want := range []string{"Sign in with Aarhus Entra ID", "Sign in with KOMBIT"} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("sign-in page lacks %q", want)
			}
		}
		list, err := st.IdentityProviders(t.Context(), org.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("providers: %v %v", list, err)
		}
		code, out, errs = vaernRun(t, nil, "sso", "remove", "--database", dsn, "--org", "751", "--id", "1")
		wantExit(t, code, 0, out, errs, "sso remove")
	})
}
