package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestEarlyWarningShareIndicator (both engines): the analyst shares an early warning as an
// indicator for the members concerned; a second click makes no second indicator; the warning and
// the indicator link each other; the concerned member's sensor export carries it and the other
// member's does not; the share is audited. Then an advisory drafted from another warning (with
// the indicator shared in the same click) is edited through its form as the page fills it, with
// no product, published, and the members find it.
func TestEarlyWarningShareIndicator(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		analyst := signIn(t, s, "centre-analyst")
		id := ewOf(t, s, "198.51.100.", s.Fix.A.ID)
		ew, err := s.Store.EarlyWarning(t.Context(), s.Fix.Centre.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/centre/early-warnings/%d", id)
		page := analyst.get(path)
		wantStatus(t, "warning", page, http.StatusOK)
		wantContains(t, "warning", page.Body, `action="`+path+`/indicator"`, `name="share_indicator"`)

		wantFieldError(t, "bad confidence", analyst.post(path+"/indicator", form("tlp", "AMBER", "audience", "concerned", "confidence", "101", "expires_days", "30")), "confidence")
		wantFieldError(t, "RED", analyst.post(path+"/indicator", form("tlp", "RED", "audience", "members")), "tlp")
		share := form("tlp", "AMBER", "audience", "concerned", "confidence", "85", "expires_days", "30")
		wantRedirect(t, "share", analyst.post(path+"/indicator", share), path)
		wantRedirect(t, "share again", analyst.post(path+"/indicator", share), path)
		centre := access.ForOrg(s.Fix.Centre)
		l, err := s.Store.ListIndicators(t.Context(), centre, store.IndicatorFilter{Search: ew.Value, State: "all"})
		if err != nil || l.Total != 1 {
			t.Fatalf("indicators of %s: %d %v", ew.Value, l.Total, err)
		}
		ind := l.Items[0]
		if ind.Source != "sensor" || ind.SourceID != id || ind.Confidence != 85 || ind.TLP != "AMBER" || ind.ExpiresAt.IsZero() {
			t.Errorf("indicator %+v", ind.Indicator)
		}
		wantContains(t, "warning links", analyst.get(path).Body, fmt.Sprintf(`href="/indicators/%d"`, ind.ID))
		wantContains(t, "indicator links", analyst.get(fmt.Sprintf("/indicators/%d", ind.ID)).Body, `href="`+path+`"`)
		if n := countAudit(auditActions(t, s, s.Fix.Centre.ID), "early_warning.share", id); n != 1 {
			t.Errorf("early_warning.share audited %d times, want 1 (the second click changes nothing)", n)
		}

		// The centre's API names the indicator (the client checks the answer against the OpenAPI document).
		api := newClient(t, s)
		type ewJSON struct {
			ID          int64 `json:"id"`
			IndicatorID int64 `json:"indicator_id"`
		}
		linked := false
		for _, x := range decodeJSON[[]ewJSON](t, "api", api.api("GET", "/api/v1/centre/early-warnings", createToken(t, analyst, "soc"), "")) {
			linked = linked || (x.ID == id && x.IndicatorID == ind.ID)
		}
		if !linked {
			t.Errorf("the API does not give early warning %d's indicator %d", id, ind.ID)
		}

		// The sensors: A's export has the address, B's (not concerned) does not.
		for _, c := range []struct {
			key  string
			want bool
		}{{"A:coordinator", true}, {"B:coordinator", false}} {
			tok := createToken(t, signIn(t, s, c.key), "sensor")
			r := api.api("GET", "/api/v1/indicators/export?format=suricata-dataset&type=ip", tok, "")
			wantStatus(t, c.key+" export", r, http.StatusOK)
			if got := strings.Contains(r.Body, ew.Value+"\n"); got != c.want {
				t.Errorf("%s: %s in the export %v, want %v", c.key, ew.Value, got, c.want)
			}
		}

		// Draft the advisory from a warning of both members, sharing the indicator in the same click.
		id2 := ewOf(t, s, "203.0.113.", s.Fix.A.ID, s.Fix.B.ID)
		r := analyst.post(fmt.Sprintf("/centre/early-warnings/%d/advisory", id2), form("share_indicator", "1"))
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/centre/advisories/") {
			t.Fatalf("advise: %d %s", r.StatusCode, r.location())
		}
		advPath := r.location()
		ew2, _ := s.Store.EarlyWarning(t.Context(), s.Fix.Centre.ID, id2)
		if ew2.IndicatorID == 0 || fmt.Sprintf("/centre/advisories/%d", ew2.AdvisoryID) != advPath {
			t.Fatalf("advised warning %+v", ew2)
		}
		edit := analyst.get(advPath + "/edit")
		wantStatus(t, "edit", edit, http.StatusOK)
		wantContains(t, "edit", edit.Body, ew2.Value, fmt.Sprintf(`href="/indicators/%d"`, ew2.IndicatorID))
		f := formValues(t, edit.Body, advPath)
		if f.Get("title_en") == "" || strings.TrimSpace(f.Get("products")) != "" {
			t.Fatalf("the edit form: %v", f)
		}
		f.Set("title_en", f.Get("title_en")+" (reviewed)")
		wantRedirect(t, "save without products", analyst.post(advPath, f), advPath)
		wantRedirect(t, "publish", analyst.post(advPath+"/publish", nil), advPath)
		adv, err := s.Store.Advisory(t.Context(), centre, ew2.AdvisoryID)
		if err != nil || string(adv.State) != "published" || !strings.HasSuffix(adv.Texts["en"].Title, "(reviewed)") {
			t.Fatalf("published advisory %+v %v", adv, err)
		}
		// A new advisory still needs a product.
		nf := form("title_en", "No product", "tlp", "AMBER", "audience", "members")
		wantFieldError(t, "new without products", analyst.post("/centre/advisories", nf), "products")

		// Both members find it on their early-warning page and can open it.
		for _, key := range []string{"A:viewer", "B:coordinator"} {
			c := signIn(t, s, key)
			wantContains(t, key, c.get("/sensors/early-warnings").Body, fmt.Sprintf(`href="/warnings/advisories/%d"`, ew2.AdvisoryID))
			p := c.get(fmt.Sprintf("/warnings/advisories/%d", ew2.AdvisoryID))
			wantStatus(t, key+" advisory", p, http.StatusOK)
			wantContains(t, key+" advisory", p.Body, ew2.Value)
		}
	})
}

