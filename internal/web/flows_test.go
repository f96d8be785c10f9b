package web_test

// End-to-end HTTP tests of the platform's flows against the real server (internal/testserver), each
// on SQLite and on PostgreSQL (the latter skipped unless VAERN_TEST_POSTGRES is set). Every response
// any of these tests receives is also checked for the security headers (see checkTransport).

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

const sessionCookie = "vaern_session" // the name on plain HTTP (the test server's base URL)

// eachServer runs fn as a subtest with a fresh server on every engine.
func eachServer(t *testing.T, fn func(t *testing.T, s *testserver.Server)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, testserver.Start(t, e, testserver.Options{}))
		})
	}
}

// checkTransport checks the security headers of every response a test client receives.
type checkTransport struct {
	t    testing.TB
	base http.RoundTripper
}

func (c *checkTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		checkSecurityHeaders(c.t, r.Method+" "+r.URL.Path, resp.Header)
	}
	return resp, err
}

func checkSecurityHeaders(t testing.TB, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
		!strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy = %q", what, csp)
	}
	for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %s = %q, want %q", what, name, got, want)
		}
	}
	if h.Get("Referrer-Policy") == "" {
		t.Errorf("%s: no Referrer-Policy", what)
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("%s: no X-Request-Id", what)
	}
}

// client is a browser-like HTTP client of one test server: its own cookie jar, no redirects followed.
type client struct {
	t  *testing.T
	s  *testserver.Server
	hc *http.Client
	// header is sent with every request (e.g. Accept-Language).
	header http.Header
}

func newClient(t *testing.T, s *testserver.Server) *client {
	hc := s.Client()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	hc.Transport = &checkTransport{t: t, base: s.Checked(tr)}
	return &client{t: t, s: s, hc: hc, header: http.Header{}}
}

// result is a response with its body read.
type result struct {
	*http.Response
	Body string
}

// cookie is the last Set-Cookie for name (the one a browser keeps), nil when there is none.
func (r *result) cookie(name string) *http.Cookie {
	var last *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == name {
			last = c
		}
	}
	return last
}

func (r *result) location() string { return r.Header.Get("Location") }

func (c *client) do(req *http.Request) *result {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &result{Response: resp, Body: string(b)}
}

// get requests path; hdr are header name/value pairs.
func (c *client) get(path string, hdr ...string) *result {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.s.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	setHeaders(req, hdr)
	return c.do(req)
}

// post submits a form; hdr are header name/value pairs.
func (c *client) post(path string, form url.Values, hdr ...string) *result {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeaders(req, hdr)
	return c.do(req)
}

