// Command loadgen is a small HTTP load generator for a locally running Værn
// server. It only ever talks to loopback addresses.
//
// Usage:
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -email X -password Y \
//	    -c 16 -d 20s -paths /healthz,/login,/
//
// Each of the -c clients has its own http.Client and cookie jar. Unless
// -signin=false is given, every client first signs in with POST /login
// (form fields email and password) and expects a 303 redirect plus a
// session cookie. The clients then request -paths round-robin until -d has
// passed or -n measured requests have been sent, whichever comes first.
// Requests during the optional -warmup period are sent but not measured.
//
// A -paths entry is either a plain path, sent with -method (and -body when
// that method is not GET or HEAD), or "METHOD:/path?k=v&...", in which case
// the query string is sent as an application/x-www-form-urlencoded body
// instead (falling back to -body when there is no query string).
//
// Redirects are never followed: a 3xx response counts as a success. Any
// other status outside 2xx, and every transport error, counts as an error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// maxErrorMessages is how many distinct error messages are kept for the
// report.
const maxErrorMessages = 5

type config struct {
	base     *url.URL
	email    string
	password string
	clients  int
	duration time.Duration
	total    int64
	warmup   time.Duration
	timeout  time.Duration
	signin   bool
	json     bool
	targets  []target
}

// target is one entry of -paths.
type target struct {
	method string
	path   string // path plus query, relative to the base URL
	body   string
	form   bool // body is form-encoded
}

func (t target) String() string {
	if t.method == http.MethodGet {
		return t.path
	}
	return t.method + ":" + t.path
}

func parseArgs(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	email := fs.String("email", "", "email used to sign in")
	password := fs.String("password", "", "password used to sign in")
	clients := fs.Int("c", 8, "number of concurrent clients")
	duration := fs.Duration("d", 10*time.Second, "measured duration (0 means bounded by -n only)")
	total := fs.Int64("n", 0, "total number of measured requests (0 means bounded by -d only)")
	paths := fs.String("paths", "/", "comma-separated paths; METHOD:/path?form=encoded sends the query as a form body")
	method := fs.String("method", http.MethodGet, "HTTP method for plain -paths entries")
	body := fs.String("body", "", "request body for non-GET requests without their own form body")
	warmup := fs.Duration("warmup", 0, "warm-up period before measuring starts")
	timeout := fs.Duration("timeout", 10*time.Second, "per-request timeout")
	signin := fs.Bool("signin", true, "sign in with POST /login before sending load")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	base, err := checkURL(*rawURL)
	if err != nil {
		return nil, err
	}
	cfg := &config{
		base:     base,
		email:    *email,
		password: *password,
		clients:  *clients,
		duration: *duration,
		total:    *total,
		warmup:   *warmup,
		timeout:  *timeout,
		signin:   *signin,
		json:     *asJSON,
	}
	switch {
	case cfg.clients < 1:
		return nil, fmt.Errorf("-c must be at least 1, got %d", cfg.clients)
	case cfg.duration < 0 || cfg.warmup < 0 || cfg.total < 0:
		return nil, errors.New("-d, -warmup and -n must not be negative")
	case cfg.duration == 0 && cfg.total == 0:
		return nil, errors.New("set -d or -n (or both) so the run is bounded")
	case cfg.timeout <= 0:
		return nil, errors.New("-timeout must be positive")
	case cfg.signin && (cfg.email == "" || cfg.password == ""):
		return nil, errors.New("-email and -password are required to sign in (or pass -signin=false)")
	}
	cfg.targets, err = parseTargets(*paths, strings.ToUpper(*method), *body)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

func parseTargets(list, defaultMethod, defaultBody string) ([]target, error) {
	if defaultMethod == "" {
		defaultMethod = http.MethodGet
	}
	var out []target
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		t := target{method: defaultMethod, path: raw}
		explicit := false
		if i := strings.Index(raw, ":"); i > 0 && !strings.HasPrefix(raw, "/") {
			t.method = strings.ToUpper(raw[:i])
			t.path = raw[i+1:]
			explicit = true
		}
		if !strings.HasPrefix(t.path, "/") {
			return nil, fmt.Errorf("-paths entry %q: path must start with /", raw)
		}
		if strings.ContainsAny(t.method, " /\t") {
			return nil, fmt.Errorf("-paths entry %q: bad method %q", raw, t.method)
		}
		hasBody := t.method != http.MethodGet && t.method != http.MethodHead
		if explicit && hasBody {
			if p, q, ok := strings.Cut(t.path, "?"); ok {
				if _, err := url.ParseQuery(q); err != nil {
					return nil, fmt.Errorf("-paths entry %q: bad form data: %v", raw, err)
				}
				t.path, t.body, t.form = p, q, true
			}
		}
		if hasBody && !t.form {
			t.body = defaultBody
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, errors.New("-paths is empty")
	}
	return out, nil
}

// checkURL parses the base URL and refuses anything that is not a loopback
// address: this tool must never send load to another machine.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("bad -url: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("bad -url %q: scheme must be http or https", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("refusing -url %q: host %q is not a loopback address (only 127.0.0.0/8, ::1 and localhost are allowed)", raw, u.Hostname())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly is a net.Dialer Control function that rejects connections to
// non-loopback addresses, as a second line of defence (for example if
// "localhost" resolves to something unexpected).
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing to connect to non-loopback address %s", address)
	}
	return nil
}

