package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/web"
	"github.com/vaern/vaern/internal/wire"
)

// dbFlags are the flags every command that touches the database shares: --data DIR (SQLite in DIR)
// or --database DSN (a SQLite path or a postgres:// URL), defaulting to VAERN_DATABASE.
type dbFlags struct {
	data      string
	database  string
	fast      bool
	secretKey string
}

func (d *dbFlags) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&d.data, "data", e.getenv("VAERN_DATA"), "directory for the SQLite database (vaern.db); env VAERN_DATA")
	fs.StringVar(&d.database, "database", e.getenv("VAERN_DATABASE"), "SQLite file path or postgres:// URL; env VAERN_DATABASE")
	fs.StringVar(&d.secretKey, "secret-key-file", e.getenv("VAERN_SECRET_KEY_FILE"), "file with the installation's key that seals secrets at rest (32 bytes, raw or base64); with --data it defaults to DIR/secret.key, made on first start; env VAERN_SECRET_KEY_FILE")
	fs.BoolVar(&d.fast, "sqlite-fast", envBool(e.getenv("VAERN_SQLITE_FAST")), "SQLite synchronous=NORMAL: faster, but a power loss may lose the last transactions; env VAERN_SQLITE_FAST")
}

func (d *dbFlags) dsn() (string, error) {
	switch {
	case d.database != "":
		return d.database, nil
	case d.data != "":
		return filepath.Join(d.data, "vaern.db"), nil
	}
	return "", usageErr("no database: give --data DIR or --database DSN (or set VAERN_DATABASE)")
}

