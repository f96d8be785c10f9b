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
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// publicRoutes are the routes anyone may call without signing in. A new public route must be added
// here on purpose; every other route must name a permission.
var publicRoutes = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/{name}": true,
	"GET /api/v1/openapi.json": true,
	"GET /login":               true, "POST /login": true, "GET /login/code": true, "POST /login/code": true,
	"POST /logout": true, "POST /lang": true,
	"GET /password/forgot": true, "POST /password/forgot": true,
	"GET /password/reset/{token}": true, "POST /password/reset/{token}": true,
	"GET /invite/{token}": true, "POST /invite/{token}": true,
	// Single sign-on: the flow's ends at an identity provider are reached before anyone is signed in.
	"GET /sso/{id}/login": true, "GET /sso/{id}/callback": true, "POST /sso/{id}/acs": true, "GET /sso/{id}/metadata": true,
	// Single logout: the provider's returns and its own logout requests come without a Værn session.
	"GET /sso/{id}/logged-out": true, "GET /sso/{id}/slo": true, "POST /sso/{id}/slo": true, "POST /sso/{id}/backchannel-logout": true,
	"POST /login/passkey/begin": true, "POST /login/passkey/finish": true,
	"POST /login/code/passkey/begin": true, "POST /login/code/passkey/finish": true,
	// A sensor's ingest authenticates with the sensor's own token, not a session (sensors_api_test.go).
	"POST /api/v1/sensor/alerts": true,
}

// sessionEnding routes end the caller's session; they get a client of their own.
var sessionEnding = map[string]bool{"POST /logout": true, "POST /account/sign-out-everywhere": true}

// roles are the fixture users the test acts as: every role, in the centre and in member A.
var roles = []string{"centre-admin", "centre-analyst", "A:coordinator", "A:respondent", "A:viewer"}

// TestAuthorizationEveryRoute walks the whole route table (HTML and API) and calls every route as
// each role, as nobody, and with another municipality's ids, so that no route can escape the policy
// or leak a foreign object.
func TestAuthorizationEveryRoute(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			routes := s.Web.Routes()
			if len(routes) < 40 {
				t.Fatalf("route table has only %d routes", len(routes))
			}
			clients := map[string]*http.Client{}
			for _, r := range roles {
				clients[r] = s.Login(t, r)
			}
			for _, rt := range routes {
				key := rt.Method + " " + rt.Pattern
				if rt.Perm == vaern.PermPublic {
					if !publicRoutes[key] {
						t.Errorf("%s is public but not in the test's list of public routes: give it a permission or list it", key)
					}
				} else if !permKnown(rt.Perm) {
					t.Errorf("%s names unknown permission %q", key, rt.Perm)
				}
				for _, p := range paramsOf(rt.Pattern) {
					if p != "id" && p != "token" && p != "name" {
						t.Errorf("%s has path parameter {%s} the authorization test does not know", key, p)
					}
				}
				if strings.Contains(rt.Pattern, "{id}") {
					if _, ok := idKinds[rt.IDKind]; !ok {
						t.Errorf("%s has {id} but IDKind %q has no factory in idKinds: say what the id names so foreign ids are tested", key, rt.IDKind)
					}
				}
			}
			for _, rt := range routes {
				rt := rt
				key := rt.Method + " " + rt.Pattern
				if rt.NoSession {
					continue
				}
				t.Run(key, func(t *testing.T) {
					// Nobody signed in.
					status, _ := call(t, s.Client(), s.URL, rt, fillPath(rt.Pattern, "1"), s.Fix.A)
					if rt.Perm == vaern.PermPublic {
						if status >= 500 {
							t.Errorf("anonymous: status %d", status)
						}
					} else if rt.API && status != http.StatusUnauthorized {
						t.Errorf("anonymous API call: status %d, want 401", status)
					} else if !rt.API && status != http.StatusSeeOther {
						t.Errorf("anonymous page: status %d, want 303 to /login", status)
					}
					for _, role := range roles {
						p := s.Fix.Users[role]
						member := memberOf(s, role)
						own := ownObject(t, s, rt.IDKind, role)
						c := clients[role]
						if sessionEnding[key] {
							c = s.Login(t, role)
						}
						status, body := call(t, c, s.URL, rt, fillPath(rt.Pattern, own), member)
						if sessionEnding[key] {
							// Signing out everywhere also ended the shared client's session.
							clients[role] = s.Login(t, role)
						}
						allowed := vaern.Can(roleOf(role), rt.Perm)
						switch {
						case rt.Perm == vaern.PermPublic:
							if status >= 500 || status == 401 || status == 403 {
								t.Errorf("%s: status %d on a public route", role, status)
							}
						case allowed && (status >= 500 || status == 401 || status == 403 || status == 404):
							t.Errorf("%s may %s but got %d: %.300s", role, rt.Perm, status, body)
						case allowed && rt.Method == http.MethodGet && status != 200:
							t.Errorf("%s: GET answered %d, want 200", role, status)
						case !allowed && status != http.StatusForbidden:
							t.Errorf("%s may not %s but got %d", role, rt.Perm, status)
						}
						// Another municipality's object in the URL must answer 404 and reveal nothing.
						if rt.IDKind != "" && allowed {
							foreign, ok := foreignObject(t, s, rt, role)
							if !ok {
								continue
							}
							status, body := call(t, c, s.URL, rt, fillPath(rt.Pattern, foreign), member)
							if status != http.StatusNotFound {
								t.Errorf("%s with a foreign %s id: status %d, want 404", role, rt.IDKind, status)
							}
							for _, secret := range []string{s.Fix.UnitsB[0].Name, s.Fix.Users["B:viewer"].Email} {
								if strings.Contains(body, secret) && member.ID != s.Fix.B.ID {
									t.Errorf("%s with a foreign id: the answer shows %q", role, secret)
								}
							}
						}
						_ = p
					}
				})
			}
		})
	}
}

