// Command load500 is the deadline-day load test: many signed-in clients (500 by default) for a fixed
// time, each going round the baseline and register pages as a person would, reading pages and
// saving answers and system edits. It only talks to loopback addresses. bench/run-load.sh runs it
// against the demo on each engine and records the server's memory.
//
// Usage:
//
//	go run ./bench/load500 -url http://127.0.0.1:8080 -email koordinator@aarhus.vaern.demo \
//	    -password vaern-demo-2026 -c 500 -d 2m
//
// The pages are discovered from the server: the signed-in user's first open assessment, its focus
// areas and answer forms, and the register's systems with their edit forms. Every request must
// answer 2xx or 3xx (a redirect to /login counts as a failure); a 5xx or a transport error fails.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "load500:", err)
		os.Exit(1)
	}
}

type config struct {
	base     string
	email    string
	password string
	clients  int
	duration time.Duration
	signins  int
	asJSON   bool
	timeout  time.Duration
}

// site is what the clients work on, discovered once.
type site struct {
	assessment string                // /baseline/{id}
	areas      []string              // /baseline/{id}/area?a=X
	answers    []answerForm          // the answer forms of those areas
	systems    []string              // /register/systems/{id}
	edits      map[string]url.Values // system path → its edit form's fields
}

type answerForm struct {
	q, unit string
	values  []string
}

var (
	reAssessment = regexp.MustCompile(`href="/baseline/(\d+)"`)
	reArea       = regexp.MustCompile(`href="(/baseline/\d+/area\?a=[^"]+)"`)
	reAnswerForm = regexp.MustCompile(`(?s)<form method="post" action="answers"[^>]*>(.*?)</form>`)
	reSystem     = regexp.MustCompile(`href="(/register/systems/\d+)"`)
	reInput      = regexp.MustCompile(`(?s)<input\b([^>]*)>`)
	reSelect     = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	reOption     = regexp.MustCompile(`(?s)<option\b([^>]*)>`)
	reTextarea   = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	reAttr       = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// formFields reads the fields of the first form posting to action, as a browser would submit it.
func formFields(page, action string) url.Values {
	i := strings.Index(page, `action="`+action+`"`)
	if i < 0 {
		return nil
	}
	end := strings.Index(page[i:], "</form>")
	if end < 0 {
		return nil
	}
	f := page[i : i+end]
	v := url.Values{}
	for _, m := range reInput.FindAllStringSubmatch(f, -1) {
		a := attrs(m[1])
		name := a["name"]
		if name == "" || a["type"] == "submit" || a["type"] == "file" {
			continue
		}
		if (a["type"] == "checkbox" || a["type"] == "radio") && !strings.Contains(m[1], "checked") {
			continue
		}
		v.Add(name, a["value"])
	}
	for _, m := range reSelect.FindAllStringSubmatch(f, -1) {
		name := attrs(m[1])["name"]
		for _, o := range reOption.FindAllStringSubmatch(m[2], -1) {
			if strings.Contains(o[1], "selected") {
				v.Add(name, attrs(o[1])["value"])
			}
		}
	}
	for _, m := range reTextarea.FindAllStringSubmatch(f, -1) {
		v.Add(attrs(m[1])["name"], html.UnescapeString(m[2]))
	}
	return v
}

func discover(ctx context.Context, cfg *config, c *http.Client) (*site, error) {
	get := func(path string) (string, error) {
		status, body, err := do(ctx, cfg, c, http.MethodGet, path, nil, "")
		if err != nil {
			return "", err
		}
		if status != http.StatusOK {
			return "", fmt.Errorf("GET %s: status %d", path, status)
		}
		return body, nil
	}
	s := &site{edits: map[string]url.Values{}}
	list, err := get("/baseline")
	if err != nil {
		return nil, err
	}
	m := reAssessment.FindStringSubmatch(list)
	if m == nil {
		return nil, errors.New("the user has no assessment under /baseline")
	}
	s.assessment = "/baseline/" + m[1]
	ov, err := get(s.assessment)
	if err != nil {
		return nil, err
	}
	for _, a := range reArea.FindAllStringSubmatch(ov, -1) {
		p := html.UnescapeString(a[1])
		if !slices.Contains(s.areas, p) {
			s.areas = append(s.areas, p)
		}
	}
	for _, a := range s.areas {
		page, err := get(a)
		if err != nil {
			return nil, err
		}
		for _, f := range reAnswerForm.FindAllStringSubmatch(page, -1) {
			af := answerForm{}
			for _, in := range reInput.FindAllStringSubmatch(f[1], -1) {
				at := attrs(in[1])
				switch at["name"] {
				case "q":
					af.q = at["value"]
				case "unit":
					af.unit = at["value"]
				case "value":
					af.values = append(af.values, at["value"])
				}
			}
			if af.q != "" && len(af.values) > 0 {
				s.answers = append(s.answers, af)
			}
		}
	}
	if len(s.answers) == 0 {
		return nil, fmt.Errorf("no answer forms in %d focus areas of %s (is the round open and the user allowed to answer?)", len(s.areas), s.assessment)
	}
	reg, err := get("/register/systems")
	if err != nil {
		return nil, err
	}
	for _, m := range reSystem.FindAllStringSubmatch(reg, -1) {
		if !slices.Contains(s.systems, m[1]) {
			s.systems = append(s.systems, m[1])
		}
	}
	for _, sys := range s.systems {
		page, err := get(sys + "/edit")
		if err != nil {
			continue // a system the user may not edit
		}
		if f := formFields(page, sys); f.Get("name") != "" {
			s.edits[sys] = f
		}
	}
	if len(s.edits) == 0 {
		return nil, errors.New("no register system the user may edit")
	}
	return s, nil
}

func do(ctx context.Context, cfg *config, c *http.Client, method, path string, form url.Values, accept string) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, cfg.base+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", cfg.base)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, "", err
	}
	if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/login") {
		return resp.StatusCode, "", fmt.Errorf("%s %s: signed out (redirect to %s)", method, path, loc)
	}
	return resp.StatusCode, string(b), nil
}

