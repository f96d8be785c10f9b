package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestLanguageFallsBackToTheOrganisations: a signed-in person who saved no language and whose
// browser names none Værn speaks reads their organisation's language (Aarhus da, Bergen nb), not
// English; a browser's supported choice and the language cookie still come first, and an anonymous
// visitor with nothing to go by still gets English.
func TestLanguageFallsBackToTheOrganisations(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	sys := vaern.System("test")
	for key, org := range map[string]int64{"A:coordinator": s.Fix.A.ID, "B:coordinator": s.Fix.B.ID} {
		u := s.Fix.Users[key]
		if err := s.Store.UpdateProfile(ctx, sys, org, u.ID, u.Name, ""); err != nil {
			t.Fatal(err)
		}
	}
	lang := func(c *http.Client, accept, cookie string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", s.URL+"/", nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: "vaern_lang", Value: cookie})
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / (Accept-Language %q): status %d", accept, resp.StatusCode)
		}
		return resp.Header.Get("Content-Language")
	}
	aarhus, bergen := s.Login(t, "A:coordinator"), s.Login(t, "B:coordinator")
	for _, tc := range []struct {
		name           string
		c              *http.Client
		accept, cookie string
		want           string
	}{
		{"Aarhus, nothing to go by", aarhus, "", "", "da"},
		{"Bergen, nothing to go by", bergen, "", "", "nb"},
		{"Bergen, a German browser", bergen, "de-DE,de;q=0.9", "", "nb"},
		{"Bergen, an English browser", bergen, "en-GB,en;q=0.8", "", "en"},
		{"Aarhus, the cookie says nb", aarhus, "", "nb", "nb"},
	} {
		if got := lang(tc.c, tc.accept, tc.cookie); got != tc.want {
			t.Errorf("%s: page in %q, want %q", tc.name, got, tc.want)
		}
	}
	// Nobody signed in: the sign-in page, with no header, stays English.
	resp, err := s.Client().Get(s.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Language"); !strings.HasPrefix(got, "en") {
		t.Errorf("anonymous sign-in page in %q, want en", got)
	}
}
