package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

// meJSON is GET /api/v1/me.
type meJSON struct {
	User struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"user"`
	Org struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"org"`
	Role string `json:"role"`
	Auth string `json:"auth"`
}

var tokenRE = regexp.MustCompile(`<code class="secret" data-secret>(vaern_[A-Za-z0-9_-]+)</code>`)

// createToken makes an API token through the form and returns it.
func createToken(t *testing.T, c *client, name string) string {
	t.Helper()
	r := c.post("/account/tokens", form("name", name, "days", "30"))
	wantStatus(t, "create token", r, http.StatusOK)
	m := tokenRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("the new token is not shown:\n%s", r.Body)
	}
	if len(m[1]) < len("vaern_")+40 {
		t.Fatalf("token %q is too short", m[1])
	}
	return m[1]
}

// ---- 8. API tokens ----

func TestFlowAPITokens(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coordUser := s.Fix.Users["A:coordinator"]
		coord := signIn(t, s, "A:coordinator")
		wantFieldError(t, "token without a name", coord.post("/account/tokens", form("name", " ", "days", "30")), "name")
		wantFieldError(t, "token for too long", coord.post("/account/tokens", form("name", "x", "days", "1000")), "days")
		tok := createToken(t, coord, "ci-pipeline")
		// Shown once: the list only has the prefix.
		list := coord.get("/account/tokens")
		wantStatus(t, "token list", list, http.StatusOK)
		if strings.Contains(list.Body, tok) {
			t.Fatalf("the token list shows the whole token")
		}
		wantContains(t, "token list", list.Body, "ci-pipeline", tok[:len("vaern_")+6])

		api := newClient(t, s) // no cookies: only the token
		r := api.api("GET", "/api/v1/me", tok, "")
		wantStatus(t, "me", r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("me: Content-Type %q", ct)
		}
		var me meJSON
		if err := json.Unmarshal([]byte(r.Body), &me); err != nil {
			t.Fatal(err)
		}
		if me.User.ID != coordUser.ID || me.User.Email != coordUser.Email || me.Org.ID != s.Fix.A.ID ||
			me.Org.Code != "751" || me.Org.Kind != "member" || me.Role != "coordinator" || me.Auth != "token" {
			t.Fatalf("me = %+v", me)
		}
		wantProblem(t, "no token", api.api("GET", "/api/v1/me", "", ""), http.StatusUnauthorized)
		wantProblem(t, "made-up token", api.api("GET", "/api/v1/me", "vaern_madeup", ""), http.StatusUnauthorized)
		if h := api.api("GET", "/api/v1/me", "", "").Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
			t.Fatalf("401 without WWW-Authenticate: %q", h)
		}

		unitsPath := fmt.Sprintf("/api/v1/orgs/%d/units", s.Fix.A.ID)
		r = api.api("POST", unitsPath, tok, `{"name": "Digitalisering", "parent_id": `+fmt.Sprint(s.Fix.UnitsA[0].ID)+`}`)
		wantStatus(t, "create unit", r, http.StatusCreated)
		var unit struct {
			ID       int64  `json:"id"`
			ParentID int64  `json:"parent_id"`
			Name     string `json:"name"`
		}
		if err := json.Unmarshal([]byte(r.Body), &unit); err != nil || unit.ID == 0 || unit.Name != "Digitalisering" || unit.ParentID != s.Fix.UnitsA[0].ID {
			t.Fatalf("created unit %+v (%v)", unit, err)
		}
		if u, err := s.Store.Unit(ctx, s.Fix.A.ID, unit.ID); err != nil || u.Name != "Digitalisering" {
			t.Fatalf("unit not stored: %+v, %v", u, err)
		}
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "unit.create", unit.ID); n != 1 {
			t.Fatalf("%d audit rows for the API's unit", n)
		}
		wantProblem(t, "invalid JSON", api.api("POST", unitsPath, tok, `{"name": `), http.StatusBadRequest)
		wantProblem(t, "unknown field", api.api("POST", unitsPath, tok, `{"name": "x", "colour": "red"}`), http.StatusBadRequest)
		p := wantProblem(t, "missing name", api.api("POST", unitsPath, tok, `{"parent_id": 0}`), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "name" {
			t.Fatalf("missing name: errors %+v", p.Errors)
		}
		p = wantProblem(t, "foreign parent", api.api("POST", unitsPath, tok, fmt.Sprintf(`{"name": "x", "parent_id": %d}`, s.Fix.UnitsB[0].ID)), http.StatusUnprocessableEntity)
		if len(p.Errors) == 0 || p.Errors[0].Field != "parent" {
			t.Fatalf("foreign parent: errors %+v", p.Errors)
		}
		wantProblem(t, "another member's units", api.api("POST", fmt.Sprintf("/api/v1/orgs/%d/units", s.Fix.B.ID), tok, `{"name": "x"}`), http.StatusNotFound)
		if units, _ := s.Store.Units(ctx, s.Fix.B.ID); len(units) != 2 {
			t.Fatalf("B has %d units", len(units))
		}

		viewerTok := createToken(t, signIn(t, s, "A:viewer"), "reports")
		wantStatus(t, "viewer reads", api.api("GET", unitsPath, viewerTok, ""), http.StatusOK)
		wantProblem(t, "viewer creates a unit", api.api("POST", unitsPath, viewerTok, `{"name": "x"}`), http.StatusForbidden)

		// Revoking through the form ends the token.
		m := regexp.MustCompile(`action="/account/tokens/(\d+)/revoke"`).FindStringSubmatch(coord.get("/account/tokens").Body)
		if m == nil {
			t.Fatalf("no revoke form")
		}
		wantRedirect(t, "revoke", coord.post("/account/tokens/"+m[1]+"/revoke", nil), "/account/tokens")
		wantProblem(t, "revoked token", api.api("GET", "/api/v1/me", tok, ""), http.StatusUnauthorized)
		wantStatus(t, "revoke twice", coord.post("/account/tokens/"+m[1]+"/revoke", nil), http.StatusNotFound)
		// Someone else's token cannot be revoked (and is not found).
		vt := regexp.MustCompile(`action="/account/tokens/(\d+)/revoke"`).FindStringSubmatch(signIn(t, s, "A:viewer").get("/account/tokens").Body)
		if vt == nil {
			t.Fatalf("no revoke form for the viewer's token")
		}
		wantStatus(t, "revoke another's token", coord.post("/account/tokens/"+vt[1]+"/revoke", nil), http.StatusNotFound)
		wantStatus(t, "viewer token still works", api.api("GET", "/api/v1/me", viewerTok, ""), http.StatusOK)

		// A token expires.
		tok2 := createToken(t, coord, "short")
		wantStatus(t, "new token", api.api("GET", "/api/v1/me", tok2, ""), http.StatusOK)
		setClock(t, s, 31*24*time.Hour)
		wantProblem(t, "expired token", api.api("GET", "/api/v1/me", tok2, ""), http.StatusUnauthorized)
	})
}

