// Package testserver starts the real Værn web server on a free port over a fresh store, with a
// small fixture of organisations and users, for HTTP and browser tests.
package testserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/sso/demoidp"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/web"
)

// Password is every fixture user's password.
const Password = "korrekt-hest-batteri"

// Fixture is what the server was seeded with.
type Fixture struct {
	Centre, A, B vaern.Org
	// Users maps "centre-admin", "centre-analyst", "A:coordinator", "A:respondent", "A:viewer",
	// "B:coordinator", ... to users.
	Users map[string]vaern.User
	// UnitsA and UnitsB are each member's units (A's first one has a child).
	UnitsA, UnitsB []vaern.Unit
}

// Server is a running test server.
type Server struct {
	URL   string
	Store *store.Store
	Web   *web.Server
	Jobs  *jobs.Worker // runs the jobs (not the periodic ones: tests move the clock themselves)
	// Notifier is attached to the store, so changes made through the server notify people.
	Notifier *notify.Notifier
	Fix      Fixture
	http     *httptest.Server
	api      *contract
}

// Options tune the server.
type Options struct {
	Demo bool // seed the full demo instead of the small fixture
	Log  io.Writer
	// RateLimits and TrustProxy are passed to the web server (no limits by default).
	RateLimits web.RateLimits
	TrustProxy bool
	// DSN, if set, rewrites the new database's connection string before the store opens it (to
	// reach the database through a proxy that a test can cut, say).
	DSN func(string) string
	// AuditShards, if set, splits each organisation's audit chain as store.Options.AuditShards
	// does; -1 takes the engine's default, as vaern serve does (benchmarks). Tests keep one chain
	// per organisation so that they can predict sequence numbers.
	AuditShards int
	// DemoBanner shows the demo banner on every page, as `vaern demo` does.
	DemoBanner bool
	// WebhookAllowPrivate admits webhooks on loopback (a local TLS test server).
	WebhookAllowPrivate bool
	// WebhookClient posts the webhook jobs (default: the production client, which refuses loopback).
	WebhookClient *http.Client
	// SensorRate is the per-sensor ingest rate (none by default).
	SensorRate sensor.RateLimit
	// DemoIdP mounts the demo's identity provider as Aarhus's (organisation 751), as `vaern
	// demo` does; it implies the demo banner.
	DemoIdP bool
}

// Start runs a server on engine e until the test ends.
func Start(t testing.TB, e store.Engine, opt Options) *Server {
	t.Helper()
	shards := 1
	if opt.AuditShards != 0 {
		shards = max(opt.AuditShards, 0)
	}
	dsn := storetest.DSN(t, e)
	if opt.DSN != nil {
		dsn = opt.DSN(dsn)
	}
	st := storetest.OpenDSN(t, e, dsn, store.Options{AuditShards: shards})
	ctx := context.Background()
	s := &Server{Store: st}
	if opt.Demo {
		if _, err := demo.Seed(ctx, st); err != nil {
			t.Fatalf("seed demo: %v", err)
		}
	} else {
		s.Fix = seed(t, st)
	}
	w := opt.Log
	if w == nil {
		w = io.Discard
	}
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	reg := jobs.NewRegistry()
	s.Jobs = jobs.NewWorker(st, reg, log)
	s.Jobs.NoSchedule = true
	s.Jobs.Poll = 50 * time.Millisecond
	s.http = httptest.NewUnstartedServer(nil)
	s.URL = "http://" + s.http.Listener.Addr().String()
	var demoIdP http.Handler
	if opt.DemoIdP {
		p, err := demoidp.Register(ctx, st, s.URL)
		if err != nil {
			t.Fatalf("demo identity provider: %v", err)
		}
		demoIdP, opt.DemoBanner = p, true
	}
	srv, err := web.New(web.Config{BaseURL: s.URL, Logger: log, MailWake: s.Jobs.Wake,
		RateLimits: opt.RateLimits, TrustProxy: opt.TrustProxy, Demo: opt.DemoBanner, WebhookAllowPrivate: opt.WebhookAllowPrivate,
		SensorRate: opt.SensorRate, DemoIdP: demoIdP}, st)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	// What happens through the server tells people, as in production (the seed above told nobody).
	s.Notifier = notify.New(srv.Catalog(), s.URL)
	s.Notifier.Attach(st)
	s.Web = srv
	jobs.Standard(reg, jobs.Config{St: st, Cat: srv.Catalog(), BaseURL: s.URL, Log: log, Sender: jobs.LogSender{Log: log},
		Notify: s.Notifier, WebhookClient: opt.WebhookClient})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Jobs.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	s.http.Config.Handler = srv.Handler()
	s.http.Start()
	t.Cleanup(s.http.Close)
	s.api = loadContract(t, s.URL)
	return s
}