// api sends a JSON API request with a bearer token ("" for none) and a raw body ("" for none).
func (c *client) api(method, path, token, body string) *result {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.s.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

func setHeaders(req *http.Request, hdr []string) {
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
}

// session is the client's session cookie value, "" when it has none.
func (c *client) session() string {
	u, _ := url.Parse(c.s.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.s.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// login posts the sign-in form.
func (c *client) login(email, password string, extra ...string) *result {
	c.t.Helper()
	f := form("email", email, "password", password)
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return c.post("/login", f)
}

// signIn returns a new client signed in as the fixture user key.
func signIn(t *testing.T, s *testserver.Server, key string) *client {
	t.Helper()
	u, ok := s.Fix.Users[key]
	if !ok {
		t.Fatalf("no fixture user %q", key)
	}
	return signInAs(t, s, u.Email, testserver.Password)
}

func signInAs(t *testing.T, s *testserver.Server, email, password string) *client {
	t.Helper()
	c := newClient(t, s)
	r := c.login(email, password)
	if r.StatusCode != http.StatusSeeOther || r.location() != "/" {
		t.Fatalf("sign in %s: status %d, location %q", email, r.StatusCode, r.location())
	}
	return c
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// text is the English text of an i18n key as it appears in HTML.
func text(s *testserver.Server, key string, args ...any) string {
	return html.EscapeString(s.Web.Catalog().For("en").T(key, args...))
}

func wantStatus(t *testing.T, what string, r *result, status int) {
	t.Helper()
	if r.StatusCode != status {
		body := r.Body
		if len(body) > 2000 {
			body = body[:2000] + "…"
		}
		t.Fatalf("%s: status %d, want %d (location %q)\n%s", what, r.StatusCode, status, r.location(), body)
	}
}

func wantRedirect(t *testing.T, what string, r *result, to string) {
	t.Helper()
	wantStatus(t, what, r, http.StatusSeeOther)
	if r.location() != to {
		t.Fatalf("%s: redirect to %q, want %q", what, r.location(), to)
	}
}

// wantSignInRedirect checks that a request was sent to the sign-in page.
func wantSignInRedirect(t *testing.T, what string, r *result) {
	t.Helper()
	wantStatus(t, what, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.location(), "/login") {
		t.Fatalf("%s: redirect to %q, want the sign-in page", what, r.location())
	}
}

// wantFieldError checks a 422 form page that marks field as wrong.
func wantFieldError(t *testing.T, what string, r *result, field string) {
	t.Helper()
	wantStatus(t, what, r, http.StatusUnprocessableEntity)
	// The message is there and tied to its control, so a screen reader announces it with the field.
	described := regexp.MustCompile(`aria-invalid="true" aria-describedby="[^"]*\b` + regexp.QuoteMeta(field) + `-error\b|aria-describedby="[^"]*\b` +
		regexp.QuoteMeta(field) + `-error\b[^"]*" aria-invalid="true"`)
	if !strings.Contains(r.Body, `id="`+field+`-error"`) || !described.MatchString(r.Body) {
		t.Fatalf("%s: the page does not name field %q as wrong:\n%s", what, field, r.Body)
	}
}

func wantContains(t *testing.T, what, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			t.Fatalf("%s: body does not contain %q:\n%s", what, s, body)
		}
	}
}

func htmlLang(t *testing.T, r *result) string {
	t.Helper()
	m := regexp.MustCompile(`<html lang="([a-z]+)">`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no <html lang> in:\n%s", r.Body)
	}
	return m[1]
}

// problem is an application/problem+json body.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func wantProblem(t *testing.T, what string, r *result, status int) problem {
	t.Helper()
	wantStatus(t, what, r, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var p problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("%s: problem body: %v\n%s", what, err, r.Body)
	}
	if p.Status != status || p.Title != http.StatusText(status) {
		t.Fatalf("%s: problem %+v, want status %d", what, p, status)
	}
	if p.RequestID == "" || p.RequestID != r.Header.Get("X-Request-Id") {
		t.Fatalf("%s: problem request_id %q, header %q", what, p.RequestID, r.Header.Get("X-Request-Id"))
	}
	return p
}

// mailsTo returns the queued messages to addr.
func mailsTo(t *testing.T, s *testserver.Server, addr string) []vaern.Mail {
	t.Helper()
	all, err := s.Store.Outbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []vaern.Mail
	for _, m := range all {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// linkIn finds the link to path prefix (e.g. "/password/reset/") in a mail body and returns its path.
func linkIn(t *testing.T, s *testserver.Server, body, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(s.URL+prefix) + `[A-Za-z0-9_-]{20,}`).FindString(body)
	if m == "" {
		t.Fatalf("no %s%s... link in mail:\n%s", s.URL, prefix, body)
	}
	return strings.TrimPrefix(m, s.URL)
}

func auditActions(t *testing.T, s *testserver.Server, orgID int64) []vaern.AuditEntry {
	t.Helper()
	entries, err := s.Store.AuditLog(context.Background(), orgID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func countAudit(entries []vaern.AuditEntry, action string, objectID int64) int {
	n := 0
	for _, e := range entries {
		if e.Action == action && (objectID == 0 || e.ObjectID == fmt.Sprint(objectID)) {
			n++
		}
	}
	return n
}

// setClock moves the store's clock by d for the rest of the test.
func setClock(t *testing.T, s *testserver.Server, d time.Duration) {
	s.Store.SetClock(func() time.Time { return time.Now().Add(d) })
	t.Cleanup(func() { s.Store.SetClock(time.Now) })
}

// ---- 1. signing in ----

func TestFlowSignIn(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		viewer := s.Fix.Users["A:viewer"]
		failed := text(s, "login.failed")

		c := newClient(t, s)
		wrong := c.login(viewer.Email, "not-the-password")
		wantStatus(t, "wrong password", wrong, http.StatusUnauthorized)
		wantContains(t, "wrong password", wrong.Body, failed)
		if ck := wrong.cookie(sessionCookie); ck != nil && ck.Value != "" {
			t.Fatalf("wrong password set a session cookie %+v", ck)
		}
		unknown := c.login("nobody@aarhus.test.dk", "not-the-password")
		wantStatus(t, "unknown e-mail", unknown, http.StatusUnauthorized)
		wantContains(t, "unknown e-mail", unknown.Body, failed)
		if ck := unknown.cookie(sessionCookie); ck != nil && ck.Value != "" {
			t.Fatalf("unknown e-mail set a session cookie %+v", ck)
		}
		// The two failures must not be told apart by anything but the e-mail echoed in the form.
		norm := func(b, email string) string {
			b = strings.ReplaceAll(b, email, "EMAIL")
			return regexp.MustCompile(`<code>[0-9a-f]{16}</code>`).ReplaceAllString(b, "ID")
		}
		if norm(wrong.Body, viewer.Email) != norm(unknown.Body, "nobody@aarhus.test.dk") {
			t.Errorf("the answers for a wrong password and an unknown e-mail differ")
		}
		wantSignInRedirect(t, "dashboard before sign-in", c.get("/"))

		// A session id planted before sign-in is not the one after it.
		c.setCookie(sessionCookie, "planted-session-id")
		ok := c.login(" "+strings.ToUpper(viewer.Email)+" ", testserver.Password)
		wantRedirect(t, "correct password", ok, "/")
		ck := ok.cookie(sessionCookie)
		if ck == nil || ck.Value == "" || ck.Value == "planted-session-id" {
			t.Fatalf("session cookie after sign-in: %+v", ck)
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 {
			t.Fatalf("session cookie attributes: %+v", ck)
		}
		if c.session() != ck.Value {
			t.Fatalf("the jar holds %q, want the new session %q", c.session(), ck.Value)
		}
		first := ck.Value
		wantStatus(t, "dashboard", c.get("/"), http.StatusOK)
		wantRedirect(t, "sign-in page while signed in", c.get("/login"), "/")

		// Signing in again rotates the id and ends the session the browser had.
		wantRedirect(t, "second sign-in", c.login(viewer.Email, testserver.Password), "/")
		if c.session() == first || c.session() == "" {
			t.Fatalf("session id did not rotate on a second sign-in")
		}
		replay := newClient(t, s)
		replay.setCookie(sessionCookie, first)
		wantSignInRedirect(t, "replayed pre-rotation session", replay.get("/"))
		wantStatus(t, "rotated session", c.get("/"), http.StatusOK)

		// next is honoured for local paths only.
		for next, want := range map[string]string{
			"/org/units":                    "/org/units",
			"/org/units?x=1":                "/org/units?x=1",
			"//evil.example":                "/",
			"https://evil.example/":         "/",
			`/\evil.example`:                "/",
			"evil.example":                  "/",
			"/%0d%0aSet-Cookie:%20x=y":      "/%0d%0aSet-Cookie:%20x=y",
			"javascript:alert(document.ur)": "/",
			// Browsers drop tabs and newlines inside URLs: "/\t/evil.example" is "//evil.example" to them.
			"/\t/evil.example":   "/",
			"/\t\\evil.example":  "/",
			"/\x00/evil.example": "/",
		} {
			n := newClient(t, s)
			r := n.login(viewer.Email, testserver.Password, "next", next)
			wantRedirect(t, "sign-in with next="+next, r, want)
		}
		// The sign-in form carries a safe next only.
		lf := newClient(t, s).get("/login?next=" + url.QueryEscape("//evil.example"))
		wantStatus(t, "sign-in form", lf, http.StatusOK)
		wantContains(t, "sign-in form", lf.Body, `name="next" value="/"`)
		lf = newClient(t, s).get("/login?next=" + url.QueryEscape("/org/users"))
		wantContains(t, "sign-in form", lf.Body, `name="next" value="/org/users"`)
		// A page that needs a session sends the browser to sign in and back.
		wantRedirect(t, "units before sign-in", newClient(t, s).get("/org/units"), "/login?next="+url.QueryEscape("/org/units"))

		// Missing fields name the field.
		wantFieldError(t, "empty password", newClient(t, s).login(viewer.Email, ""), "password")
		wantFieldError(t, "empty e-mail", newClient(t, s).login("", "x"), "email")
	})
}

// ---- 2. throttling ----

func TestFlowSignInThrottle(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		coord := s.Fix.Users["A:coordinator"]
		c := newClient(t, s)
		for i := range 5 {
			r := c.login(coord.Email, fmt.Sprintf("wrong-password-%d", i))
			wantStatus(t, fmt.Sprintf("failure %d", i+1), r, http.StatusUnauthorized)
		}
		held := c.login(coord.Email, testserver.Password)
		wantStatus(t, "6th attempt with the right password", held, http.StatusTooManyRequests)
		if !regexp.MustCompile(`Try again in (29|30) seconds`).MatchString(held.Body) {
			t.Fatalf("the page does not say when to try again:\n%s", held.Body)
		}
		if ck := held.cookie(sessionCookie); ck != nil && ck.Value != "" {
			t.Fatalf("a held-back sign-in got a session cookie")
		}
		// Case and spaces do not get around the wait; another account from the same address is not held.
		wantStatus(t, "held, other spelling", c.login(strings.ToUpper(coord.Email), testserver.Password), http.StatusTooManyRequests)
		other := newClient(t, s)
		wantRedirect(t, "another account from the same address", other.login(s.Fix.Users["A:viewer"].Email, testserver.Password), "/")

		entries := auditActions(t, s, s.Fix.A.ID)
		if n := countAudit(entries, "auth.login_failed", coord.ID); n != 5 {
			t.Fatalf("audit log has %d auth.login_failed rows for the coordinator, want 5", n)
		}
		for _, e := range entries {
			if e.Action == "auth.login_failed" && (e.ActorEmail != coord.Email || e.IP != "127.0.0.1" || !strings.Contains(e.Detail, "password")) {
				t.Fatalf("login failure audit row %+v", e)
			}
		}
		if n := countAudit(entries, "auth.login", coord.ID); n != 0 {
			t.Fatalf("a held-back account has %d auth.login rows", n)
		}

		// After the wait, the right password works again.
		setClock(t, s, time.Minute)
		wantRedirect(t, "after the wait", newClient(t, s).login(coord.Email, testserver.Password), "/")
	})
}

// ---- 3. two-factor sign-in ----

var (
	secretRE   = regexp.MustCompile(`<code class="secret" data-secret>([A-Z2-7]+)</code>`)
	recoveryRE = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// enrol2FA switches two-factor sign-in on through the pages and returns the secret and the recovery codes.
func enrol2FA(t *testing.T, s *testserver.Server, c *client) (string, []string) {
	t.Helper()
	wantRedirect(t, "2fa start", c.post("/account/2fa/start", nil), "/account/2fa")
	page := c.get("/account/2fa")
	wantStatus(t, "2fa page", page, http.StatusOK)
	m := secretRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no secret on the 2FA page:\n%s", page.Body)
	}
	secret := m[1]
	wantContains(t, "2fa page", page.Body, `src="data:image/png;base64,`)
	bad := c.post("/account/2fa/enable", form("code", "12345"))
	wantFieldError(t, "2fa enable with a wrong code", bad, "code")
	r := c.post("/account/2fa/enable", form("code", auth.TOTPCode(secret, s.Store.Now())))
	wantStatus(t, "2fa enable", r, http.StatusOK)
	var codes []string
	for _, m := range recoveryRE.FindAllStringSubmatch(r.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("enable shows %d recovery codes, want 10:\n%s", len(codes), r.Body)
	}
	// They are shown once only.
	again := c.get("/account/2fa")
	if recoveryRE.MatchString(again.Body) || secretRE.MatchString(again.Body) {
		t.Fatalf("the 2FA page shows the secret or recovery codes again:\n%s", again.Body)
	}
	return secret, codes
}

// wrongCode is a six-digit code that is not valid for secret now (nor a step before or after).
func wrongCode(secret string, now time.Time) string {
	valid := map[string]bool{}
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		valid[auth.TOTPCode(secret, now.Add(d))] = true
	}
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", (123456+i*7919)%1000000)
		if !valid[c] {
			return c
		}
	}
}