func permKnown(p vaern.Permission) bool {
	for _, x := range vaern.Permissions() {
		if x == p {
			return true
		}
	}
	return false
}

func paramsOf(pattern string) []string {
	var out []string
	for _, part := range strings.Split(pattern, "/") {
		if strings.HasPrefix(part, "{") && part != "{$}" {
			out = append(out, strings.Trim(part, "{}$."))
		}
	}
	return out
}

func fillPath(pattern, id string) string {
	p := strings.ReplaceAll(pattern, "{id}", id)
	p = strings.ReplaceAll(p, "{token}", "no-such-token")
	p = strings.ReplaceAll(p, "{$}", "")
	if n, ok := routeNames[pattern]; ok {
		p = strings.ReplaceAll(p, "{name}", n)
	}
	return p
}

// routeNames fills a route's {name} path parameter (a file name) with one that exists (modules add
// theirs in init).
var routeNames = map[string]string{}

func roleOf(key string) vaern.Role {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return vaern.Role(key[i+1:])
	}
	return vaern.Role(key)
}

func memberOf(s *testserver.Server, key string) vaern.Org {
	switch {
	case strings.HasPrefix(key, "A:"):
		return s.Fix.A
	case strings.HasPrefix(key, "B:"):
		return s.Fix.B
	}
	return s.Fix.Centre
}

var counter int

// idKind makes objects for the {id} of routes of one kind: own creates a fresh one in the role's
// organisation (so a destructive route never takes away what a later call needs), foreign returns
// one the role must not reach, or false where none exists. Modules add their kinds in init
// functions in authz_MODULE_test.go.
type idKind struct {
	own     func(t *testing.T, s *testserver.Server, role string) string
	foreign func(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool)
}

var idKinds = map[string]idKind{}

// routeQuery gives a route the query string its page needs (modules add theirs in init).
var routeQuery = map[string]string{}

func init() {
	for _, k := range []string{"unit", "user", "token", "org", "member", "group"} {
		k := k
		idKinds[k] = idKind{
			own:     func(t *testing.T, s *testserver.Server, role string) string { return platformOwn(t, s, k, role) },
			foreign: platformForeign,
		}
	}
}

// ownObject creates a fresh object of kind in the role's own organisation.
func ownObject(t *testing.T, s *testserver.Server, kind, role string) string {
	t.Helper()
	if kind == "" {
		return "0"
	}
	k, ok := idKinds[kind]
	if !ok {
		t.Fatalf("unknown id kind %q", kind)
	}
	return k.own(t, s, role)
}

