package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeServer mimics the parts of Værn the load generator touches.
type fakeServer struct {
	logins   atomic.Int64
	posts    atomic.Int64
	requests atomic.Int64 // everything except sign-ins
}

func (f *fakeServer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("email") != "admin@example.test" || r.FormValue("password") != "secret" {
			http.Redirect(w, r, "/login?error=1", http.StatusSeeOther)
			return
		}
		f.logins.Add(1)
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if c, err := r.Cookie("session"); err != nil || c.Value != "s3cr3t" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		time.Sleep(time.Millisecond)
		io.WriteString(w, strings.Repeat("<p>dashboard</p>", 100))
	})
	mux.HandleFunc("POST /search", func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		if r.FormValue("q") != "phishing" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		f.posts.Add(1)
		io.WriteString(w, "results")
	})
	mux.HandleFunc("GET /missing", func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		http.NotFound(w, r)
	})
	return mux
}

func runJSON(t *testing.T, args ...string) Report {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, append(args, "-json"), &out); err != nil {
		t.Fatalf("run: %v\noutput: %s", err, out.String())
	}
	var r Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("decoding report: %v\n%s", err, out.String())
	}
	return r
}

func checkConsistent(t *testing.T, r Report) {
	t.Helper()
	if r.Requests <= 0 {
		t.Fatalf("requests = %d, want > 0", r.Requests)
	}
	var sum int64
	for _, n := range r.Statuses {
		sum += n
	}
	if sum != r.Requests {
		t.Errorf("status histogram sums to %d, want %d (%v)", sum, r.Requests, r.Statuses)
	}
	l := r.LatencyMS
	if !(0 < l.P50 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max) {
		t.Errorf("inconsistent percentiles: %+v", l)
	}
	if r.RPS <= 0 || r.Duration <= 0 {
		t.Errorf("rps %.1f over %.3fs", r.RPS, r.Duration)
	}
}

func TestRunDuration(t *testing.T) {
	fake := &fakeServer{}
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()

	start := time.Now()
	r := runJSON(t, "-url", srv.URL, "-email", "admin@example.test", "-password", "secret",
		"-c", "4", "-d", "300ms", "-warmup", "50ms",
		"-paths", "/healthz,/,POST:/search?q=phishing,/missing")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("run took %v, want about 350ms", took)
	}
	checkConsistent(t, r)

	if got := fake.logins.Load(); got != 4 {
		t.Errorf("logins = %d, want 4 (one per client)", got)
	}
	if r.Statuses["200"] == 0 || r.Statuses["404"] == 0 {
		t.Errorf("statuses %v: want both 200 and 404", r.Statuses)
	}
	// Signed-in clients are never redirected to /login.
	if r.Statuses["303"] != 0 {
		t.Errorf("statuses %v: got redirects, session cookie not used", r.Statuses)
	}
	if fake.posts.Load() == 0 || r.Statuses["400"] != 0 {
		t.Errorf("form POST not sent correctly: %d good posts, statuses %v", fake.posts.Load(), r.Statuses)
	}
	// Only the 404s are errors.
	if r.Errors != r.Statuses["404"] {
		t.Errorf("errors = %d, want %d (the 404s)", r.Errors, r.Statuses["404"])
	}
	if len(r.ErrorSamples) == 0 || !strings.Contains(r.ErrorSamples[0], "404") {
		t.Errorf("error samples %q, want a 404 message", r.ErrorSamples)
	}
	// The server saw at least the measured requests (plus warm-up ones).
	if seen := fake.requests.Load(); seen < r.Requests {
		t.Errorf("server saw %d requests, report claims %d", seen, r.Requests)
	}
}

func TestRunTotal(t *testing.T) {
	fake := &fakeServer{}
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()

	r := runJSON(t, "-url", srv.URL, "-signin=false", "-c", "4", "-d", "0", "-n", "50", "-paths", "/healthz,/")
	checkConsistent(t, r)
	if r.Requests != 50 {
		t.Errorf("requests = %d, want exactly 50", r.Requests)
	}
	if fake.logins.Load() != 0 {
		t.Errorf("signed in although -signin=false")
	}
	// Without a session, / redirects to /login; 3xx is not an error.
	if r.Statuses["303"] == 0 || r.Errors != 0 {
		t.Errorf("statuses %v errors %d: want 303s and no errors", r.Statuses, r.Errors)
	}
}

func TestSignInFailure(t *testing.T) {
	srv := httptest.NewServer((&fakeServer{}).handler())
	defer srv.Close()

	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-email", "admin@example.test", "-password", "wrong", "-c", "2", "-d", "100ms"}, &out)
	if err == nil || !strings.Contains(err.Error(), "sign-in failed") {
		t.Fatalf("err = %v, want a sign-in failure", err)
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	for _, u := range []string{
		"http://example.com",
		"http://10.0.0.1:8080",
		"https://192.168.1.10",
		"http://[2001:db8::1]:8080",
		"http://127.0.0.1.nip.io",
		"http://localhost.example.com",
		"ftp://127.0.0.1",
	} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"-url", u, "-signin=false", "-d", "100ms"}, &out)
		if err == nil {
			t.Errorf("%s: accepted, want refusal", u)
			continue
		}
		if !strings.HasPrefix(u, "ftp") && !strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("%s: err = %v, want a loopback refusal", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:8080", "http://localhost:8080", "http://LOCALHOST"} {
		if _, err := checkURL(u); err != nil {
			t.Errorf("%s: refused: %v", u, err)
		}
	}
}

func TestParseTargets(t *testing.T) {
	got, err := parseTargets("/a, POST:/login?email=a%40b&x=1 ,/c", "GET", "")
	if err != nil {
		t.Fatal(err)
	}
	want := []target{
		{method: "GET", path: "/a"},
		{method: "POST", path: "/login", body: "email=a%40b&x=1", form: true},
		{method: "GET", path: "/c"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := parseTargets("nope", "GET", ""); err == nil {
		t.Error("path without leading slash accepted")
	}
	// -method/-body apply to plain entries.
	got, err = parseTargets("/api", "POST", `{"a":1}`)
	if err != nil || got[0].method != "POST" || got[0].body != `{"a":1}` || got[0].form {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}} {
		if got := percentile(s, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(s[:1], 99); got != time.Millisecond {
		t.Errorf("single sample p99 = %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("empty p50 = %v", got)
	}
}

func TestDialerRefusesNonLoopback(t *testing.T) {
	if err := loopbackOnly("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("127.0.0.1 refused: %v", err)
	}
	if err := loopbackOnly("tcp6", "[::1]:80", nil); err != nil {
		t.Errorf("::1 refused: %v", err)
	}
	if err := loopbackOnly("tcp", "93.184.216.34:80", nil); err == nil {
		t.Error("public address accepted by dialer")
	}
}