func TestFlowTwoFactor(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		resp := s.Fix.Users["A:respondent"]
		ctx := context.Background()
		secret, codes := enrol2FA(t, s, signIn(t, s, "A:respondent"))
		if u, _ := s.Store.UserSelf(ctx, resp.ID); !u.TOTPEnabled {
			t.Fatalf("TOTP not enabled in the store")
		}
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "user.2fa.enable", resp.ID); n != 1 {
			t.Fatalf("%d user.2fa.enable audit rows", n)
		}

		// The password alone leads to the code step and no further.
		c := newClient(t, s)
		r := c.login(resp.Email, testserver.Password, "next", "/org/units")
		wantRedirect(t, "password step", r, "/login/code?next="+url.QueryEscape("/org/units"))
		pending := c.session()
		if pending == "" {
			t.Fatalf("no pending session cookie")
		}
		wantSignInRedirect(t, "dashboard after the password only", c.get("/"))
		wantProblem(t, "API after the password only", c.api("GET", "/api/v1/me", "", ""), http.StatusUnauthorized)
		wantStatus(t, "code form", c.get("/login/code"), http.StatusOK)
		wantRedirect(t, "code form without a pending session", newClient(t, s).get("/login/code"), "/login")

		bad := c.post("/login/code", form("code", wrongCode(secret, s.Store.Now()), "next", "/org/units"))
		wantStatus(t, "wrong code", bad, http.StatusUnauthorized)
		wantContains(t, "wrong code", bad.Body, text(s, "login.code_wrong"))
		wantSignInRedirect(t, "dashboard after a wrong code", c.get("/"))

		ok := c.post("/login/code", form("code", auth.TOTPCode(secret, s.Store.Now()), "next", "/org/units"))
		wantRedirect(t, "right code", ok, "/org/units")
		if c.session() == pending || c.session() == "" {
			t.Fatalf("session id did not rotate after the second factor")
		}
		wantStatus(t, "dashboard after the code", c.get("/"), http.StatusOK)
		old := newClient(t, s)
		old.setCookie(sessionCookie, pending)
		wantRedirect(t, "code form with the spent pending session", old.get("/login/code"), "/login")

		// A recovery code works once.
		rc := newClient(t, s)
		wantRedirect(t, "password step (recovery)", rc.login(resp.Email, testserver.Password), "/login/code?next=%2F")
		wantRedirect(t, "recovery code", rc.post("/login/code", form("code", codes[0], "next", "/")), "/")
		wantStatus(t, "dashboard after a recovery code", rc.get("/"), http.StatusOK)
		if n, _ := s.Store.RecoveryCodesLeft(ctx, resp.ID); n != 9 {
			t.Fatalf("%d recovery codes left, want 9", n)
		}
		again := newClient(t, s)
		wantRedirect(t, "password step (reuse)", again.login(resp.Email, testserver.Password), "/login/code?next=%2F")
		wantStatus(t, "recovery code used twice", again.post("/login/code", form("code", codes[0])), http.StatusUnauthorized)
		wantSignInRedirect(t, "dashboard after a reused recovery code", again.get("/"))
		// Typed with capitals and spaces, another code still works.
		typed := strings.ToUpper(strings.Replace(codes[1], "-", " - ", 1))
		wantRedirect(t, "recovery code as typed", again.post("/login/code", form("code", typed)), "/")

		entries := auditActions(t, s, s.Fix.A.ID)
		if n := countAudit(entries, "user.2fa.recovery_code", resp.ID); n != 2 {
			t.Fatalf("%d recovery code audit rows, want 2", n)
		}
		if n := countAudit(entries, "auth.login", resp.ID); n != 4 { // the enrolling sign-in, code, 2 recovery codes
			t.Fatalf("%d auth.login audit rows, want 4", n)
		}
	})
}

