package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

// TestSensorListsEmptyState (both engines): the member's sensors page and the centre's sensor
// health say in words that there is nothing yet, with no empty table (which scrolled sideways in
// its frame on a phone), in each language; once a sensor is registered both show their table.
func TestSensorListsEmptyState(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		for _, lang := range []string{"da", "nb", "en"} {
			for _, key := range []string{"sn.list.none", "sn.centre.none"} {
				if got := s.Web.Catalog().For(lang).T(key); got == "" || strings.Contains(got, key) {
					t.Errorf("%s: %s is not translated: %q", lang, key, got)
				}
			}
		}
		coord := signIn(t, s, "A:coordinator")
		admin := signIn(t, s, "centre-admin")
		pages := []struct {
			c                   *client
			path, none, caption string
		}{{coord, "/sensors", "sn.list.none", `id="sn-cap"`}, {admin, "/centre/sensors/health", "sn.centre.none", `id="snc-cap"`}}
		for _, p := range pages {
			r := p.c.get(p.path)
			wantStatus(t, p.path, r, http.StatusOK)
			wantContains(t, p.path+" empty", r.Body, text(s, p.none))
			if strings.Contains(r.Body, "<table") {
				t.Errorf("%s with nothing in it still shows a table", p.path)
			}
		}
		r := coord.post("/sensors", form("name", "Town hall DMZ", "site", "DMZ"))
		wantStatus(t, "register a sensor", r, http.StatusOK)
		for _, p := range pages {
			r := p.c.get(p.path)
			wantContains(t, p.path+" with a sensor", r.Body, "<table", p.caption)
			if strings.Contains(r.Body, text(s, p.none)) {
				t.Errorf("%s with a sensor says there is none", p.path)
			}
		}
	})
}
