package web_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// cutProxy forwards TCP connections to a database and can cut them all, and refuse new ones, as a
// restart of the database server does.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	cut    bool
	conns  map[net.Conn]bool
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go p.serve()
	return p
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		cut := p.cut
		p.mu.Unlock()
		if cut {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

// Cut closes every forwarded connection and refuses new ones until Restore.
func (p *cutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

func (p *cutProxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// TestDatabaseOutage: while PostgreSQL is out of reach, a signed-in person gets 503 with
// Retry-After and a page that says so, never the sign-in page; a form post comes back with what was
// typed, ready to send again; the API answers problem+json 503. When the database is back, the same
// session works and the kept form goes through.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	var proxy *cutProxy
	s := testserver.Start(t, store.Postgres, testserver.Options{DSN: func(dsn string) string {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		proxy = newCutProxy(t, u.Host)
		u.Host = proxy.ln.Addr().String()
		return u.String()
	}})
	coord := signIn(t, s, "A:coordinator")
	wantStatus(t, "dashboard before the outage", coord.get("/"), http.StatusOK)

	proxy.Cut()
	page := coord.get("/")
	wantStatus(t, "dashboard during the outage", page, http.StatusServiceUnavailable)
	if page.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	wantContains(t, "dashboard during the outage", page.Body, text(s, "error.503"))
	if ck := page.cookie(sessionCookie); ck != nil && ck.MaxAge < 0 {
		t.Fatal("the outage cleared the session cookie")
	}

	// A form post keeps what was typed.
	const unit = "Digitalisering & IT-sikkerhed"
	post := coord.post("/org/units", form("name", unit))
	wantStatus(t, "form post during the outage", post, http.StatusServiceUnavailable)
	wantContains(t, "form post during the outage", post.Body, `action="/org/units"`, `name="name" value="Digitalisering &amp; IT-sikkerhed"`,
		text(s, "unavailable.resend"))

	// Signing in keeps the address, never the password.
	guest := newClient(t, s)
	login := guest.login("coordinator@aarhus.test.dk", testserver.Password)
	wantStatus(t, "sign-in during the outage", login, http.StatusServiceUnavailable)
	wantContains(t, "sign-in during the outage", login.Body, "coordinator@aarhus.test.dk")
	if strings.Contains(login.Body, testserver.Password) {
		t.Fatal("the 503 page echoes the password")
	}

	// The autosave script and the API get problem+json.
	api := coord.get("/api/v1/me")
	wantStatus(t, "API during the outage", api, http.StatusServiceUnavailable)
	if ct := api.Header.Get("Content-Type"); ct != "application/problem+json" || api.Header.Get("Retry-After") == "" {
		t.Fatalf("API during the outage: Content-Type %q, Retry-After %q", ct, api.Header.Get("Retry-After"))
	}

	proxy.Restore()
	var back *result
	for range 100 {
		if back = coord.get("/"); back.StatusCode != http.StatusServiceUnavailable {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	wantStatus(t, "dashboard after the outage, same session", back, http.StatusOK)
	wantRedirect(t, "the kept form sent again", coord.post("/org/units", form("name", unit)), "/org/units")
	wantContains(t, "units after the outage", coord.get("/org/units").Body, "Digitalisering &amp; IT-sikkerhed")
}