// ---- 4. an organisation that requires two-factor sign-in ----

func TestFlowRequire2FA(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		viewerToken := createToken(t, signIn(t, s, "A:viewer"), "before")

		wantRedirect(t, "settings", coord.post("/org/settings", form("require_2fa", "on")), "/org/settings")
		if o, err := s.Store.Org(ctx, s.Fix.A.ID, s.Fix.A.ID); err != nil || !o.Require2FA {
			t.Fatalf("require_2fa not stored: %+v, %v", o, err)
		}
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "org.require_2fa", 0); n != 1 {
			t.Fatalf("%d org.require_2fa audit rows", n)
		}

		v := signIn(t, s, "A:viewer")
		for _, p := range []string{"/", "/org/units", "/account/tokens"} {
			wantRedirect(t, "viewer without 2FA: "+p, v.get(p), "/account/2fa")
		}
		page := v.get("/account/2fa")
		wantStatus(t, "enrolment page", page, http.StatusOK)
		wantContains(t, "enrolment page", page.Body, text(s, "twofactor.required"))
		p := wantProblem(t, "API with the session", v.api("GET", "/api/v1/me", "", ""), http.StatusForbidden)
		if !strings.Contains(p.Detail, "two-factor") {
			t.Fatalf("problem detail %q does not explain", p.Detail)
		}
		wantProblem(t, "API with a token made before", v.api("GET", "/api/v1/me", viewerToken, ""), http.StatusForbidden)
		// The coordinator who switched it on is held to it too.
		wantRedirect(t, "coordinator without 2FA", coord.get("/org/settings"), "/account/2fa")
		// Another member is not affected.
		wantStatus(t, "member B", signIn(t, s, "B:viewer").get("/"), http.StatusOK)

		// Once enrolled, the viewer gets in; switching 2FA off is refused.
		enrol2FA(t, s, v)
		wantStatus(t, "viewer with 2FA", v.get("/"), http.StatusOK)
		wantStatus(t, "API with 2FA", v.api("GET", "/api/v1/me", "", ""), http.StatusOK)
		wantRedirect(t, "disable while required", v.post("/account/2fa/disable", form("current", testserver.Password)), "/account/2fa")
		if u, _ := s.Store.UserSelf(ctx, s.Fix.Users["A:viewer"].ID); !u.TOTPEnabled {
			t.Fatalf("2FA was switched off although the organisation requires it")
		}
		// Signing out still works for the coordinator held at the enrolment page.
		wantRedirect(t, "logout", coord.post("/logout", nil), "/login")
	})
}