// ---- 9. cross-origin protection ----

func TestFlowCrossOrigin(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		count := func() int {
			units, err := s.Store.Units(ctx, s.Fix.A.ID)
			if err != nil {
				t.Fatal(err)
			}
			return len(units)
		}
		n := count()
		for _, hdr := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
			{"Origin", "https://evil.example"},
			{"Origin", "null"},
		} {
			r := coord.post("/org/units", form("name", "Planted"), hdr...)
			wantStatus(t, "POST with "+strings.Join(hdr, ": "), r, http.StatusForbidden)
			wantContains(t, "cross-origin page", r.Body, r.Header.Get("X-Request-Id"))
		}
		// Nor can a cross-site form sign someone out everywhere or in.
		wantStatus(t, "cross-site logout", coord.post("/account/sign-out-everywhere", nil, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
		signInForm := form("email", s.Fix.Users["A:viewer"].Email, "password", testserver.Password)
		wantStatus(t, "cross-site sign-in", newClient(t, s).post("/login", signInForm, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
		if got := count(); got != n {
			t.Fatalf("cross-origin posts created %d units", got-n)
		}
		wantStatus(t, "still signed in", coord.get("/"), http.StatusOK)
		// A cross-site GET is fine (links from other sites).
		wantStatus(t, "cross-site GET", coord.get("/org/units", "Sec-Fetch-Site", "cross-site"), http.StatusOK)

		wantRedirect(t, "same-origin POST", coord.post("/org/units", form("name", "Ny enhed"), "Sec-Fetch-Site", "same-origin", "Origin", s.URL), "/org/units")
		wantRedirect(t, "POST without browser headers", coord.post("/org/units", form("name", "Ny enhed 2")), "/org/units")
		if got := count(); got != n+2 {
			t.Fatalf("%d units after two same-origin posts, want %d", got, n+2)
		}
	})
}

// ---- 10. headers and errors ----

func TestFlowHeadersAndErrors(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		anon := newClient(t, s)
		coord := signIn(t, s, "A:coordinator")
		// HTML pages, signed in and not; the transport checks the headers of each.
		for _, c := range []struct {
			c    *client
			path string
		}{{anon, "/login"}, {anon, "/password/forgot"}, {coord, "/"}, {coord, "/org/units"}, {coord, "/org/users"},
			{coord, "/org/audit"}, {coord, "/account"}, {coord, "/account/2fa"}, {coord, "/account/tokens"}, {coord, "/org/settings"}} {
			r := c.c.get(c.path)
			wantStatus(t, c.path, r, http.StatusOK)
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", c.path, ct)
			}
			if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, " style=") || strings.Contains(r.Body, " onclick=") {
				t.Errorf("%s: inline script or style, which the CSP blocks", c.path)
			}
		}

		for _, c := range []*client{anon, coord} {
			r := c.get("/no/such/page")
			wantStatus(t, "unknown path", r, http.StatusNotFound)
			id := r.Header.Get("X-Request-Id")
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || id == "" || !strings.Contains(r.Body, "<code>"+id+"</code>") {
				t.Fatalf("404 page without the request id %q:\n%s", id, r.Body)
			}
			wantContains(t, "404 page", r.Body, text(s, "error.404"))
		}
		p := wantProblem(t, "unknown API path", anon.get("/api/v1/nope"), http.StatusNotFound)
		if p.Instance != "/api/v1/nope" {
			t.Fatalf("problem instance %q", p.Instance)
		}
		wantProblem(t, "unknown API path, signed in", coord.get("/api/v1/nope"), http.StatusNotFound)
		// Request ids differ per request.
		if a, b := anon.get("/healthz").Header.Get("X-Request-Id"), anon.get("/healthz").Header.Get("X-Request-Id"); a == b {
			t.Fatalf("two requests share the id %q", a)
		}

		h := anon.get("/healthz")
		wantStatus(t, "healthz", h, http.StatusOK)
		wantStatus(t, "readyz", anon.get("/readyz"), http.StatusOK)
		wantStatus(t, "metrics without a token", anon.get("/metrics"), http.StatusNotFound)
		wantStatus(t, "metrics with a made-up token", anon.get("/metrics", "Authorization", "Bearer 0123456789abcdef0123"), http.StatusNotFound)
		wantStatus(t, "metrics for a signed-in user", coord.get("/metrics"), http.StatusNotFound)
		wantStatus(t, "openapi", anon.get("/api/v1/openapi.json"), http.StatusOK)
		wantStatus(t, "static", anon.get("/static/app.css"), http.StatusOK)
		wantStatus(t, "unknown static", anon.get("/static/nope.js"), http.StatusNotFound)

		// A body over the limit is refused, not a server error.
		big := strings.Repeat("a", 1<<20+10)
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/login", strings.NewReader("email=x%40y.dk&password="+big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := newClient(t, s).hc.Do(req)
		if err != nil {
			t.Fatalf("big body: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("big body: status %d, want 413 or 400", resp.StatusCode)
		}
		// Same for the API.
		bigJSON := `{"name": "` + big + `"}`
		tok := createToken(t, coord, "big")
		r := newClient(t, s).api("POST", fmt.Sprintf("/api/v1/orgs/%d/units", s.Fix.A.ID), tok, bigJSON)
		if r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusBadRequest {
			t.Fatalf("big API body: status %d, want 413 or 400", r.StatusCode)
		}
		// A method the route does not have.
		if r := anon.api("DELETE", "/login", "", ""); r.StatusCode >= 500 || r.StatusCode == http.StatusOK {
			t.Fatalf("DELETE /login: status %d", r.StatusCode)
		}
	})
}

