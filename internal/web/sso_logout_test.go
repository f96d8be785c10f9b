package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// signedIn reports whether the client's session still reaches the account page.
func signedIn(t *testing.T, s *testserver.Server, c *http.Client) bool {
	t.Helper()
	st, _ := get(t, c, s.URL+"/account")
	return st == http.StatusOK
}

// backchannel posts a logout token as the provider's server does, with extra headers.
func backchannel(t *testing.T, s *testserver.Server, p vaern.IdentityProvider, token string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/sso/%d/backchannel-logout", s.URL, p.ID),
		strings.NewReader(url.Values{"logout_token": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestOIDCSingleLogout runs both directions of OIDC single logout against the in-process OP on
// the real server, on both engines: signing out of Værn goes on to the OP's end_session with
// the ID token as hint and comes back with its state checked; a back-channel logout token ends
// the sessions of its subject, and forged, stale or replayed tokens end nothing.
func TestOIDCSingleLogout(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{Log: testLog(t)})
			op := ssotest.StartOP(t, ssotest.OPUser{ID: "u-coord", Username: "coord", Password: "pw",
				Email: s.Fix.Users["A:coordinator"].Email, First: "Anne", Last: "Koordinator"})
			p := addOIDC(t, s, op, s.Fix.A, "Aarhus Entra ID", false)
			clientID := "vaern-Aarhus-Entra-ID"
			op.AddPostLogoutURI(clientID, fmt.Sprintf("%s/sso/%d/logged-out", s.URL, p.ID))
			signIn := func() *http.Client {
				c := s.Client()
				resp := op.SignIn(t, c, fmt.Sprintf("%s/sso/%d/login", s.URL, p.ID), "coord", "pw")
				resp.Body.Close()
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("sign-in: %d", resp.StatusCode)
				}
				return c
			}

			// RP-initiated logout: Værn's session ends, and the browser goes on to the OP.
			c1 := signIn()
			resp, err := c1.PostForm(s.URL+"/logout", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q := loc.Query()
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc.String(), op.Issuer) || q.Get("id_token_hint") == "" ||
				q.Get("post_logout_redirect_uri") != fmt.Sprintf("%s/sso/%d/logged-out", s.URL, p.ID) || q.Get("state") == "" {
				t.Fatalf("sign-out: %d to %s", resp.StatusCode, loc)
			}
			if signedIn(t, s, c1) {
				t.Fatal("still signed in to Værn after signing out")
			}
			// A return with another state is refused; the OP's own return is accepted once.
			back := fmt.Sprintf("%s/sso/%d/logged-out?state=", s.URL, p.ID)
			if st, _ := get(t, c1, back+"forged"); st != http.StatusBadRequest {
				t.Fatalf("return with a forged state: %d", st)
			}
			c1 = signIn()
			resp, _ = c1.PostForm(s.URL+"/logout", nil)
			resp.Body.Close()
			resp, err = c1.Get(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ret := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusFound || !strings.HasPrefix(ret, back) {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("OP end_session: %d to %q %.300s", resp.StatusCode, ret, b)
			}
			if st, page := get(t, c1, ret); st != http.StatusSeeOther {
				t.Fatalf("return from the OP: %d %.300s", st, page)
			}
			if st, _ := get(t, c1, ret); st != http.StatusBadRequest {
				t.Fatalf("the same return again: %d", st)
			}

			// Back-channel logout.
			c2, c3 := signIn(), signIn()
			other := s.Login(t, "A:viewer")
			other2 := s.Login(t, "A:coordinator") // the same person's password session: not the OP's
			valid := op.LogoutToken(t, clientID, "u-coord", "", nil)
			wrongKey, _ := rsa.GenerateKey(rand.Reader, 2048)
			forged := map[string]string{
				"signed with another key": ssotest.SignJWT(t, wrongKey, "k", "logout+jwt", map[string]any{"iss": op.Issuer, "aud": clientID,
					"sub": "u-coord", "iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix(), "jti": "x",
					"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}),
				"another audience":    op.LogoutToken(t, "someone-else", "u-coord", "", nil),
				"another issuer":      op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { c["iss"] = "https://evil.example" }),
				"no logout event":     op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { delete(c, "events") }),
				"a nonce":             op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { c["nonce"] = "n" }),
				"neither sid nor sub": op.LogoutToken(t, clientID, "", "", nil),
				"no iat":              op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { delete(c, "iat") }),
				"an old iat":          op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { c["iat"] = time.Now().Add(-time.Hour).Unix() }),
				"expired":             op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }),
				"no jti":              op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) { delete(c, "jti") }),
				"garbage":             "not.a.jwt",
			}
			for what, tok := range forged {
				if st := backchannel(t, s, p, tok, nil); st != http.StatusBadRequest {
					t.Errorf("logout token with %s: %d, want 400", what, st)
				}
			}
			// An ID token is no logout token (it has a nonce and no event).
			if st := backchannel(t, s, p, op.LogoutToken(t, clientID, "u-coord", "", func(c map[string]any) {
				delete(c, "events")
				c["nonce"] = "abc"
			}), nil); st != http.StatusBadRequest {
				t.Errorf("an ID-token-like token: %d", st)
			}
			// A browser's cross-site post of a valid token is refused by the cross-origin check
			// (the endpoint has no exemption), and does not use the token up.
			if st := backchannel(t, s, p, valid, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); st != http.StatusForbidden {
				t.Errorf("cross-site browser post to the back-channel endpoint: %d, want 403", st)
			}
			if !signedIn(t, s, c2) || !signedIn(t, s, c3) {
				t.Fatal("a refused logout token ended a session")
			}
			if st := backchannel(t, s, p, valid, nil); st != http.StatusOK {
				t.Fatalf("valid logout token: %d", st)
			}
			if signedIn(t, s, c2) || signedIn(t, s, c3) {
				t.Fatal("sessions of the subject survive the back-channel logout")
			}
			if !signedIn(t, s, other) || !signedIn(t, s, other2) {
				t.Fatal("the back-channel logout ended sessions it does not name")
			}
			// Replayed: refused, and a new sign-in survives it.
			c4 := signIn()
			if st := backchannel(t, s, p, valid, nil); st != http.StatusBadRequest {
				t.Fatalf("replayed logout token: %d", st)
			}
			if !signedIn(t, s, c4) {
				t.Fatal("a replayed logout token ended a session")
			}
		})
	}
}