// ---- 5. password reset ----

func TestFlowPasswordReset(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		viewer := s.Fix.Users["A:viewer"]
		before := signIn(t, s, "A:viewer")
		c := newClient(t, s)

		wantStatus(t, "forgot form", c.get("/password/forgot"), http.StatusOK)
		known := c.post("/password/forgot", form("email", viewer.Email))
		unknown := c.post("/password/forgot", form("email", "nobody@aarhus.test.dk"))
		wantRedirect(t, "forgot, known address", known, "/login")
		wantRedirect(t, "forgot, unknown address", unknown, "/login")
		kf, uf := known.cookie("vaern_flash"), unknown.cookie("vaern_flash")
		if kf == nil || uf == nil || kf.Value != uf.Value {
			t.Fatalf("the answers differ: flash %+v vs %+v", kf, uf)
		}
		wantFieldError(t, "forgot, not an address", c.post("/password/forgot", form("email", "not an address")), "email")

		if n := len(mailsTo(t, s, "nobody@aarhus.test.dk")); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}
		mails := mailsTo(t, s, viewer.Email)
		if len(mails) != 1 {
			t.Fatalf("%d reset mails, want 1", len(mails))
		}
		link := linkIn(t, s, mails[0].Body, "/password/reset/")

		wantStatus(t, "reset form", c.get(link), http.StatusOK)
		wantFieldError(t, "too short", c.post(link, form("password", "kort", "password2", "kort")), "password")
		wantFieldError(t, "the e-mail as password", c.post(link, form("password", viewer.Email, "password2", viewer.Email)), "password")
		wantFieldError(t, "not repeated", c.post(link, form("password", "nyt-langt-kodeord-1", "password2", "nyt-langt-kodeord-2")), "password2")
		// The link survives the failed attempts.
		const newPW = "nyt-langt-kodeord-1"
		wantRedirect(t, "reset", c.post(link, form("password", newPW, "password2", newPW)), "/login")

		wantStatus(t, "old password", newClient(t, s).login(viewer.Email, testserver.Password), http.StatusUnauthorized)
		wantRedirect(t, "new password", newClient(t, s).login(viewer.Email, newPW), "/")

		for _, r := range []*result{c.get(link), c.post(link, form("password", "endnu-et-kodeord", "password2", "endnu-et-kodeord"))} {
			wantStatus(t, "used link", r, http.StatusNotFound)
			wantContains(t, "used link", r.Body, text(s, "link.invalid_title"))
		}
		wantRedirect(t, "new password still", newClient(t, s).login(viewer.Email, newPW), "/")
		wantStatus(t, "unknown link", c.get("/password/reset/not-a-token"), http.StatusNotFound)

		// Every session from before the reset has ended.
		wantSignInRedirect(t, "session from before the reset", before.get("/"))
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "user.password", viewer.ID); n != 1 {
			t.Fatalf("%d user.password audit rows", n)
		}
	})
}