// ---- 11. language ----

func TestFlowLanguage(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		for accept, want := range map[string]string{
			"nb-NO,nb;q=0.9":              "nb",
			"no":                          "nb",
			"da":                          "da",
			"da-DK,en;q=0.5":              "da",
			"en-GB":                       "en",
			"fr-FR,de;q=0.8":              "en",
			"":                            "en",
			"sv;q=1, da;q=0.3, nb;q=0.7":  "nb",
			"de, en;q=0.1, da;q=0.2, x-y": "da",
		} {
			r := newClient(t, s).get("/login", "Accept-Language", accept)
			if got := htmlLang(t, r); got != want {
				t.Errorf("Accept-Language %q: lang %q, want %q", accept, got, want)
			}
			if got := r.Header.Get("Content-Language"); got != want {
				t.Errorf("Accept-Language %q: Content-Language %q, want %q", accept, got, want)
			}
		}
		nb := newClient(t, s).get("/login", "Accept-Language", "nb")
		wantContains(t, "Norwegian sign-in page", nb.Body, s.Web.Catalog().For("nb").T("login.submit"))

		// The language cookie wins over Accept-Language.
		c := newClient(t, s)
		c.header.Set("Accept-Language", "nb-NO,nb;q=0.9")
		r := c.post("/lang", form("lang", "da", "next", "/password/forgot"))
		wantRedirect(t, "choose language", r, "/password/forgot")
		if ck := r.cookie("vaern_lang"); ck == nil || ck.Value != "da" || !ck.HttpOnly {
			t.Fatalf("language cookie %+v", ck)
		}
		if got := htmlLang(t, c.get("/login")); got != "da" {
			t.Fatalf("with the cookie: lang %q, want da", got)
		}
		wantStatus(t, "unknown language", c.post("/lang", form("lang", "sv")), http.StatusBadRequest)
		wantRedirect(t, "language with a foreign next", c.post("/lang", form("lang", "en", "next", "//evil.example")), "/")

		// A signed-in user's saved language wins over both.
		viewer := s.Fix.Users["A:viewer"]
		v := signIn(t, s, "A:viewer")
		v.header.Set("Accept-Language", "da")
		v.setCookie("vaern_lang", "da")
		if got := htmlLang(t, v.get("/")); got != "en" { // the fixture users chose English
			t.Fatalf("signed in with saved en: lang %q", got)
		}
		wantRedirect(t, "profile", v.post("/account/profile", form("name", "Vera Viewer", "lang", "nb")), "/account")
		if got := htmlLang(t, v.get("/")); got != "nb" {
			t.Fatalf("signed in with saved nb: lang %q", got)
		}
		wantStatus(t, "profile with a bad language", v.post("/account/profile", form("name", "V", "lang", "sv")), http.StatusUnprocessableEntity)
		// The switch in the page header also saves the choice.
		wantRedirect(t, "switch while signed in", v.post("/lang", form("lang", "da", "next", "/org/units")), "/org/units")
		if u, err := s.Store.UserSelf(ctx, viewer.ID); err != nil || u.Lang != "da" || u.Name != "Vera Viewer" {
			t.Fatalf("saved profile %+v, %v", u, err)
		}
		v.setCookie("vaern_lang", "en")
		v.header.Set("Accept-Language", "en")
		if got := htmlLang(t, v.get("/")); got != "da" {
			t.Fatalf("signed in with saved da: lang %q", got)
		}
		// A user who follows the browser ("") gets the cookie, then the header.
		wantRedirect(t, "profile auto", v.post("/account/profile", form("name", "Vera Viewer", "lang", "")), "/account")
		if got := htmlLang(t, v.get("/")); got != "en" {
			t.Fatalf("signed in following the browser: lang %q", got)
		}
	})
}

