package web_test

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/crewjam/saml"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// inflated is a SAML message of the HTTP-Redirect binding, decoded.
func inflated(t *testing.T, v string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(flate.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// location is the redirect of a GET, not followed.
func location(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestSAMLSingleLogout runs SAML single logout both ways against the in-process IdP on the real
// server, on both engines: signing out of Værn sends a signed LogoutRequest with NameID and
// SessionIndex to the IdP, whose LogoutResponse is checked; the IdP's own LogoutRequest ends the
// Værn sessions of that SessionIndex only and is answered with a signed LogoutResponse; a forged,
// unsigned or replayed LogoutRequest ends nothing.
func TestSAMLSingleLogout(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{Log: testLog(t)})
			idp := ssotest.StartSAMLIdP(t)
			p := addSAML(t, s, idp, s.Fix.A, "Aarhus AD FS", "", true)
			start := fmt.Sprintf("%s/sso/%d/login", s.URL, p.ID)
			slo := fmt.Sprintf("%s/sso/%d/slo", s.URL, p.ID)
			if st, md := get(t, s.Client(), fmt.Sprintf("%s/sso/%d/metadata", s.URL, p.ID)); st != 200 ||
				!strings.Contains(md, "SingleLogoutService") || !strings.Contains(md, slo) {
				t.Fatalf("SP metadata has no single logout service: %.400s", md)
			}
			signIn := func(session, index string) *http.Client {
				t.Helper()
				idp.Session.ID, idp.Session.Index = session, index
				c := s.Client()
				acs, form := idp.Response(t, c, start)
				if st, _ := post(t, c, acs, form); st != http.StatusSeeOther {
					t.Fatalf("sign-in: %d", st)
				}
				return c
			}

			// SP-initiated: Værn's session ends, a signed LogoutRequest goes to the IdP, whose
			// LogoutResponse comes back and is checked.
			c1 := signIn("s1", "idx-s1")
			resp, err := c1.PostForm(s.URL+"/logout", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			out, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(out.String(), idp.URL+"/slo") || out.Query().Get("Signature") == "" {
				t.Fatalf("sign-out: %d to %s", resp.StatusCode, out)
			}
			if req := inflated(t, out.Query().Get("SAMLRequest")); !strings.Contains(req, ">alice<") || !strings.Contains(req, "idx-s1") {
				t.Fatalf("LogoutRequest without NameID and SessionIndex: %s", req)
			}
			if signedIn(t, s, c1) {
				t.Fatal("still signed in after signing out")
			}
			st, back := location(t, c1, out.String())
			if st/100 != 3 || !strings.HasPrefix(back, slo+"?") {
				t.Fatalf("IdP's answer to the LogoutRequest: %d %q", st, back)
			}
			if ended := idp.EndedSessions(); len(ended) != 1 || ended[0] != "s1" {
				t.Fatalf("the IdP ended %v, want s1", ended)
			}
			if st, to := location(t, c1, back); st != http.StatusSeeOther || to != "/login" {
				t.Fatalf("LogoutResponse: %d %q", st, to)
			}
			if st, _ := location(t, c1, back); st != http.StatusBadRequest {
				t.Fatalf("the same LogoutResponse again: %d", st)
			}

			// IdP-initiated: the IdP ends its session s2; Værn's sessions of s2 end, s3's stay.
			c2, c3 := signIn("s2", "idx-s2"), signIn("s2", "idx-s2")
			c4 := signIn("s3", "idx-s3")
			password := s.Login(t, "A:viewer")
			browser := s.Client()
			st, toSP := location(t, browser, idp.URL+"/logout?session=s2")
			if st/100 != 3 || !strings.HasPrefix(toSP, slo+"?") {
				t.Fatalf("IdP-initiated logout: %d %q", st, toSP)
			}
			// Tampered with or unsigned: refused, nothing ended.
			u, _ := url.Parse(toSP)
			unsigned := u.Query()
			unsigned.Del("Signature")
			unsigned.Del("SigAlg")
			tampered := u.Query()
			tampered.Set("SAMLRequest", strings.Replace(tampered.Get("SAMLRequest"), "A", "B", 1))
			for what, q := range map[string]url.Values{"unsigned": unsigned, "tampered": tampered} {
				if st, _ := get(t, s.Client(), slo+"?"+q.Encode()); st != http.StatusBadRequest {
					t.Errorf("%s LogoutRequest: %d, want 400", what, st)
				}
			}
			if !signedIn(t, s, c2) || !signedIn(t, s, c3) {
				t.Fatal("a refused LogoutRequest ended a session")
			}
			st, toIdP := location(t, browser, toSP)
			if st != http.StatusSeeOther || !strings.HasPrefix(toIdP, idp.URL+"/slo?") {
				t.Fatalf("Værn's answer to the LogoutRequest: %d %q", st, toIdP)
			}
			if signedIn(t, s, c2) || signedIn(t, s, c3) {
				t.Fatal("Værn sessions of the ended IdP session survive")
			}
			if !signedIn(t, s, c4) || !signedIn(t, s, password) {
				t.Fatal("the LogoutRequest ended sessions it does not name")
			}
			ans, _ := url.Parse(toIdP)
			if ans.Query().Get("Signature") == "" || ans.Query().Get("SigAlg") == "" {
				t.Fatal("the LogoutResponse is not signed")
			}
			if lr := inflated(t, ans.Query().Get("SAMLResponse")); !strings.Contains(lr, saml.StatusSuccess) {
				t.Fatalf("LogoutResponse: %s", lr)
			}
			if st, done := location(t, browser, toIdP); st/100 != 3 || done != idp.URL+"/logged-out" {
				t.Fatalf("the IdP did not take Værn's LogoutResponse: %d %q", st, done)
			}
			// Replayed: refused, and a new session of s2 survives it.
			c5 := signIn("s2", "idx-s2")
			if st, _ := get(t, s.Client(), toSP); st != http.StatusBadRequest {
				t.Fatalf("replayed LogoutRequest: %d", st)
			}
			if !signedIn(t, s, c5) {
				t.Fatal("a replayed LogoutRequest ended a session")
			}
			// Signed with a key that is not in the IdP's metadata: refused.
			other, _ := rsa.GenerateKey(rand.Reader, 2048)
			key, signer := idp.IDP.Key, idp.IDP.Signer
			idp.IDP.Key, idp.IDP.Signer = other, other
			_, forged := location(t, s.Client(), idp.URL+"/logout?session=s2")
			idp.IDP.Key, idp.IDP.Signer = key, signer
			if !strings.HasPrefix(forged, slo+"?") {
				t.Fatalf("forged logout: %q", forged)
			}
			if st, _ := get(t, s.Client(), forged); st != http.StatusBadRequest {
				t.Fatalf("LogoutRequest signed with another key: %d", st)
			}
			if !signedIn(t, s, c5) {
				t.Fatal("a forged LogoutRequest ended a session")
			}

			// Cross-origin: the SLO service takes the IdP's cross-site posts (and checks them);
			// Værn's own sign-out does not.
			crossSite := func(u string) int {
				req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("SAMLRequest=PHg%2BPC94Pg%3D%3D"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				req.Header.Set("Origin", "https://idp.example")
				resp, err := c5.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if st := crossSite(slo); st != http.StatusBadRequest {
				t.Errorf("cross-site post to the SLO service: %d, want 400 (let through, then refused as unsigned)", st)
			}
			if st := crossSite(s.URL + "/logout"); st != http.StatusForbidden {
				t.Errorf("cross-site post to /logout: %d, want 403", st)
			}
			if !signedIn(t, s, c5) {
				t.Fatal("a cross-site post signed the person out")
			}
		})
	}
}