func newClient(cfg *config) *http.Client {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: loopbackOnly}
	return &http.Client{Jar: jar, Timeout: cfg.timeout,
		Transport:     &http.Transport{Proxy: nil, DialContext: dialer.DialContext, MaxIdleConnsPerHost: 2},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

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

func signIn(ctx context.Context, cfg *config, c *http.Client) error {
	status, _, err := do(ctx, cfg, c, http.MethodPost, "/login", url.Values{"email": {cfg.email}, "password": {cfg.password}}, "")
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("sign in: status %d", status)
	}
	return nil
}

// Report is the result; it is also the -json output.
type Report struct {
	Clients      int                `json:"clients"`
	Duration     float64            `json:"duration_seconds"`
	Requests     int64              `json:"requests"`
	RPS          float64            `json:"requests_per_second"`
	Reads        int64              `json:"reads"`
	Writes       int64              `json:"writes"`
	Failed       int64              `json:"failed"`
	ServerErrors int64              `json:"server_errors"`
	ErrorSamples []string           `json:"error_samples,omitempty"`
	Statuses     map[string]int64   `json:"statuses"`
	LatencyMS    map[string]Latency `json:"latency_ms"` // read, write, all
	SignInSecs   float64            `json:"sign_in_seconds"`
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50, P95, P99, Max float64
}