// ---- 12. units ----

func TestFlowUnits(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		top, child := s.Fix.UnitsA[0], s.Fix.UnitsA[1]
		find := func(name string) vaern.Unit {
			t.Helper()
			units, err := s.Store.Units(ctx, s.Fix.A.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range units {
				if u.Name == name {
					return u
				}
			}
			t.Fatalf("no unit %q", name)
			return vaern.Unit{}
		}

		wantRedirect(t, "create", coord.post("/org/units", form("name", "  IT og Digitalisering ", "parent", "0")), "/org/units")
		u := find("IT og Digitalisering")
		if u.ParentID != 0 {
			t.Fatalf("created unit %+v", u)
		}
		wantFieldError(t, "create without a name", coord.post("/org/units", form("name", " ", "parent", "0")), "name")
		wantFieldError(t, "create under a foreign unit", coord.post("/org/units", form("name", "X", "parent", fmt.Sprint(s.Fix.UnitsB[0].ID))), "parent")
		wantFieldError(t, "create with a long name", coord.post("/org/units", form("name", strings.Repeat("x", 201))), "name")
		list := coord.get("/org/units")
		wantStatus(t, "units page", list, http.StatusOK)
		wantContains(t, "units page", list.Body, "IT og Digitalisering", top.Name, child.Name)

		path := fmt.Sprintf("/org/units/%d", u.ID)
		wantStatus(t, "unit page", coord.get(path), http.StatusOK)
		wantRedirect(t, "rename", coord.post(path, form("name", "Digitalisering", "parent", "0")), path)
		if got := find("Digitalisering"); got.ID != u.ID {
			t.Fatalf("renamed unit %+v", got)
		}
		wantRedirect(t, "move", coord.post(path, form("name", "Digitalisering", "parent", fmt.Sprint(child.ID))), path)
		if got, _ := s.Store.Unit(ctx, s.Fix.A.ID, u.ID); got.ParentID != child.ID {
			t.Fatalf("moved unit %+v", got)
		}

		// Cycles are refused: a unit under itself or under one of its sub-units.
		topPath := fmt.Sprintf("/org/units/%d", top.ID)
		for _, parent := range []int64{top.ID, child.ID, u.ID} {
			r := coord.post(topPath, form("name", top.Name, "parent", fmt.Sprint(parent)))
			wantFieldError(t, fmt.Sprintf("move under %d", parent), r, "parent")
		}
		if got, _ := s.Store.Unit(ctx, s.Fix.A.ID, top.ID); got.ParentID != 0 || got.Name != top.Name {
			t.Fatalf("a refused move changed the unit: %+v", got)
		}
		wantStatus(t, "update a foreign unit", coord.post(fmt.Sprintf("/org/units/%d", s.Fix.UnitsB[0].ID), form("name", "Mine", "parent", "0")), http.StatusNotFound)

		// A unit with sub-units cannot be deleted; a leaf can.
		r := coord.post(topPath+"/delete", nil)
		wantStatus(t, "delete with children", r, http.StatusUnprocessableEntity)
		wantContains(t, "delete with children", r.Body, `<p class="field-error" id="unit-error">`+text(s, "err.has sub-units; move or delete them first")+`</p>`)
		if _, err := s.Store.Unit(ctx, s.Fix.A.ID, top.ID); err != nil {
			t.Fatalf("refused delete removed the unit: %v", err)
		}
		wantRedirect(t, "delete leaf", coord.post(path+"/delete", nil), "/org/units")
		if _, err := s.Store.Unit(ctx, s.Fix.A.ID, u.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("deleted unit: %v", err)
		}
		wantStatus(t, "delete a foreign unit", coord.post(fmt.Sprintf("/org/units/%d/delete", s.Fix.UnitsB[1].ID), nil), http.StatusNotFound)
		if _, err := s.Store.Unit(ctx, s.Fix.B.ID, s.Fix.UnitsB[1].ID); err != nil {
			t.Fatalf("B's unit: %v", err)
		}
		wantStatus(t, "deleted unit's page", coord.get(path), http.StatusNotFound)
		// Deleting the unit of a person keeps the person.
		wantRedirect(t, "delete the respondent's unit", coord.post(fmt.Sprintf("/org/units/%d/delete", child.ID), nil), "/org/units")
		if m, err := s.Store.OrgUser(ctx, s.Fix.A.ID, s.Fix.Users["A:respondent"].ID); err != nil || m.UnitID != 0 {
			t.Fatalf("respondent after their unit was deleted: %+v, %v", m, err)
		}

		// Others may look but not change.
		viewer := signIn(t, s, "A:viewer")
		wantStatus(t, "viewer sees units", viewer.get("/org/units"), http.StatusOK)
		wantStatus(t, "viewer creates", viewer.post("/org/units", form("name", "X")), http.StatusForbidden)
		wantStatus(t, "viewer deletes", viewer.post(topPath+"/delete", nil), http.StatusForbidden)
		wantStatus(t, "viewer reads the audit log", viewer.get("/org/audit"), http.StatusForbidden)

		// Every change is in the audit log, with who did it.
		audit := coord.get("/org/audit")
		wantStatus(t, "audit page", audit, http.StatusOK)
		for _, a := range []string{"unit.create", "unit.update", "unit.delete"} {
			wantContains(t, "audit page", audit.Body, "<td>"+text(s, "audit.action."+a)+"</td>")
		}
		wantContains(t, "audit page", audit.Body, "Digitalisering", "<td>"+s.Fix.Users["A:coordinator"].Name+"</td>")
		entries := auditActions(t, s, s.Fix.A.ID)
		for a, want := range map[string]int{"unit.create": 1, "unit.update": 2, "unit.delete": 2} {
			n := 0
			for _, e := range entries {
				if e.Action == a && e.ActorID == s.Fix.Users["A:coordinator"].ID {
					n++
				}
			}
			if n != want {
				t.Errorf("%d %s audit rows by the coordinator, want %d", n, a, want)
			}
		}
		// B's audit log knows nothing of this.
		if n := countAudit(auditActions(t, s, s.Fix.B.ID), "unit.update", 0); n != 0 {
			t.Fatalf("B's chain has %d unit.update rows", n)
		}
	})
}

