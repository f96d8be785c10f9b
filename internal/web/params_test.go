package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// Malformed query parameters answer 400 naming the parameter, in HTML and in the API; none is
// silently ignored.
func TestMalformedQueryParameters(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			admin := signIn(t, s, "centre-admin")
			coord := signIn(t, s, "A:coordinator")
			for _, c := range []struct {
				who        *client
				path, name string
				want       string
			}{
				{coord, "/register/systems?page=abc", "page", "a whole number from 1"},
				{coord, "/register/systems?page=0", "page", "a whole number from 1"},
				{coord, "/register/systems?unit=abc", "unit", "a whole number from 0"},
				{coord, "/register/systems?crit=high", "crit", "a whole number from 0"},
				{coord, "/register/export.csv?unit=x", "unit", "a whole number from 0"},
				{coord, "/org/audit?before=yesterday", "before", "a whole number from 0"},
				{admin, "/centre/national?round=abc", "round", "a whole number from 0"},
				{coord, "/register/systems?hosting=cloud", "hosting", "one of own, shared, supplier, saas"},
				{coord, "/register/systems?pd=secret", "pd", "one of ordinary, sensitive, national_id"},
				{admin, "/centre/members?country=SE", "country", "one of DK, NO"},
				{admin, "/centre/national/export?format=exe", "format", "one of pdf, xlsx, csv, json"},
				{admin, "/centre/national/export?format=pdf&round=abc", "round", "a whole number from 0"},
			} {
				r := c.who.get(c.path)
				if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "“"+c.name+"”") || !strings.Contains(r.Body, c.want) {
					t.Errorf("GET %s: %d; want 400 naming %s (%s)\n%.1500s", c.path, r.StatusCode, c.name, c.want, r.Body)
				}
				if strings.Contains(r.Body, "⟦") {
					t.Errorf("GET %s: untranslated key on the page", c.path)
				}
			}
			tok := createToken(t, admin, "params")
			for _, c := range []struct{ path, name, want string }{
				{"/api/v1/national?round=abc", "round", "must be a whole number from 0"},
				{"/api/v1/national/export?format=exe", "format", "must be one of pdf, xlsx, csv, json"},
				{"/api/v1/orgs?country=se", "country", "must be one of DK, NO"},
			} {
				r := admin.api(http.MethodGet, c.path, tok, "")
				var p struct {
					Status int `json:"status"`
					Errors []struct{ Field, Message string }
				}
				if r.StatusCode != http.StatusBadRequest || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
					json.Unmarshal([]byte(r.Body), &p) != nil || len(p.Errors) != 1 || p.Errors[0].Field != c.name || p.Errors[0].Message != c.want {
					t.Errorf("GET %s: %d %s %s; want a 400 problem naming %s", c.path, r.StatusCode, r.Header.Get("Content-Type"), r.Body, c.name)
				}
			}
		})
	}
}

// Every status the error page is shown with has its heading and text in all three languages: the
// statuses are found in the handlers' source, so a new one cannot be forgotten.
func TestErrorPagesAreTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{"StatusBadRequest": 400, "StatusForbidden": 403, "StatusNotFound": 404,
		"StatusRequestEntityTooLarge": 413, "StatusUnprocessableEntity": 422, "StatusTooManyRequests": 429,
		"StatusInternalServerError": 500, "StatusServiceUnavailable": 503}
	uses := regexp.MustCompile(`(?:fail\(w, r, http\.|render\(w, r, http\.)(Status\w+)(?:, "error"|, ")`)
	files, _ := filepath.Glob("*.go")
	seen := map[int]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			if strings.HasPrefix(m[0], "render") && !strings.HasSuffix(m[0], `"error"`) {
				continue
			}
			code, ok := codes[m[1]]
			if !ok {
				t.Errorf("%s: the error page is shown with %s; add its code to this test", f, m[1])
				continue
			}
			seen[code] = true
		}
	}
	if !seen[400] || !seen[422] || !seen[404] {
		t.Fatalf("the source scan found only %v", seen)
	}
	for code := range seen {
		for _, lang := range i18n.Langs {
			for _, key := range []string{fmt.Sprintf("error.%d", code), fmt.Sprintf("error.%d_text", code)} {
				if !cat.Has(lang, key) {
					t.Errorf("%s lacks %s", lang, key)
				}
			}
		}
	}
	// And the page itself, as the server renders it in each language.
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	coord := signIn(t, s, "A:coordinator")
	for _, lang := range i18n.Langs {
		coord.setCookie("vaern_lang", lang)
		for _, path := range []string{"/register/systems?page=x", "/no/such/page"} {
			r := coord.get(path)
			if strings.Contains(r.Body, "⟦") {
				t.Errorf("%s %s: untranslated key on the error page", lang, path)
			}
		}
	}
}
