package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/sensor/natsq"
	"github.com/vaern/vaern/internal/sso/demoidp"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/web"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c serverConfig
	c.register(fs, e, "127.0.0.1:8080")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	st, err := c.db.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	return serve(ctx, e, c, st, false, nil)
}

func newLogger(e env, c serverConfig) *slog.Logger {
	lvl, _ := parseLevel(c.logLevel)
	opts := &slog.HandlerOptions{Level: lvl}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// serve runs the HTTP server, the metrics listener and the background workers until ctx ends, then
// shuts down gracefully. ready, if set, is called with the listening URL once requests are served.
func serve(ctx context.Context, e env, c serverConfig, st *store.Store, demo bool, ready func(url string)) error {
	web.TuneRuntime(e.getenv)
	log := newLogger(e, c)
	if !st.SealsSecrets() {
		log.Warn("no installation key: TOTP seeds, webhook keys and identity-provider secrets are stored unsealed; set VAERN_SECRET_KEY_FILE (docs/operations.md, Secrets at rest)")
	}
	var sender jobs.Sender = jobs.LogSender{Log: log}
	if c.smtpHost != "" {
		s, err := jobs.NewSMTPSender(jobs.SMTPConfig{Host: c.smtpHost, Port: c.smtpPort, Username: c.smtpUser,
			Password: c.smtpPassword, From: c.smtpFrom, TLS: c.smtpTLS})
		if err != nil {
			return err
		}
		sender = s
	}
	reg := jobs.NewRegistry()
	worker := jobs.NewWorker(st, reg, log)
	worker.Lease = c.jobLease
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", c.addr, err)
	}
	// A base URL derived from --addr HOST:0 must carry the port actually bound, or e-mailed links
	// would point at port 0.
	if _, port, _ := net.SplitHostPort(c.addr); port == "0" && c.baseURL == "http://"+c.addr {
		c.baseURL = "http://" + ln.Addr().String()
	}
	// With --nats the sensors' batches go through JetStream: the request is answered once the
	// stream has the batch, and this node's consumer writes it to the store.
	var sink sensor.Sink
	var queue *natsq.Queue
	if c.natsURL != "" {
		q, err := natsq.Open(ctx, c.natsURL, natsq.Options{Stream: c.natsStream, Subject: strings.ToLower(strings.ReplaceAll(c.natsStream, "_", ".")),
			Durable: strings.ToLower(c.natsStream) + "-ingest", Log: log})
		if err != nil {
			ln.Close()
			return err
		}
		defer q.Close()
		queue, sink = q, q
	}
	var demoIdP http.Handler
	if demo && c.demoIdP {
		p, err := demoidp.Register(ctx, st, c.baseURL)
		if err != nil {
			ln.Close()
			return err
		}
		demoIdP = p
	}
	srv, err := web.New(web.Config{BaseURL: c.baseURL, SessionIdle: c.sessionIdle, SessionMax: c.sessionMax,
		MetricsToken: c.metricsToken, TrustProxy: c.trustProxy, Demo: demo, Logger: log, MailWake: worker.Wake,
		RateLimits: c.rateLimits(), BenchmarkK: c.benchmarkK, SensorRate: sensor.DefaultRate, SensorSink: sink, DemoIdP: demoIdP}, st)
	if err != nil {
		ln.Close()
		return err
	}
	// Attached before any request or worker writes, so every change tells whom it should.
	notifier := notify.New(srv.Catalog(), c.baseURL)
	notifier.Attach(st)
	// Timeouts keep slow or stalled clients from holding connections open: headers must arrive within
	// 10 s, a whole request (an upload included) within 60 s.
	t := c.timeouts.orDefaults()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: t.readHeader, ReadTimeout: t.read,
		WriteTimeout: t.write, IdleTimeout: t.idle, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	bg, cancelBG := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBG()
	go srv.Background(bg)
	// Mail, imports, closing rounds at their deadline, reminders, webhooks, digests: durable jobs, safe on several
	// nodes (see docs/jobs.md).
	jobs.Standard(reg, jobs.Config{St: st, Cat: srv.Catalog(), BaseURL: c.baseURL, Log: log, Sender: sender, BenchmarkK: c.benchmarkK,
		Notify: notifier})
	workerDone := make(chan struct{})
	go func() { defer close(workerDone); worker.Run(bg) }()
	if queue != nil {
		go queue.Consume(bg, st)
	}

	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	var ms *http.Server
	if c.metricsAddr != "" {
		mln, err := net.Listen("tcp", c.metricsAddr)
		if err != nil {
			return fmt.Errorf("listen metrics %s: %w", c.metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		ms = &http.Server{Handler: mux, ReadHeaderTimeout: t.readHeader, ReadTimeout: t.read, WriteTimeout: t.write, IdleTimeout: t.idle}
		go func() { errc <- ms.Serve(mln) }()
	}
	url := "http://" + ln.Addr().String()
	log.Info("Værn listening", "url", url, "engine", st.Engine(), "version", vaern.Version)
	if ready != nil {
		ready(url)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	if ms != nil {
		ms.Shutdown(sctx)
	}
	cancelBG()
	<-workerDone // running attempts record their outcome before the store closes
	return err
}

// timeouts are the HTTP server's; tests shorten them.
type timeouts struct {
	readHeader, read, write, idle time.Duration
}

func (t timeouts) orDefaults() timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.readHeader, 10*time.Second)
	def(&t.read, 60*time.Second)
	def(&t.write, 120*time.Second)
	def(&t.idle, 120*time.Second)
	return t
}