type sample struct {
	d     time.Duration
	write bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load500", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config{}
	fs.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "base URL (loopback only)")
	fs.StringVar(&cfg.email, "email", "koordinator@aarhus.vaern.demo", "user to sign in as (every client has its own session)")
	fs.StringVar(&cfg.password, "password", "vaern-demo-2026", "password")
	fs.IntVar(&cfg.clients, "c", 500, "concurrent signed-in clients")
	fs.DurationVar(&cfg.duration, "d", 2*time.Minute, "how long to run")
	fs.IntVar(&cfg.signins, "signin-parallel", 8, "sign-ins at a time before the run (each costs a password hash)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.BoolVar(&cfg.asJSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(cfg.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("bad -url %q", cfg.base)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("refusing -url %q: not a loopback address", cfg.base)
	}
	cfg.base = strings.TrimSuffix(cfg.base, "/")

	t0 := time.Now()
	clients := make([]*http.Client, cfg.clients)
	sem := make(chan struct{}, cfg.signins)
	var wg sync.WaitGroup
	errs := make([]error, cfg.clients)
	for i := range clients {
		clients[i] = newClient(cfg)
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = signIn(ctx, cfg, clients[i])
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	signInSecs := time.Since(t0).Seconds()
	s, err := discover(ctx, cfg, clients[0])
	if err != nil {
		return fmt.Errorf("discover the pages: %w", err)
	}
	fmt.Fprintf(stderr, "load500: %d clients signed in in %.1fs; %d focus areas, %d answer forms, %d editable systems; running %s\n",
		cfg.clients, signInSecs, len(s.areas), len(s.answers), len(s.edits), cfg.duration)

	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var (
		mu       sync.Mutex
		samples  = make([][]sample, cfg.clients)
		statuses = map[string]int64{}
		failed   atomic.Int64
		server   atomic.Int64
		errMsgs  []string
	)
	editable := make([]string, 0, len(s.edits))
	for k := range s.edits {
		editable = append(editable, k)
	}
	sort.Strings(editable)
	start := time.Now()
	for i, c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			local := map[int]int64{}
			for n := 0; runCtx.Err() == nil; n++ {
				var method, path, accept string
				var form url.Values
				write := false
				switch n % 10 {
				case 0:
					method, path = http.MethodGet, "/"
				case 1, 9:
					method, path = http.MethodGet, s.areas[rng.IntN(len(s.areas))]
				case 2:
					method, path = http.MethodGet, s.assessment
				case 3, 8:
					a := s.answers[rng.IntN(len(s.answers))]
					method, path, accept, write = http.MethodPost, s.assessment+"/answers", "application/json", true
					form = url.Values{"q": {a.q}, "unit": {a.unit}, "value": {a.values[rng.IntN(len(a.values))]},
						"comment": {fmt.Sprintf("Gemt under belastning af klient %d (%d)", i, n)}}
				case 4:
					method, path = http.MethodGet, "/register/systems"
				case 5:
					method, path = http.MethodGet, s.systems[rng.IntN(len(s.systems))]
				case 6:
					sys := editable[rng.IntN(len(editable))]
					form = url.Values{}
					for k, v := range s.edits[sys] {
						form[k] = slices.Clone(v)
					}
					form.Set("description", fmt.Sprintf("Opdateret under belastning af klient %d (%d)", i, n))
					method, path, write = http.MethodPost, sys, true
				case 7:
					method, path = http.MethodGet, "/register"
				}
				t := time.Now()
				status, _, err := do(runCtx, cfg, c, method, path, form, accept)
				d := time.Since(t)
				if runCtx.Err() != nil && err != nil {
					break // cut off by the end of the run
				}
				local[status]++
				samples[i] = append(samples[i], sample{d: d, write: write})
				if err != nil || status >= 400 {
					failed.Add(1)
					if status >= 500 {
						server.Add(1)
					}
					msg := fmt.Sprintf("%s %s: status %d %v", method, path, status, err)
					mu.Lock()
					if len(errMsgs) < 10 {
						errMsgs = append(errMsgs, msg)
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			for k, v := range local {
				statuses[fmt.Sprint(k)] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r := Report{Clients: cfg.clients, Duration: elapsed.Seconds(), Statuses: statuses, Failed: failed.Load(),
		ServerErrors: server.Load(), ErrorSamples: errMsgs, LatencyMS: map[string]Latency{}, SignInSecs: signInSecs}
	var reads, writes, all []time.Duration
	for _, ss := range samples {
		for _, x := range ss {
			all = append(all, x.d)
			if x.write {
				writes = append(writes, x.d)
			} else {
				reads = append(reads, x.d)
			}
		}
	}
	r.Requests, r.Reads, r.Writes = int64(len(all)), int64(len(reads)), int64(len(writes))
	r.RPS = float64(r.Requests) / elapsed.Seconds()
	for k, v := range map[string][]time.Duration{"read": reads, "write": writes, "all": all} {
		r.LatencyMS[k] = latency(v)
	}
	if cfg.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "clients %d, %.0fs: %d requests (%.0f/s), %d reads, %d writes, %d failed, %d 5xx\n",
			r.Clients, r.Duration, r.Requests, r.RPS, r.Reads, r.Writes, r.Failed, r.ServerErrors)
		for _, k := range []string{"read", "write", "all"} {
			l := r.LatencyMS[k]
			fmt.Fprintf(stdout, "  %-5s p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms\n", k, l.P50, l.P95, l.P99, l.Max)
		}
		for _, m := range r.ErrorSamples {
			fmt.Fprintln(stdout, "  error:", m)
		}
	}
	if r.Failed > 0 {
		return fmt.Errorf("%d requests failed (%d with 5xx)", r.Failed, r.ServerErrors)
	}
	return nil
}

func latency(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	p := func(q float64) float64 {
		i := min(len(d)-1, int(q*float64(len(d))))
		return float64(d[i].Microseconds()) / 1000
	}
	return Latency{P50: p(0.50), P95: p(0.95), P99: p(0.99), Max: float64(d[len(d)-1].Microseconds()) / 1000}
}
