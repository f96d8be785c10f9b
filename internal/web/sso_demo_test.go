package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/demoidp"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/web"
)

var demoPerson = regexp.MustCompile(`name="person" value="([^"]+)"[^>]*> ([^<]+)\(([^,]+),`)

// demoSignIn signs c in at the demo provider as the person with email, from Værn's button.
func demoSignIn(t *testing.T, s *testserver.Server, c *http.Client, p vaern.IdentityProvider, email string) {
	t.Helper()
	st, toIdP := location(t, c, fmt.Sprintf("%s/sso/%d/login", s.URL, p.ID))
	if st != http.StatusSeeOther || !strings.HasPrefix(toIdP, s.URL+"/demo-idp/authorize?") {
		t.Fatalf("start: %d %q", st, toIdP)
	}
	st, page := get(t, c, toIdP)
	if st != http.StatusOK || !strings.Contains(page, "Demo identity provider") {
		t.Fatalf("demo provider's page: %d %.300s", st, page)
	}
	subject := ""
	for _, m := range demoPerson.FindAllStringSubmatch(page, -1) {
		if m[3] == email {
			subject = m[1]
		}
	}
	if subject == "" {
		t.Fatalf("the demo provider does not offer %s", email)
	}
	u, _ := url.Parse(toIdP)
	form := u.Query()
	form.Set("person", subject)
	resp, err := c.PostForm(s.URL+"/demo-idp/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st, to := location(t, c, resp.Header.Get("Location")); st != http.StatusSeeOther || to != "/" {
		t.Fatalf("callback from the demo provider: %d %q", st, to)
	}
}

// TestDemoIdP runs the demo's identity provider as `vaern demo` mounts it, on both engines: the
// sign-in page's "Sign in with Aarhus Kommune (demo)", a sign-in through Værn's real OIDC code,
// RP-initiated logout through its end_session, back-channel logout when the person signs out at
// the demo provider; and it cannot be mounted outside the demo.
func TestDemoIdP(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{DemoIdP: true, Log: testLog(t)})
			ps, err := s.Store.IdentityProviders(context.Background(), s.Fix.A.ID)
			if err != nil || len(ps) != 1 || ps[0].Name != demoidp.Name || ps[0].Issuer != s.URL+"/demo-idp" {
				t.Fatalf("demo provider registered as %+v %v", ps, err)
			}
			p := ps[0]
			if st, page := get(t, s.Client(), s.URL+"/login"); st != 200 || !strings.Contains(page, "Sign in with Aarhus Kommune (demo)") {
				t.Fatalf("sign-in page: %d, no demo button", st)
			}
			coord := s.Fix.Users["A:coordinator"].Email

			// Sign in, then sign out of Værn: on through the provider's end_session and back.
			c := s.Client()
			demoSignIn(t, s, c, p, coord)
			if orgOf(t, s, c) != s.Fix.A.ID {
				t.Fatal("not signed in to Aarhus")
			}
			if _, home := get(t, c, s.URL+"/demo-idp/"); !strings.Contains(home, "Signed in at the demo provider as") {
				t.Fatal("the demo provider has no session")
			}
			resp, err := c.PostForm(s.URL+"/logout", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			end := resp.Header.Get("Location")
			if !strings.HasPrefix(end, s.URL+"/demo-idp/logout?") || !strings.Contains(end, "id_token_hint=") {
				t.Fatalf("sign-out goes to %q", end)
			}
			st, back := location(t, c, end)
			if st != http.StatusSeeOther || !strings.HasPrefix(back, fmt.Sprintf("%s/sso/%d/logged-out?state=", s.URL, p.ID)) {
				t.Fatalf("demo end_session: %d %q", st, back)
			}
			if st, to := location(t, c, back); st != http.StatusSeeOther || to != "/login" {
				t.Fatalf("return from the demo provider: %d %q", st, to)
			}
			if _, home := get(t, c, s.URL+"/demo-idp/"); !strings.Contains(home, "Nobody is signed in") {
				t.Fatal("the demo provider's session survives the sign-out")
			}

			// Back-channel: signing out at the demo provider ends the Værn session it started
			// (by sid), not the person's other sessions.
			c2, c3 := s.Client(), s.Client()
			demoSignIn(t, s, c2, p, coord)
			demoSignIn(t, s, c3, p, coord)
			resp, err = c2.PostForm(s.URL+"/demo-idp/signout", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("sign-out at the demo provider: %d", resp.StatusCode)
			}
			if signedIn(t, s, c2) {
				t.Fatal("the Værn session survives the back-channel logout")
			}
			if !signedIn(t, s, c3) {
				t.Fatal("the back-channel logout ended another provider session's Værn session")
			}
			// The provider's forms take no cross-site posts.
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/demo-idp/signout", nil)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if resp, err := c3.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site post to the demo provider: %v %v", resp, err)
			}

			// Outside the demo it cannot be mounted at all.
			dp, err := demoidp.New(s.URL+"/demo-idp", demoidp.Client{ID: "x"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := web.New(web.Config{BaseURL: s.URL, DemoIdP: dp}, s.Store); err == nil {
				t.Fatal("web.New mounted the demo identity provider outside the demo")
			}
		})
	}
}