// open opens the store; migrate says whether to bring the schema up to date or to require it.
func (d *dbFlags) open(ctx context.Context, migrate bool) (*store.Store, error) {
	dsn, err := d.dsn()
	if err != nil {
		return nil, err
	}
	key, err := d.installationKey(migrate)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{Fast: d.fast, SecretKey: key}))
	if err != nil {
		return nil, err
	}
	if migrate {
		_, err := st.Migrate(ctx)
		if err == nil {
			err = st.CheckComplete(ctx)
		}
		if err == nil {
			_, err = st.ResealSecrets(ctx)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	} else if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func envBool(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

func envDuration(e env, name string, def time.Duration) time.Duration {
	if v := e.getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envFloat(e env, name string, def float64) float64 {
	if v := e.getenv(name); v != "" {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			return n
		}
	}
	return def
}

func envInt(e env, name string, def int) int {
	if v := e.getenv(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envOr(e env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

// serverConfig is the configuration of a running server.
type serverConfig struct {
	// demoIdP mounts the demo's identity provider (set by vaern demo only; no flag sets it).
	demoIdP       bool
	db            dbFlags
	addr          string
	baseURL       string
	metricsAddr   string
	metricsToken  string
	trustProxy    bool
	sessionIdle   time.Duration
	sessionMax    time.Duration
	logLevel      string
	logFormat     string
	smtpHost      string
	smtpPort      int
	smtpUser      string
	smtpPassword  string
	smtpFrom      string
	smtpTLS       string
	allowPublic   bool
	benchmarkK    int           // smallest group the benchmark shows
	natsURL       string        // sensors' ingest through NATS JetStream; "" writes directly
	natsStream    string        // the JetStream stream (default VAERN_SENSOR_ALERTS)
	jobLease      time.Duration // how long a job's claim holds without renewal
	fastAck       bool
	rateAPI       float64
	rateAPIBurst  int
	rateSignIn    float64
	rateSignBurst int
	timeouts      timeouts // not configurable: tests shorten them
}

func (c *serverConfig) register(fs *flag.FlagSet, e env, defAddr string) {
	c.db.register(fs, e)
	fs.StringVar(&c.addr, "addr", envOr(e, "VAERN_ADDR", defAddr), "listen address; env VAERN_ADDR")
	fs.StringVar(&c.baseURL, "base-url", e.getenv("VAERN_BASE_URL"), "public URL used in e-mailed links, e.g. https://vaern.example.dk; env VAERN_BASE_URL")
	fs.StringVar(&c.metricsAddr, "metrics-addr", e.getenv("VAERN_METRICS_ADDR"), "separate listener for /metrics, e.g. 127.0.0.1:9090; env VAERN_METRICS_ADDR")
	fs.StringVar(&c.metricsToken, "metrics-token", e.getenv("VAERN_METRICS_TOKEN"), "bearer token that opens /metrics on the main listener; env VAERN_METRICS_TOKEN")
	fs.BoolVar(&c.trustProxy, "trust-proxy", envBool(e.getenv("VAERN_TRUST_PROXY")), "behind a TLS-terminating reverse proxy: trust X-Forwarded-For; env VAERN_TRUST_PROXY")
	fs.DurationVar(&c.sessionIdle, "session-idle", envDuration(e, "VAERN_SESSION_IDLE", 2*time.Hour), "sign out after this long without activity; env VAERN_SESSION_IDLE")
	fs.DurationVar(&c.sessionMax, "session-max", envDuration(e, "VAERN_SESSION_MAX", 12*time.Hour), "sign out this long after sign-in; env VAERN_SESSION_MAX")
	fs.StringVar(&c.logLevel, "log-level", envOr(e, "VAERN_LOG_LEVEL", "info"), "debug, info, warn or error; env VAERN_LOG_LEVEL")
	fs.StringVar(&c.logFormat, "log-format", envOr(e, "VAERN_LOG_FORMAT", "text"), "text or json; env VAERN_LOG_FORMAT")
	fs.StringVar(&c.smtpHost, "smtp-host", e.getenv("VAERN_SMTP_HOST"), "SMTP server; without one, e-mail is written to the log; env VAERN_SMTP_HOST")
	fs.IntVar(&c.smtpPort, "smtp-port", envInt(e, "VAERN_SMTP_PORT", 587), "SMTP port; env VAERN_SMTP_PORT")
	fs.StringVar(&c.smtpUser, "smtp-user", e.getenv("VAERN_SMTP_USER"), "SMTP user name; env VAERN_SMTP_USER")
	fs.StringVar(&c.smtpPassword, "smtp-password", e.getenv("VAERN_SMTP_PASSWORD"), "SMTP password; env VAERN_SMTP_PASSWORD")
	fs.StringVar(&c.smtpFrom, "smtp-from", e.getenv("VAERN_SMTP_FROM"), "sender address, e.g. Værn <vaern@example.dk>; env VAERN_SMTP_FROM")
	fs.StringVar(&c.smtpTLS, "smtp-tls", envOr(e, "VAERN_SMTP_TLS", "starttls"), "starttls, tls or none; env VAERN_SMTP_TLS")
	fs.DurationVar(&c.jobLease, "job-lease", envDuration(e, "VAERN_JOB_LEASE", 2*time.Minute), "how long a background job's claim holds without renewal: a stopped node's jobs are taken up after it; env VAERN_JOB_LEASE")
	fs.StringVar(&c.natsURL, "nats", e.getenv("VAERN_NATS"), "NATS URL, e.g. nats://127.0.0.1:4222: the sensors' ingest goes through a JetStream stream shared by the app nodes; env VAERN_NATS")
	fs.StringVar(&c.natsStream, "nats-stream", envOr(e, "VAERN_NATS_STREAM", "VAERN_SENSOR_ALERTS"), "the JetStream stream (its subject and consumer are named after it); env VAERN_NATS_STREAM")
	fs.IntVar(&c.benchmarkK, "benchmark-k", envInt(e, "VAERN_BENCHMARK_K", 5), "smallest group of members the benchmark and the national report show; env VAERN_BENCHMARK_K")
	fs.BoolVar(&c.allowPublic, "insecure-public-http", envBool(e.getenv("VAERN_INSECURE_PUBLIC_HTTP")), "allow plain HTTP on a public address (not for production); env VAERN_INSECURE_PUBLIC_HTTP")
	fs.BoolVar(&c.fastAck, "sqlite-fast-accept-loss", envBool(e.getenv("VAERN_SQLITE_FAST_ACCEPT_LOSS")), "acknowledge that --sqlite-fast on a public listener may lose the last acknowledged writes on a power loss; env VAERN_SQLITE_FAST_ACCEPT_LOSS")
	fs.Float64Var(&c.rateAPI, "rate-api", envFloat(e, "VAERN_RATE_API", web.DefaultRateLimits.API.PerMinute), "API requests a minute per client address and per token, on each node (0: no limit); env VAERN_RATE_API")
	fs.IntVar(&c.rateAPIBurst, "rate-api-burst", envInt(e, "VAERN_RATE_API_BURST", web.DefaultRateLimits.API.Burst), "API requests allowed in a burst above --rate-api; env VAERN_RATE_API_BURST")
	fs.Float64Var(&c.rateSignIn, "rate-signin", envFloat(e, "VAERN_RATE_SIGNIN", web.DefaultRateLimits.SignIn.PerMinute), "sign-in, code, password reset and invitation posts a minute per client address, on each node (0: no limit); env VAERN_RATE_SIGNIN")
	fs.IntVar(&c.rateSignBurst, "rate-signin-burst", envInt(e, "VAERN_RATE_SIGNIN_BURST", web.DefaultRateLimits.SignIn.Burst), "sign-in posts allowed in a burst above --rate-signin; env VAERN_RATE_SIGNIN_BURST")
}

// rateLimits is the web server's rate limit configuration.
func (c *serverConfig) rateLimits() web.RateLimits {
	return web.RateLimits{API: web.RateLimit{PerMinute: c.rateAPI, Burst: c.rateAPIBurst},
		SignIn: web.RateLimit{PerMinute: c.rateSignIn, Burst: c.rateSignBurst}}
}

// validate checks the configuration as a whole and names what is wrong.
func (c *serverConfig) validate() error {
	var problems []string
	host, port, err := net.SplitHostPort(c.addr)
	if err != nil {
		problems = append(problems, fmt.Sprintf("addr %q: want HOST:PORT, e.g. 127.0.0.1:8080", c.addr))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		problems = append(problems, fmt.Sprintf("addr %q: port must be a number from 0 to 65535", c.addr))
	} else if !isLoopback(host) && !c.trustProxy && !c.allowPublic {
		problems = append(problems, fmt.Sprintf("addr %q listens on a public address, but Værn serves plain HTTP: run it behind a TLS-terminating reverse proxy and set VAERN_TRUST_PROXY=true, or listen on 127.0.0.1", c.addr))
	}
	public := err == nil && !isLoopback(host) && !c.allowPublic
	if c.baseURL == "" {
		if public {
			problems = append(problems, fmt.Sprintf("addr %q is public: set base-url (VAERN_BASE_URL) to the https:// address users reach Værn at, so that cookies are Secure and e-mailed links work", c.addr))
		}
		c.baseURL = "http://" + c.addr
	} else if u, err := url.Parse(c.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("base-url %q: want an absolute http(s) URL", c.baseURL))
	} else if public && u.Scheme != "https" {
		problems = append(problems, fmt.Sprintf("base-url %q: a public server must be reached over https:// (the TLS-terminating proxy's address); plain http would send session cookies unprotected", c.baseURL))
	}
	if public && c.db.fast && !c.fastAck && !isPostgres(c.db.database) {
		problems = append(problems, "sqlite-fast on a public server may lose acknowledged writes on a power loss: drop VAERN_SQLITE_FAST, or acknowledge the risk with VAERN_SQLITE_FAST_ACCEPT_LOSS=true")
	}
	if c.metricsAddr != "" {
		if mh, _, err := net.SplitHostPort(c.metricsAddr); err != nil {
			problems = append(problems, fmt.Sprintf("metrics-addr %q: want HOST:PORT, e.g. 127.0.0.1:9090", c.metricsAddr))
		} else if !isLoopback(mh) && !c.allowPublic {
			problems = append(problems, fmt.Sprintf("metrics-addr %q is public and /metrics there has no authentication: listen on 127.0.0.1 (or a private address behind a firewall, with --insecure-public-http)", c.metricsAddr))
		}
	}
	if c.rateAPI < 0 || c.rateSignIn < 0 || c.rateAPIBurst < 0 || c.rateSignBurst < 0 {
		problems = append(problems, "rate-api, rate-signin and their bursts must not be negative (0 means no limit)")
	}
	if c.smtpHost != "" && c.smtpTLS == "none" && c.smtpPassword != "" && !isLoopback(c.smtpHost) {
		problems = append(problems, fmt.Sprintf("smtp-tls none would send the SMTP password to %s unencrypted: use starttls or tls", c.smtpHost))
	}
	if c.sessionIdle < time.Minute || c.sessionMax < c.sessionIdle {
		problems = append(problems, "session-idle must be at least 1m and session-max at least session-idle")
	}
	if _, err := parseLevel(c.logLevel); err != nil {
		problems = append(problems, err.Error())
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		problems = append(problems, fmt.Sprintf("log-format %q: use text or json", c.logFormat))
	}
	if c.smtpHost != "" && c.smtpFrom == "" {
		problems = append(problems, "smtp-from is required when smtp-host is set")
	}
	if c.metricsToken != "" && len(c.metricsToken) < 16 {
		problems = append(problems, "metrics-token must be at least 16 characters")
	}
	if c.jobLease < time.Second {
		problems = append(problems, fmt.Sprintf("job-lease %s: must be at least 1s", c.jobLease))
	}
	if c.benchmarkK < 2 {
		problems = append(problems, fmt.Sprintf("benchmark-k %d: must be at least 2, or one member's figures would be shown", c.benchmarkK))
	}
	if len(problems) > 0 {
		return fmt.Errorf("configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return l, fmt.Errorf("log-level %q: use debug, info, warn or error", s)
	}
	return l, nil
}