// ---- 6. invitations ----

func TestFlowInvitation(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		unit := s.Fix.UnitsA[0]
		const newAddr = "ny.kollega@aarhus.test.dk"

		// Mistakes name the field and send nothing.
		wantFieldError(t, "bad address", coord.post("/org/users/invite", form("email", "ny kollega", "role", "respondent")), "email")
		wantFieldError(t, "centre role", coord.post("/org/users/invite", form("email", newAddr, "role", "centre-admin")), "role")
		wantFieldError(t, "foreign unit", coord.post("/org/users/invite",
			form("email", newAddr, "role", "respondent", "unit", fmt.Sprint(s.Fix.UnitsB[0].ID))), "unit")
		wantFieldError(t, "already a member", coord.post("/org/users/invite", form("email", s.Fix.Users["A:viewer"].Email, "role", "viewer")), "email")
		if n := len(mailsTo(t, s, newAddr)); n != 0 {
			t.Fatalf("%d mails after refused invitations", n)
		}
		// A respondent may not invite.
		wantStatus(t, "respondent invites", signIn(t, s, "A:respondent").post("/org/users/invite",
			form("email", newAddr, "role", "coordinator")), http.StatusForbidden)

		wantRedirect(t, "invite", coord.post("/org/users/invite",
			form("email", " "+strings.ToUpper(newAddr), "role", "respondent", "unit", fmt.Sprint(unit.ID))), "/org/users")
		mails := mailsTo(t, s, newAddr)
		if len(mails) != 1 {
			t.Fatalf("%d invitation mails, want 1", len(mails))
		}
		link := linkIn(t, s, mails[0].Body, "/invite/")

		guest := newClient(t, s)
		form1 := guest.get(link)
		wantStatus(t, "invitation page", form1, http.StatusOK)
		wantContains(t, "invitation page", form1.Body, "Aarhus", newAddr, `name="password2"`)
		wantFieldError(t, "no name", guest.post(link, form("password", "mit-nye-kodeord", "password2", "mit-nye-kodeord")), "name")
		wantFieldError(t, "short password", guest.post(link, form("name", "Ny Kollega", "password", "kort", "password2", "kort")), "password")
		wantRedirect(t, "accept", guest.post(link, form("name", "Ny Kollega", "password", "mit-nye-kodeord", "password2", "mit-nye-kodeord")), "/login")
		wantStatus(t, "invitation used twice", guest.get(link), http.StatusNotFound)

		u, err := s.Store.UserByEmail(ctx, newAddr)
		if err != nil {
			t.Fatalf("invited user: %v", err)
		}
		m, err := s.Store.OrgUser(ctx, s.Fix.A.ID, u.ID)
		if err != nil || m.Role != vaern.RoleRespondent || m.UnitID != unit.ID || m.Name != "Ny Kollega" {
			t.Fatalf("invited member %+v, %v", m, err)
		}
		wantStatus(t, "new user's dashboard", signInAs(t, s, newAddr, "mit-nye-kodeord").get("/"), http.StatusOK)

		// Someone who already has an account (B's viewer) confirms with their password.
		bViewer := s.Fix.Users["B:viewer"]
		wantRedirect(t, "invite existing", coord.post("/org/users/invite", form("email", bViewer.Email, "role", "viewer")), "/org/users")
		mails = mailsTo(t, s, bViewer.Email)
		if len(mails) != 1 {
			t.Fatalf("%d invitation mails to B's viewer", len(mails))
		}
		link = linkIn(t, s, mails[0].Body, "/invite/")
		page := guest.get(link)
		wantStatus(t, "invitation page (existing)", page, http.StatusOK)
		wantContains(t, "invitation page (existing)", page.Body, text(s, "invite.existing"))
		if strings.Contains(page.Body, `name="password2"`) {
			t.Fatalf("an existing user is asked for a new password")
		}
		wantFieldError(t, "existing, wrong password", guest.post(link, form("password", "not-the-password")), "password")
		if _, err := s.Store.OrgUser(ctx, s.Fix.A.ID, bViewer.ID); err == nil {
			t.Fatalf("a wrong password added the membership")
		}
		// The form is no way around the sign-in lock.
		for i := range 4 {
			wantFieldError(t, "existing, wrong password", guest.post(link, form("password", fmt.Sprint("guess-", i))), "password")
		}
		locked := guest.post(link, form("password", testserver.Password))
		wantStatus(t, "existing, locked", locked, http.StatusTooManyRequests)
		wantContains(t, "existing, locked", locked.Body, "Try again in")
		wantStatus(t, "sign-in, locked", newClient(t, s).login(bViewer.Email, testserver.Password), http.StatusTooManyRequests)
		if _, err := s.Store.OrgUser(ctx, s.Fix.A.ID, bViewer.ID); err == nil {
			t.Fatalf("a locked account accepted the invitation")
		}
		setClock(t, s, 16*time.Minute)
		wantRedirect(t, "accept (existing)", guest.post(link, form("password", testserver.Password)), "/login")
		orgs, roles, err := s.Store.UserOrgs(ctx, bViewer.ID)
		if err != nil || len(orgs) != 2 {
			t.Fatalf("B's viewer belongs to %d organisations (%v)", len(orgs), err)
		}
		if m, err := s.Store.OrgUser(ctx, s.Fix.A.ID, bViewer.ID); err != nil || m.Role != vaern.RoleViewer {
			t.Fatalf("membership in A: %+v, %v (roles %v)", m, err, roles)
		}

		// They can switch between the two.
		bv := signIn(t, s, "B:viewer")
		me := func() meJSON {
			t.Helper()
			r := bv.api("GET", "/api/v1/me", "", "")
			wantStatus(t, "me", r, http.StatusOK)
			var m meJSON
			if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		acct := bv.get("/account")
		wantContains(t, "account page", acct.Body, `action="/account/org"`, "Aarhus", "Bergen")
		for _, o := range []vaern.Org{s.Fix.B, s.Fix.A, s.Fix.B} {
			before := bv.session()
			wantRedirect(t, "switch to "+o.Name, bv.post("/account/org", form("org", fmt.Sprint(o.ID))), "/")
			if bv.session() == before {
				t.Fatalf("session id did not change on switching organisation")
			}
			stale := newClient(t, s)
			stale.setCookie(sessionCookie, before)
			wantSignInRedirect(t, "session from before the switch", stale.get("/"))
			if m := me(); m.Org.ID != o.ID || m.Org.Code != o.Code || m.Role != "viewer" {
				t.Fatalf("after switching to %s: %+v", o.Name, m)
			}
		}
		wantStatus(t, "switch to a foreign organisation", bv.post("/account/org", form("org", fmt.Sprint(s.Fix.Centre.ID))), http.StatusNotFound)
		if m := me(); m.Org.ID != s.Fix.B.ID {
			t.Fatalf("a refused switch moved the session to %+v", m.Org)
		}
	})
}