func newClient(cfg *config) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{
		Proxy:               nil, // never route through a proxy
		DialContext:         dialer.DialContext,
		MaxIdleConns:        cfg.clients,
		MaxIdleConnsPerHost: cfg.clients,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{
		Transport: tr,
		Jar:       jar,
		Timeout:   cfg.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

func (cfg *config) urlFor(path string) string {
	return cfg.base.Scheme + "://" + cfg.base.Host + cfg.base.Path + path
}

// signIn posts the credentials to /login and checks for a 303 redirect and
// a session cookie.
func signIn(ctx context.Context, cfg *config, client *http.Client) error {
	form := url.Values{"email": {cfg.email}, "password": {cfg.password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.urlFor("/login"), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sign-in failed: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in failed: POST /login returned %s, want 303 See Other (wrong email or password?)", resp.Status)
	}
	if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/login") {
		return fmt.Errorf("sign-in failed: POST /login redirected back to %s (wrong email or password?)", loc)
	}
	if len(client.Jar.Cookies(req.URL)) == 0 {
		return errors.New("sign-in failed: POST /login set no session cookie")
	}
	return nil
}

// stats collects the measurements of one client.
type stats struct {
	latencies []time.Duration
	statuses  map[int]int64 // status code, 0 when there was no response
	errors    int64         // transport errors and statuses outside 2xx/3xx
}

// errorLog keeps the first few distinct error messages.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) add(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.msgs) < maxErrorMessages && !slices.Contains(l.msgs, msg) {
		l.msgs = append(l.msgs, msg)
	}
}

func doRequest(ctx context.Context, cfg *config, client *http.Client, t target) (int, error) {
	var body io.Reader
	if t.body != "" {
		body = strings.NewReader(t.body)
	}
	req, err := http.NewRequestWithContext(ctx, t.method, cfg.urlFor(t.path), body)
	if err != nil {
		return 0, err
	}
	if t.form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, fmt.Errorf("reading body: %w", err)
	}
	return resp.StatusCode, nil
}

// Report is the result of a run; it is also the -json output format.
type Report struct {
	URL          string           `json:"url"`
	Clients      int              `json:"clients"`
	Paths        []string         `json:"paths"`
	Duration     float64          `json:"duration_seconds"`
	Requests     int64            `json:"requests"`
	RPS          float64          `json:"requests_per_second"`
	Errors       int64            `json:"errors"`
	ErrorSamples []string         `json:"error_samples,omitempty"`
	Statuses     map[string]int64 `json:"statuses"`
	LatencyMS    Latency          `json:"latency_ms"`
}

