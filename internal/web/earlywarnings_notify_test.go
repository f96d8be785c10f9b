package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/testserver"
)

// TestEarlyWarningAdvisoryNotifies (both engines): an advisory drafted from an early warning names
// no product, so the register matcher warns nobody; when the centre publishes it to member A only
// (AMBER, named members), A's people are told and listed it on their early-warning page, and B's
// people are not told and do not see it.
func TestEarlyWarningAdvisoryNotifies(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		analyst := signIn(t, s, "centre-analyst")
		id := ewOf(t, s, "198.18.0.", s.Fix.A.ID, s.Fix.B.ID)
		r := analyst.post(fmt.Sprintf("/centre/early-warnings/%d/advisory", id), nil)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/centre/advisories/") {
			t.Fatalf("advise: %d %s", r.StatusCode, r.location())
		}
		advPath := r.location()
		advID, err := strconv.ParseInt(strings.TrimPrefix(advPath, "/centre/advisories/"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		f := formValues(t, analyst.get(advPath+"/edit").Body, advPath)
		f.Set("tlp", "AMBER")
		f.Set("audience", "named")
		f.Del("audience_orgs")
		f.Add("audience_orgs", strconv.FormatInt(s.Fix.A.ID, 10))
		wantRedirect(t, "address A only", analyst.post(advPath, f), advPath)
		// A draft tells nobody.
		if n := earlyAdvisoryNotes(t, s, "A:viewer", advID); n != 0 {
			t.Fatalf("A's viewer told %d times of a draft", n)
		}
		wantRedirect(t, "publish", analyst.post(advPath+"/publish", nil), advPath)

		for _, c := range []struct {
			key  string
			want int
		}{{"A:viewer", 1}, {"A:coordinator", 1}, {"A:respondent", 1}, {"B:viewer", 0}, {"B:coordinator", 0}, {"centre-analyst", 0}} {
			if n := earlyAdvisoryNotes(t, s, c.key, advID); n != c.want {
				t.Errorf("%s: told %d times, want %d", c.key, n, c.want)
			}
		}
		link := fmt.Sprintf(`href="/warnings/advisories/%d"`, advID)
		wantContains(t, "A's early warnings", signIn(t, s, "A:viewer").get("/sensors/early-warnings").Body, link)
		if strings.Contains(signIn(t, s, "B:viewer").get("/sensors/early-warnings").Body, link) {
			t.Error("B's early warnings page lists an advisory addressed to A only")
		}
	})
}

// earlyAdvisoryNotes counts the fixture user's notices of the early-warning advisory advID.
func earlyAdvisoryNotes(t *testing.T, s *testserver.Server, key string, advID int64) int {
	t.Helper()
	u := s.Fix.Users[key]
	org := s.Fix.Centre.ID
	switch {
	case strings.HasPrefix(key, "A:"):
		org = s.Fix.A.ID
	case strings.HasPrefix(key, "B:"):
		org = s.Fix.B.ID
	}
	notes, err := s.Store.Notifications(t.Context(), org, u.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range notes {
		if x.Kind == notify.EarlyWarningAdvisory && x.URL == fmt.Sprintf("/warnings/advisories/%d", advID) {
			n++
		}
	}
	return n
}
