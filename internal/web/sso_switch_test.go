package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// orgOf is the organisation the client's session acts for.
func orgOf(t *testing.T, s *testserver.Server, c *http.Client) int64 {
	t.Helper()
	st, body := get(t, c, s.URL+"/api/v1/me")
	if st != http.StatusOK {
		t.Fatalf("me: %d", st)
	}
	var me struct {
		Org struct {
			ID int64 `json:"id"`
		} `json:"org"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		t.Fatal(err)
	}
	return me.Org.ID
}

// TestSwitchOrgRequiresSSO: someone with roles in two organisations, signed in with a password to
// the one, is sent to sign in through the other's provider when the other requires single
// sign-on, and only that sign-in takes them there; on both engines.
func TestSwitchOrgRequiresSSO(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			s := testserver.Start(t, e, testserver.Options{Log: testLog(t)})
			u := s.Fix.Users["A:viewer"]
			if err := s.Store.AddMembership(ctx, vaern.System("test"), vaern.Membership{UserID: u.ID, OrgID: s.Fix.B.ID, Role: vaern.RoleViewer}); err != nil {
				t.Fatal(err)
			}
			op := ssotest.StartOP(t, ssotest.OPUser{ID: "u-v", Username: "v", Password: "pw", Email: u.Email, First: "Vera", Last: "Viewer"})
			pb := addOIDC(t, s, op, s.Fix.B, "Bergen Entra ID", false)
			switchTo := func(c *http.Client, org int64) (int, string, string) {
				t.Helper()
				resp, err := c.PostForm(s.URL+"/account/org", url.Values{"org": {fmt.Sprint(org)}})
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header.Get("Location"), string(b)
			}

			// Without a requirement, the password session switches.
			c := s.Login(t, "A:viewer")
			if st, loc, _ := switchTo(c, s.Fix.B.ID); st != http.StatusSeeOther || loc != "/" || orgOf(t, s, c) != s.Fix.B.ID {
				t.Fatalf("switch to B without a requirement: %d %q", st, loc)
			}
			if st, _, _ := switchTo(c, s.Fix.A.ID); st != http.StatusSeeOther || orgOf(t, s, c) != s.Fix.A.ID {
				t.Fatalf("switch back to A: %d", st)
			}

			// B requires single sign-on: the password session is sent to B's provider instead.
			if err := s.Store.SetOrgSignin(ctx, vaern.System("test"), s.Fix.B.ID, vaern.SigninSSO); err != nil {
				t.Fatal(err)
			}
			st, loc, _ := switchTo(c, s.Fix.B.ID)
			if want := fmt.Sprintf("/sso/%d/login?next=/", pb.ID); st != http.StatusSeeOther || loc != want {
				t.Fatalf("switch to B with SSO required: %d %q, want %s", st, loc, want)
			}
			if orgOf(t, s, c) != s.Fix.A.ID {
				t.Fatal("the password session was let into B")
			}
			// "An identity provider or a passkey" does not take a password either.
			if err := s.Store.SetOrgSignin(ctx, vaern.System("test"), s.Fix.B.ID, vaern.SigninSSOOrPasskey); err != nil {
				t.Fatal(err)
			}
			if st, _, _ := switchTo(c, s.Fix.B.ID); st != http.StatusSeeOther || orgOf(t, s, c) != s.Fix.A.ID {
				t.Fatalf("switch to B with SSO or passkey required: %d, let in", st)
			}
			// With two providers, a choice of B's (and only B's) is shown.
			pb2 := addOIDC(t, s, op, s.Fix.B, "Bergen ID-porten", false)
			pa := addOIDC(t, s, op, s.Fix.A, "Aarhus Entra ID", false)
			st, _, page := switchTo(c, s.Fix.B.ID)
			if st != http.StatusForbidden || !strings.Contains(page, fmt.Sprintf("/sso/%d/login", pb.ID)) ||
				!strings.Contains(page, fmt.Sprintf("/sso/%d/login", pb2.ID)) || strings.Contains(page, fmt.Sprintf("/sso/%d/login", pa.ID)) {
				t.Fatalf("switch to B with two providers: %d", st)
			}
			// Signing in at A's provider is no way into B either.
			ca := s.Client()
			resp := op.SignIn(t, ca, fmt.Sprintf("%s/sso/%d/login", s.URL, pa.ID), "v", "pw")
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || orgOf(t, s, ca) != s.Fix.A.ID {
				t.Fatalf("sign-in at A's provider: %d", resp.StatusCode)
			}
			if st, loc, _ := switchTo(ca, s.Fix.B.ID); st != http.StatusForbidden || loc != "" || orgOf(t, s, ca) != s.Fix.A.ID {
				t.Fatalf("an SSO session of A switched into B: %d %q", st, loc)
			}

			// The sign-in through B's provider takes the person into B; switching to A (no
			// requirement) and back to B then works, as the session came through B's provider.
			resp = op.SignIn(t, c, s.URL+fmt.Sprintf("/sso/%d/login?next=/", pb.ID), "v", "pw")
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || orgOf(t, s, c) != s.Fix.B.ID {
				t.Fatalf("sign-in through B's provider: %d", resp.StatusCode)
			}
			if st, _, _ := switchTo(c, s.Fix.A.ID); st != http.StatusSeeOther || orgOf(t, s, c) != s.Fix.A.ID {
				t.Fatalf("switch from B to A: %d", st)
			}
			if st, loc, _ := switchTo(c, s.Fix.B.ID); st != http.StatusSeeOther || loc != "/" || orgOf(t, s, c) != s.Fix.B.ID {
				t.Fatalf("switch back to B after B's sign-in: %d %q", st, loc)
			}
		})
	}
}