// Latency holds latency percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// percentile returns the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseArgs(args, stdout)
	if err != nil {
		return err
	}

	clients := make([]*http.Client, cfg.clients)
	for i := range clients {
		if clients[i], err = newClient(cfg); err != nil {
			return err
		}
	}
	defer func() {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
	}()

	if cfg.signin {
		var wg sync.WaitGroup
		errs := make([]error, len(clients))
		for i, c := range clients {
			wg.Go(func() { errs[i] = signIn(ctx, cfg, c) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				return fmt.Errorf("client %d: %w", i+1, err)
			}
		}
	}

	// Hard bound on the whole run: warm-up plus measured duration. With
	// only -n set, the run ends once n requests have been measured (each
	// request is bounded by -timeout).
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	measureFrom := start.Add(cfg.warmup)
	if cfg.duration > 0 {
		var cancelT context.CancelFunc
		runCtx, cancelT = context.WithDeadline(runCtx, measureFrom.Add(cfg.duration))
		defer cancelT()
	}

	var (
		issued  atomic.Int64 // measured requests started, for -n
		errLog  errorLog
		wg      sync.WaitGroup
		results = make([]*stats, len(clients))
	)
	for i, c := range clients {
		st := &stats{statuses: map[int]int64{}}
		results[i] = st
		wg.Go(func() {
			for j := i; ; j++ { // clients start at different offsets
				if runCtx.Err() != nil {
					return
				}
				measured := !time.Now().Before(measureFrom)
				if measured && cfg.total > 0 && issued.Add(1) > cfg.total {
					return
				}
				t := cfg.targets[j%len(cfg.targets)]
				t0 := time.Now()
				status, err := doRequest(runCtx, cfg, c, t)
				elapsed := time.Since(t0)
				if !measured {
					continue
				}
				if err != nil && runCtx.Err() != nil {
					// Cut off by the end of the run, not a server
					// problem: drop the sample.
					return
				}
				st.latencies = append(st.latencies, elapsed)
				st.statuses[status]++ // 0: no response
				switch {
				case err != nil:
					st.errors++
					errLog.add(fmt.Sprintf("%s: %v", t, err))
				case status < 200 || status > 399:
					st.errors++
					errLog.add(fmt.Sprintf("%s: HTTP %d", t, status))
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("interrupted: %w", err)
	}
	elapsed := time.Since(measureFrom)

	report := buildReport(cfg, results, errLog.msgs, elapsed)
	if cfg.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	return printReport(stdout, report)
}

// transportErrorKey is the Statuses key for requests that got no response.
const transportErrorKey = "transport_error"

func buildReport(cfg *config, results []*stats, errMsgs []string, elapsed time.Duration) Report {
	r := Report{
		URL:          cfg.base.String(),
		Clients:      cfg.clients,
		Duration:     elapsed.Seconds(),
		Statuses:     map[string]int64{},
		ErrorSamples: errMsgs,
	}
	for _, t := range cfg.targets {
		r.Paths = append(r.Paths, t.String())
	}
	var all []time.Duration
	for _, st := range results {
		all = append(all, st.latencies...)
		r.Errors += st.errors
		for code, n := range st.statuses {
			key := strconv.Itoa(code)
			if code == 0 {
				key = transportErrorKey
			}
			r.Statuses[key] += n
		}
	}
	r.Requests = int64(len(all))
	if r.Duration > 0 {
		r.RPS = float64(r.Requests) / r.Duration
	}
	slices.Sort(all)
	r.LatencyMS = Latency{
		P50: ms(percentile(all, 50)),
		P95: ms(percentile(all, 95)),
		P99: ms(percentile(all, 99)),
	}
	if len(all) > 0 {
		r.LatencyMS.Max = ms(all[len(all)-1])
	}
	return r
}

func printReport(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "target:    %s (%d clients) paths %s\n", r.URL, r.Clients, strings.Join(r.Paths, ","))
	fmt.Fprintf(&b, "duration:  %.2fs\n", r.Duration)
	fmt.Fprintf(&b, "requests:  %d (%.1f req/s)\n", r.Requests, r.RPS)
	fmt.Fprintf(&b, "errors:    %d\n", r.Errors)
	for _, m := range r.ErrorSamples {
		fmt.Fprintf(&b, "  %s\n", m)
	}
	codes := make([]string, 0, len(r.Statuses))
	for c := range r.Statuses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	b.WriteString("statuses: ")
	for _, c := range codes {
		fmt.Fprintf(&b, " %s=%d", c, r.Statuses[c])
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "latency:   p50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms\n",
		r.LatencyMS.P50, r.LatencyMS.P95, r.LatencyMS.P99, r.LatencyMS.Max)
	_, err := io.WriteString(w, b.String())
	return err
}