var (
	reForm     = regexp.MustCompile(`(?s)<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	reInput    = regexp.MustCompile(`<input[^>]*>`)
	reTextarea = regexp.MustCompile(`(?s)<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
	reSelect   = regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	reSelected = regexp.MustCompile(`<option value="([^"]*)"[^>]*selected`)
	reAttr     = regexp.MustCompile(`\s([a-z-]+)(?:="([^"]*)")?`)
)

// formValues is what a browser sends for the form posting to action as the page fills it: text
// inputs and hidden fields, checked boxes and radios, text areas and selected options.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	out := url.Values{}
	for _, m := range reForm.FindAllStringSubmatch(body, -1) {
		if html.UnescapeString(m[1]) != action {
			continue
		}
		for _, in := range reInput.FindAllString(m[2], -1) {
			attrs := map[string]string{}
			for _, a := range reAttr.FindAllStringSubmatch(in, -1) {
				attrs[a[1]] = html.UnescapeString(a[2])
			}
			_, checked := attrs["checked"]
			switch attrs["type"] {
			case "submit", "button", "file":
				continue
			case "checkbox", "radio":
				if !checked {
					continue
				}
				if _, ok := attrs["value"]; !ok {
					attrs["value"] = "on"
				}
			}
			if attrs["name"] != "" {
				out.Add(attrs["name"], attrs["value"])
			}
		}
		for _, ta := range reTextarea.FindAllStringSubmatch(m[2], -1) {
			out.Add(ta[1], html.UnescapeString(strings.TrimPrefix(ta[2], "\n")))
		}
		for _, se := range reSelect.FindAllStringSubmatch(m[2], -1) {
			if o := reSelected.FindStringSubmatch(se[2]); o != nil {
				out.Set(se[1], html.UnescapeString(o[1]))
			}
		}
		return out
	}
	t.Fatalf("no form posting to %s", action)
	return nil
}
