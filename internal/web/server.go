// Package web serves Værn's HTML pages and mounts the JSON API. The route table in routes.go is the
// one list of every path; middleware.go holds the chain every request passes through.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/api"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/store"
)

// Config is what the web server needs to know; it is validated by the command that builds it.
type Config struct {
	BaseURL      string        // public URL, for links in e-mails; https makes cookies Secure
	SessionIdle  time.Duration // a session unused this long ends
	SessionMax   time.Duration // a session ends this long after sign-in, used or not
	MetricsToken string        // bearer token for /metrics on the public listener; "" hides it there
	TrustProxy   bool          // take the client address from X-Forwarded-For (behind a reverse proxy)
	Demo         bool          // show the demo banner
	Logger       *slog.Logger
	// MailWake, when set, is called after a job was enqueued (an e-mail's delivery, an import) so
	// the job worker takes it up at once instead of at its next poll.
	MailWake func()
	// RateLimits are the per-node request rate limits; the zero value limits nothing.
	RateLimits RateLimits
	// BenchmarkK is the smallest group the benchmark shows (default 5).
	BenchmarkK int
	// WebhookAllowPrivate admits webhook addresses on loopback and private networks. Only tests
	// set it: in production a webhook must never point inside the network (docs/notifications.md).
	WebhookAllowPrivate bool
	// SSOClient makes the server's calls to OpenID providers (discovery, keys, tokens); nil: a
	// client with a 15 s timeout.
	SSOClient *http.Client
	// SensorRate is the per-sensor batch rate (the zero value limits nothing; `vaern serve` sets
	// sensor.DefaultRate). SensorSink takes the sensors' parsed batches: nil writes them to the
	// store directly; `vaern serve --nats` puts a JetStream queue there.
	SensorRate sensor.RateLimit
	SensorSink sensor.Sink
	// DemoIdP is the demo's identity provider (internal/sso/demoidp), mounted at /demo-idp/. Only
	// `vaern demo` sets it, and New refuses it unless Demo is set too: it signs in whomever one
	// picks, so it must never run in an installation.
	DemoIdP http.Handler
}

// Server is the HTTP side of Værn.
type Server struct {
	cfg     Config
	st      *store.Store
	cat     *i18n.Catalog
	views   *views
	log     *slog.Logger
	routes  []httpx.Route
	metrics *metrics
	api     *api.API
	secure  bool
	handler http.Handler
	qcache  *questionCache
	acache  *areaPartCache // rendered questions of focus-area pages (baseline_area_cache.go)
	rcache  *reportCache   // municipality reports of closed rounds (report_cache.go)
	scache  *sessionCache  // sessions of autosaves, checked again by the write (session_cache.go)
	limits  *rateLimiters
	oidc    *sso.OIDC // the OpenID Connect relying party, with each provider's discovery cached
}

// New builds the server: it parses every template and fails if one is broken, so a bad template
// stops the boot instead of a request.
func New(cfg Config, st *store.Store) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 2 * time.Hour
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	v, err := loadViews()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, st: st, cat: cat, views: v, log: cfg.Logger, metrics: newMetrics(), qcache: newQuestionCache(), acache: newAreaPartCache(), rcache: newReportCache(), scache: newSessionCache(),
		limits: newRateLimiters(cfg.RateLimits), oidc: sso.NewOIDC(cfg.SSOClient)}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Scheme == "https" {
		s.secure = true
	}
	var sink sensor.Sink = st
	if cfg.SensorSink != nil {
		sink = cfg.SensorSink
	}
	s.api = api.New(st, api.Config{BaseURL: cfg.BaseURL, ClientIP: s.clientIP, BenchmarkK: cfg.BenchmarkK, Catalog: cat,
		Sensors: api.NewSensorIngester(st, sink, cfg.SensorRate)})
	s.routes = append(s.htmlRoutes(), s.api.Routes()...)
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		pattern := rt.Method + " " + rt.Pattern
		mux.Handle(pattern, s.guard(rt))
	}
	mux.Handle("/", s.guard(httpx.Route{Pattern: "/", Perm: "", Handler: s.notFound}))
	if cfg.DemoIdP != nil {
		if !cfg.Demo {
			return nil, errors.New("the demo identity provider runs only in vaern demo")
		}
		mux.Handle("/demo-idp/", cfg.DemoIdP)
	}
	s.handler = s.outer(mux)
	return s, nil
}

// Routes returns the route table (for the authorization and OpenAPI tests).
func (s *Server) Routes() []httpx.Route { return s.routes }

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// MetricsHandler serves Prometheus metrics (for a separate, private listener).
func (s *Server) MetricsHandler() http.Handler { return s.metrics.handler() }

// Catalog returns the translations (tests).
func (s *Server) Catalog() *i18n.Catalog { return s.cat }

// link builds an absolute URL for e-mails.
func (s *Server) link(path string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + path
}

// Background runs the server's periodic work until ctx ends: purging expired sessions.
func (s *Server) Background(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.st.PurgeSessions(ctx, s.st.Now(), s.cfg.SessionIdle); err != nil {
				s.log.Error("purge sessions", "err", err)
			} else if n > 0 {
				s.log.Info("purged sessions", "count", n)
			}
		}
	}
}

func (s *Server) wakeMail() { s.wakeJobs() }

func (s *Server) wakeJobs() {
	if s.cfg.MailWake != nil {
		s.cfg.MailWake()
	}
}