func foreignObject(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
	return idKinds[rt.IDKind].foreign(t, s, rt, role)
}

// platformOwn creates a fresh object of kind in the role's own organisation, so that a destructive
// route (delete, remove, revoke) never takes away what a later call needs.
func platformOwn(t *testing.T, s *testserver.Server, kind, role string) string {
	t.Helper()
	ctx := context.Background()
	org := memberOf(s, role)
	sys := vaern.System("authz-test")
	counter++
	switch kind {
	case "unit":
		u, err := s.Store.CreateUnit(ctx, sys, org.ID, 0, fmt.Sprintf("Enhed %d", counter))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(u.ID)
	case "user":
		r := vaern.RoleViewer
		if org.IsCentre() {
			r = vaern.RoleCentreAnalyst
		}
		u, err := s.Store.CreateUser(ctx, sys, store.NewUser{Email: fmt.Sprintf("person%d@%s.test.dk", counter, strings.ToLower(org.Code)), OrgID: org.ID, Role: r})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(u.ID)
	case "token":
		u := s.Fix.Users[role]
		_, hash := auth.NewToken("vaern_")
		tok, err := s.Store.CreateAPIToken(ctx, sys, vaern.APIToken{UserID: u.ID, OrgID: org.ID, Name: "t", Prefix: "vaern_x",
			ExpiresAt: time.Now().Add(time.Hour)}, hash)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(tok.ID)
	case "org":
		return fmt.Sprint(org.ID)
	case "member":
		m, err := s.Store.CreateMember(ctx, sys, s.Fix.Centre.ID, vaern.Org{Code: fmt.Sprintf("T%d", counter), Name: fmt.Sprintf("Testkommune %d", counter), Country: "DK"})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(m.ID)
	case "group":
		g, err := s.Store.SaveMemberGroup(ctx, sys, s.Fix.Centre.ID, store.MemberGroup{Name: fmt.Sprintf("Gruppe %d", counter), MemberIDs: []int64{s.Fix.A.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(g.ID)
	}
	t.Fatalf("unknown id kind %q", kind)
	return ""
}

// foreignObject is an object of kind that the role must not reach: member B's for everyone, and for
// the centre the things inside a member. It reports false where no such object exists (the centre
// may read every member's public facts).
func platformForeign(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
	org := memberOf(s, role)
	switch rt.IDKind {
	case "unit":
		return fmt.Sprint(s.Fix.UnitsB[0].ID), true
	case "user":
		return fmt.Sprint(s.Fix.Users["B:viewer"].ID), true
	case "token":
		// Another user's token, in the same organisation and in another.
		return ownObject(t, s, "token", "B:coordinator"), true
	case "org":
		if org.IsCentre() && rt.Pattern == "/api/v1/orgs/{id}" {
			return "", false // the centre may read a member's public facts
		}
		return fmt.Sprint(s.Fix.B.ID), org.ID != s.Fix.B.ID
	case "member":
		// The centre itself is not one of its members.
		return fmt.Sprint(s.Fix.Centre.ID), true
	case "group":
		// There is one centre; a group id that is not its group.
		return "987654321", true
	}
	return "", false
}

// formFor gives a POST the fields it needs to get past its first check, where an empty form would
// be answered 404 for a reason other than authorization.
func formFor(rt httpx.Route, org vaern.Org) url.Values {
	switch rt.Pattern {
	case "/account/org":
		return url.Values{"org": {fmt.Sprint(org.ID)}}
	}
	return url.Values{}
}

func call(t *testing.T, c *http.Client, base string, rt httpx.Route, path string, org vaern.Org) (int, string) {
	t.Helper()
	var req *http.Request
	var err error
	path += routeQuery[rt.Pattern]
	if rt.Method == http.MethodGet {
		req, err = http.NewRequest(rt.Method, base+path, nil)
	} else if rt.API {
		b, _ := json.Marshal(map[string]any{})
		req, err = http.NewRequest(rt.Method, base+path, strings.NewReader(string(b)))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		req, err = http.NewRequest(rt.Method, base+path, strings.NewReader(formFor(rt, org).Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rt.Method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