func seed(t testing.TB, st *store.Store) Fixture {
	ctx := context.Background()
	sys := vaern.System("test")
	f := Fixture{Users: map[string]vaern.User{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	var err error
	f.Centre, err = st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Testcentret", Country: "DK"})
	must(err)
	f.A, err = st.CreateMember(ctx, sys, f.Centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK", Region: "Region Midtjylland", Population: 367100, SizeClass: "large"})
	must(err)
	f.B, err = st.CreateMember(ctx, sys, f.Centre.ID, vaern.Org{Code: "4601", Name: "Bergen", Country: "NO", Region: "Vestland", Population: 291000, SizeClass: "large"})
	must(err)
	for _, o := range []struct {
		org   vaern.Org
		units *[]vaern.Unit
		names []string
	}{{f.A, &f.UnitsA, []string{"Børn og Unge", "Skoler"}}, {f.B, &f.UnitsB, []string{"Helse og omsorg", "Sykehjem"}}} {
		top, err := st.CreateUnit(ctx, sys, o.org.ID, 0, o.names[0])
		must(err)
		child, err := st.CreateUnit(ctx, sys, o.org.ID, top.ID, o.names[1])
		must(err)
		*o.units = []vaern.Unit{top, child}
	}
	hash, err := auth.HashPassword(Password)
	must(err)
	add := func(key, email string, org vaern.Org, role vaern.Role, unit int64, lang string) {
		u, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: strings.ToUpper(key[:1]) + key[1:], Lang: lang,
			PasswordHash: hash, OrgID: org.ID, Role: role, UnitID: unit})
		must(err)
		f.Users[key] = u
	}
	add("centre-admin", "admin@centre.test.dk", f.Centre, vaern.RoleCentreAdmin, 0, "en")
	add("centre-analyst", "analyst@centre.test.dk", f.Centre, vaern.RoleCentreAnalyst, 0, "en")
	for _, m := range []struct {
		key  string
		org  vaern.Org
		unit int64
		lang string
	}{{"A", f.A, f.UnitsA[1].ID, "en"}, {"B", f.B, f.UnitsB[1].ID, "en"}} {
		dom := strings.ToLower(m.org.Name) + ".test.dk"
		add(m.key+":coordinator", "coordinator@"+dom, m.org, vaern.RoleCoordinator, 0, m.lang)
		add(m.key+":respondent", "respondent@"+dom, m.org, vaern.RoleRespondent, m.unit, m.lang)
		add(m.key+":viewer", "viewer@"+dom, m.org, vaern.RoleViewer, 0, m.lang)
	}
	return f
}

// Client returns an HTTP client with its own cookie jar that does not follow redirects. Every JSON
// API answer it receives is checked against the server's OpenAPI document: one that does not match
// is an error of the call.
func (s *Server) Client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: s.api,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Login signs a new client in as the fixture user with key, failing the test if it does not work.
func (s *Server) Login(t testing.TB, key string) *http.Client {
	t.Helper()
	u, ok := s.Fix.Users[key]
	if !ok {
		t.Fatalf("no fixture user %q", key)
	}
	return s.LoginAs(t, u.Email, Password)
}

// LoginAs signs a new client in with e-mail and password.
func (s *Server) LoginAs(t testing.TB, email, password string) *http.Client {
	t.Helper()
	c := s.Client()
	resp, err := c.PostForm(s.URL+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login %s: status %d, location %q", email, resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}