// ---- 7. signing out ----

func TestFlowSignOut(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		one, two := signIn(t, s, "A:viewer"), signIn(t, s, "A:viewer")
		bystander := signIn(t, s, "A:coordinator")
		wantStatus(t, "client one", one.get("/"), http.StatusOK)
		wantStatus(t, "client two", two.get("/"), http.StatusOK)
		r := one.post("/account/sign-out-everywhere", nil)
		wantRedirect(t, "sign out everywhere", r, "/login")
		if ck := r.cookie(sessionCookie); ck == nil || ck.MaxAge >= 0 {
			t.Fatalf("sign out everywhere does not clear the cookie: %+v", ck)
		}
		wantSignInRedirect(t, "client one after", one.get("/"))
		wantSignInRedirect(t, "client two after", two.get("/account"))
		wantStatus(t, "another user", bystander.get("/"), http.StatusOK)
		if n := countAudit(auditActions(t, s, s.Fix.A.ID), "user.sign_out_everywhere", s.Fix.Users["A:viewer"].ID); n != 1 {
			t.Fatalf("%d sign-out-everywhere audit rows", n)
		}

		// Logout ends the session on the server, not only in the browser.
		c := signIn(t, s, "A:viewer")
		old := c.session()
		lo := c.post("/logout", nil)
		wantRedirect(t, "logout", lo, "/login")
		if ck := lo.cookie(sessionCookie); ck == nil || ck.MaxAge >= 0 {
			t.Fatalf("logout does not clear the cookie: %+v", ck)
		}
		replay := newClient(t, s)
		replay.setCookie(sessionCookie, old)
		wantSignInRedirect(t, "replayed cookie after logout", replay.get("/"))
		wantProblem(t, "replayed cookie on the API", replay.api("GET", "/api/v1/me", "", ""), http.StatusUnauthorized)
		wantRedirect(t, "logout without a session", newClient(t, s).post("/logout", nil), "/login")
	})
}
