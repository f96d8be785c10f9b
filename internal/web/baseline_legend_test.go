package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

// TestAreaPageDescribesLevelsOnce checks that a focus-area page writes the scale's level
// descriptions and the "don't know" and "not relevant" explanations once, in a legend, and that
// every answer option the legend describes names its entry as its description (so a screen reader
// still reads it with the option), without JavaScript.
func TestAreaPageDescribesLevelsOnce(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		c := signIn(t, s, "A:coordinator")
		page := c.get(fmt.Sprintf("/baseline/%d/area?a=GOV", id))
		wantStatus(t, "area page", page, http.StatusOK)
		body := page.Body
		if n := strings.Count(body, `<section class="levels"`); n != 1 {
			t.Fatalf("%d level legends on the page, want 1", n)
		}
		entries := regexp.MustCompile(`<dd id="(lv-[a-z0-9]+)">([^<]+)</dd>`).FindAllStringSubmatch(body, -1)
		if len(entries) < 3 {
			t.Fatalf("the legend has %d entries", len(entries))
		}
		for _, e := range entries {
			if n := strings.Count(body, e[2]); n != 1 {
				t.Errorf("the description %q of %s is on the page %d times, want once", e[2], e[1], n)
			}
			if strings.Count(body, `id="`+e[1]+`"`) != 1 {
				t.Errorf("the id %s is not unique", e[1])
			}
		}
		refs := regexp.MustCompile(`aria-describedby="(lv-[a-z0-9]+)"`).FindAllStringSubmatch(body, -1)
		if len(refs) == 0 {
			t.Fatal("no answer option names the legend as its description")
		}
		for _, r := range refs {
			if !strings.Contains(body, `<dd id="`+r[1]+`">`) {
				t.Errorf("an option is described by %s, which the legend lacks", r[1])
			}
		}
		// Every radio button is named by the label it sits in.
		if n, m := strings.Count(body, `type="radio"`), strings.Count(body, `<label class="opt"><input type="radio"`); n == 0 || n != m {
			t.Errorf("%d radio buttons, %d of them inside their label", n, m)
		}
	})
}
