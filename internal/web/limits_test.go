package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/web"
)

// TestRateLimits: the API is limited per client address and per token, the sign-in forms per
// address; the answer is 429 with Retry-After and a message, as problem+json or as a page.
func TestRateLimits(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{TrustProxy: true, RateLimits: web.RateLimits{
		API:    web.RateLimit{PerMinute: 6, Burst: 3},
		SignIn: web.RateLimit{PerMinute: 6, Burst: 3},
	}})
	coord := signIn(t, s, "A:coordinator")
	tok := createToken(t, coord, "rate")
	tok2 := createToken(t, coord, "rate2")
	c := newClient(t, s)
	api := func(ip, token string) *result {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/me", nil)
		req.Header.Set("X-Forwarded-For", ip)
		req.Header.Set("Authorization", "Bearer "+token)
		return c.do(req)
	}
	for i := range 3 {
		wantStatus(t, fmt.Sprintf("API request %d", i+1), api("192.0.2.1", tok), http.StatusOK)
	}
	r := api("192.0.2.1", tok)
	wantStatus(t, "API request over the limit", r, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if r.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal([]byte(r.Body), &p) != nil ||
		p.Status != 429 || !strings.Contains(p.Detail, "too many requests") {
		t.Fatalf("429 body: %s %s", r.Header.Get("Content-Type"), r.Body)
	}
	// The same token from elsewhere is still limited (per token), another token from the same
	// address too (per address); another token from elsewhere is not.
	wantStatus(t, "same token, other address", api("192.0.2.2", tok), http.StatusTooManyRequests)
	wantStatus(t, "other token, same address", api("192.0.2.1", tok2), http.StatusTooManyRequests)
	wantStatus(t, "other token, other address", api("192.0.2.4", tok2), http.StatusOK)
	// The HTML pages are not limited.
	for range 6 {
		wantStatus(t, "dashboard", coord.get("/", "X-Forwarded-For", "192.0.2.1"), http.StatusOK)
	}

	// Sign-in: per address, whatever the account.
	anon := newClient(t, s)
	login := func(ip string) *result {
		return anon.post("/login", form("email", "nobody@example.dk", "password", "wrong"), "X-Forwarded-For", ip)
	}
	for i := range 3 {
		if r := login("198.51.100.7"); r.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("sign-in %d refused early", i+1)
		}
	}
	r = login("198.51.100.7")
	wantStatus(t, "sign-in over the limit", r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, text(s, "error.429")) || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("sign-in 429: %v\n%s", r.Header, r.Body)
	}
	r = anon.post("/password/forgot", form("email", "x@example.dk"), "X-Forwarded-For", "198.51.100.7")
	wantStatus(t, "password reset from the same address", r, http.StatusTooManyRequests)
	if r := login("198.51.100.8"); r.StatusCode == http.StatusTooManyRequests {
		t.Fatal("another address is limited too")
	}
	wantStatus(t, "sign-in page itself", anon.get("/login", "X-Forwarded-For", "198.51.100.7"), http.StatusOK)
}

// TestBodyLimits sends every POST route a body just over the default limit: routes without their own
// limit answer 413 (a page, or problem+json for the API), upload routes accept more. A body without
// a Content-Length is cut off with 413 too.
func TestBodyLimits(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	coord := signIn(t, s, "A:coordinator")
	tok := createToken(t, coord, "big")
	big := "x=" + strings.Repeat("a", web.DefaultMaxBody)
	n := 0
	for _, rt := range s.Web.Routes() {
		if rt.Method != http.MethodPost && rt.Method != http.MethodPut && rt.Method != http.MethodPatch {
			continue
		}
		n++
		path := rt.Pattern
		for _, p := range []string{"{id}", "{token}", "{name}", "{code}", "{key}"} {
			path = strings.ReplaceAll(path, p, "1")
		}
		req, _ := http.NewRequest(rt.Method, s.URL+path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if rt.API {
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
		}
		r := coord.do(req)
		switch {
		case rt.MaxBody > int64(len(big)):
			if r.StatusCode == http.StatusRequestEntityTooLarge || r.StatusCode >= 500 {
				t.Errorf("%s %s (limit %d): status %d for %d bytes", rt.Method, rt.Pattern, rt.MaxBody, r.StatusCode, len(big))
			}
		case r.StatusCode != http.StatusRequestEntityTooLarge:
			t.Errorf("%s %s: status %d, want 413", rt.Method, rt.Pattern, r.StatusCode)
		case rt.API && r.Header.Get("Content-Type") != "application/problem+json":
			t.Errorf("%s %s: 413 as %s", rt.Method, rt.Pattern, r.Header.Get("Content-Type"))
		case !rt.API && !strings.Contains(r.Body, text(s, "error.413")):
			t.Errorf("%s %s: the 413 page does not say what is wrong", rt.Method, rt.Pattern)
		}
	}
	if n < 20 {
		t.Fatalf("only %d routes with a body", n)
	}

	// Chunked, no Content-Length: the handler's read fails at the limit, and the answer is 413.
	pr, pw := io.Pipe()
	go func() {
		chunk := strings.Repeat("b", 64<<10)
		pw.Write([]byte("name=x&filler="))
		for i := 0; i < 20; i++ {
			if _, err := pw.Write([]byte(chunk)); err != nil {
				break
			}
		}
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/org/units", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := coord.do(req)
	wantStatus(t, "chunked body over the limit", r, http.StatusRequestEntityTooLarge)

	// The autosave script gets problem+json.
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/baseline/1/answers", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	r = coord.do(req)
	wantStatus(t, "autosave over the limit", r, http.StatusRequestEntityTooLarge)
	if r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("autosave 413 as %s", r.Header.Get("Content-Type"))
	}
	// A body under the limit still works.
	wantStatus(t, "a normal form", coord.post("/org/units", form("name", "Ny enhed")), http.StatusSeeOther)
}