// ---- 13. the centre's members ----

func TestFlowCentreMembers(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		admin := signIn(t, s, "centre-admin")
		list := admin.get("/centre/members")
		wantStatus(t, "members", list, http.StatusOK)
		wantContains(t, "members", list.Body, "Aarhus", "Bergen")
		wantStatus(t, "new member form", admin.get("/centre/members/new"), http.StatusOK)
		filtered := admin.get("/centre/members?country=NO")
		if strings.Contains(filtered.Body, "Aarhus") || !strings.Contains(filtered.Body, "Bergen") {
			t.Fatalf("country filter does not filter")
		}

		valid := func(kv ...string) map[string]string {
			f := map[string]string{"code": "101", "name": "København", "country": "DK", "region": "Region Hovedstaden", "population": "660 000"}
			for i := 0; i+1 < len(kv); i += 2 {
				f[kv[i]] = kv[i+1]
			}
			return f
		}
		post := func(c *client, f map[string]string) *result {
			v := form()
			for k, x := range f {
				v.Set(k, x)
			}
			return c.post("/centre/members", v)
		}
		before, _ := s.Store.Members(ctx, s.Fix.Centre.ID)
		for field, f := range map[string]map[string]string{
			"name":       valid("name", " "),
			"code":       valid("code", ""),
			"country":    valid("country", "SE"),
			"population": valid("population", "mange"),
			"size_class": valid("size_class", "huge"),
		} {
			r := post(admin, f)
			if field == "size_class" { // no visible control to mark; the form must still refuse it
				wantStatus(t, "bad "+field, r, http.StatusUnprocessableEntity)
				continue
			}
			wantFieldError(t, "bad "+field, r, field)
		}
		r := post(admin, valid("code", "751", "name", "Aarhus igen"))
		wantFieldError(t, "duplicate code", r, "code")
		wantContains(t, "duplicate code", r.Body, text(s, "err.is already in use"))
		if after, _ := s.Store.Members(ctx, s.Fix.Centre.ID); len(after) != len(before) {
			t.Fatalf("refused forms created %d members", len(after)-len(before))
		}

		r = post(admin, valid())
		wantStatus(t, "create member", r, http.StatusSeeOther)
		o, err := s.Store.OrgByCode(ctx, "101")
		if err != nil || o.Name != "København" || o.Kind != vaern.OrgMember || o.ParentID != s.Fix.Centre.ID ||
			o.Population != 660000 || o.SizeClass != vaern.SizeLarge {
			t.Fatalf("created member %+v, %v", o, err)
		}
		if r.location() != fmt.Sprintf("/centre/members/%d", o.ID) {
			t.Fatalf("created member: redirect to %q", r.location())
		}
		wantStatus(t, "member page", admin.get(r.location()), http.StatusOK)
		if n := countAudit(auditActions(t, s, s.Fix.Centre.ID), "org.create", o.ID); n != 1 {
			t.Fatalf("%d org.create rows in the centre's chain", n)
		}
		// The same code in the other country is another municipality.
		wantStatus(t, "same code in Norway", post(admin, valid("country", "NO", "name", "Halden")), http.StatusSeeOther)

		analyst := signIn(t, s, "centre-analyst")
		wantStatus(t, "analyst lists", analyst.get("/centre/members"), http.StatusOK)
		wantStatus(t, "analyst views", analyst.get(fmt.Sprintf("/centre/members/%d", s.Fix.A.ID)), http.StatusOK)
		wantStatus(t, "analyst creates", post(analyst, valid("code", "147", "name", "Frederiksberg")), http.StatusForbidden)
		wantStatus(t, "analyst opens the form", analyst.get("/centre/members/new"), http.StatusForbidden)
		if _, err := s.Store.OrgByCode(ctx, "147"); err == nil {
			t.Fatalf("the analyst's post created a member")
		}
		for _, key := range []string{"A:coordinator", "A:viewer"} {
			c := signIn(t, s, key)
			wantStatus(t, key+" lists members", c.get("/centre/members"), http.StatusForbidden)
			wantStatus(t, key+" views a member", c.get(fmt.Sprintf("/centre/members/%d", s.Fix.B.ID)), http.StatusForbidden)
			wantStatus(t, key+" creates a member", post(c, valid("code", "147")), http.StatusForbidden)
		}
	})
}
