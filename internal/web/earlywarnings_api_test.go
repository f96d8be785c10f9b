package web_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestEarlyWarningShareAPI (both engines): a centre analyst's token shares an early warning as an
// indicator through the API: 201 with the indicator's id, 200 with the same id the second time
// (no second indicator, one audit row), the warning linked to it; an unknown id is 404 and a
// member's token 403. The client checks every answer against the OpenAPI document.
func TestEarlyWarningShareAPI(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		analyst := signIn(t, s, "centre-analyst")
		tok := createToken(t, analyst, "soc")
		id := ewOf(t, s, "192.0.2.", s.Fix.A.ID)
		api := newClient(t, s)
		path := fmt.Sprintf("/api/v1/centre/early-warnings/%d/indicator", id)
		type sharedJSON struct {
			EarlyWarningID int64 `json:"early_warning_id"`
			IndicatorID    int64 `json:"indicator_id"`
		}
		first := api.api("POST", path, tok, "")
		wantStatus(t, "first share", first, http.StatusCreated)
		got := decodeJSON[sharedJSON](t, "first share", first)
		if got.EarlyWarningID != id || got.IndicatorID == 0 {
			t.Fatalf("first share answered %+v", got)
		}
		again := api.api("POST", path, tok, "")
		wantStatus(t, "second share", again, http.StatusOK)
		if g := decodeJSON[sharedJSON](t, "second share", again); g != got {
			t.Fatalf("second share answered %+v, the first %+v", g, got)
		}
		ew, err := s.Store.EarlyWarning(t.Context(), s.Fix.Centre.ID, id)
		if err != nil || ew.IndicatorID != got.IndicatorID {
			t.Fatalf("warning after the share: %+v, %v", ew, err)
		}
		l, err := s.Store.ListIndicators(t.Context(), access.ForOrg(s.Fix.Centre), store.IndicatorFilter{Search: ew.Value, State: "all"})
		if err != nil || l.Total != 1 || l.Items[0].ID != got.IndicatorID || l.Items[0].Source != "sensor" || l.Items[0].SourceID != id {
			t.Fatalf("indicators of %s: %+v, %v", ew.Value, l, err)
		}
		if n := countAudit(auditActions(t, s, s.Fix.Centre.ID), "early_warning.share", id); n != 1 {
			t.Errorf("early_warning.share audited %d times, want 1", n)
		}

		wantProblem(t, "unknown warning", api.api("POST", "/api/v1/centre/early-warnings/999999/indicator", tok, ""), http.StatusNotFound)
		member := createToken(t, signIn(t, s, "A:coordinator"), "member")
		wantProblem(t, "member token", api.api("POST", path, member, ""), http.StatusForbidden)
	})
}

// TestEarlyWarningShareAPIBody (both engines): the share API takes the share form's fields as an
// optional JSON body. Each bad field answers 422 naming it (a body that is not JSON 400) and
// shares nothing; a good body shares with its label, audience, confidence and expiry; an empty
// body keeps the defaults (TLP:AMBER to all members, confidence 70, 30 days).
func TestEarlyWarningShareAPIBody(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		tok := createToken(t, signIn(t, s, "centre-analyst"), "soc")
		api := newClient(t, s)
		id := ewOf(t, s, "192.0.2.", s.Fix.A.ID)
		path := fmt.Sprintf("/api/v1/centre/early-warnings/%d/indicator", id)
		for _, c := range []struct{ body, field string }{
			{`{"tlp":"purple"}`, "tlp"},
			{`{"tlp":"RED"}`, "tlp"},
			{`{"audience":"everyone"}`, "audience"},
			{`{"confidence":101}`, "confidence"},
			{`{"confidence":-1}`, "confidence"},
			{`{"confidence":"high"}`, "confidence"},
			{`{"expires_days":3651}`, "expires_days"},
			{`{"expires_days":1.5}`, "expires_days"},
			{`{"tlp":"green","colour":"blue"}`, "colour"},
		} {
			p := wantProblem(t, c.body, api.api("POST", path, tok, c.body), http.StatusUnprocessableEntity)
			if len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Message == "" {
				t.Errorf("%s: errors %+v, want one naming %s", c.body, p.Errors, c.field)
			}
		}
		for _, body := range []string{`{"tlp":`, `["green"]`, `{"tlp":"green"} {}`} {
			wantProblem(t, body, api.api("POST", path, tok, body), http.StatusBadRequest)
		}
		if ew, err := s.Store.EarlyWarning(t.Context(), s.Fix.Centre.ID, id); err != nil || ew.IndicatorID != 0 {
			t.Fatalf("after refused bodies the warning is %+v, %v; want it not shared", ew, err)
		}
		if n := countAudit(auditActions(t, s, s.Fix.Centre.ID), "early_warning.share", id); n != 0 {
			t.Fatalf("refused bodies audited %d shares", n)
		}

		type sharedJSON struct {
			IndicatorID int64 `json:"indicator_id"`
		}
		share := func(what, prefix, body string) store.IndicatorDetail {
			t.Helper()
			wid := id
			if prefix != "" {
				wid = ewOf(t, s, prefix, s.Fix.A.ID)
			}
			r := api.api("POST", fmt.Sprintf("/api/v1/centre/early-warnings/%d/indicator", wid), tok, body)
			wantStatus(t, what, r, http.StatusCreated)
			got := decodeJSON[sharedJSON](t, what, r)
			d, err := s.Store.IndicatorByID(t.Context(), access.ForOrg(s.Fix.Centre), got.IndicatorID)
			if err != nil {
				t.Fatalf("%s: indicator %d: %v", what, got.IndicatorID, err)
			}
			return d
		}
		now := s.Store.Now()
		d := share("green to the concerned", "", `{"tlp":"green","audience":"concerned","confidence":85,"expires_days":0}`)
		if d.TLP != "GREEN" || d.Audience != string(access.NamedMembers) || d.Confidence != 85 || !d.ExpiresAt.IsZero() {
			t.Errorf("green share: %+v", d.Indicator)
		}
		d = share("amber+strict in 7 days", "198.18.0.", `{"tlp":"AMBER+STRICT","audience":"members","expires_days":7}`)
		if d.TLP != "AMBER+STRICT" || d.Audience != string(access.AllMembers) || d.Confidence != store.EarlyShareConfidence ||
			d.ExpiresAt.Sub(now) < 6*24*time.Hour || d.ExpiresAt.Sub(now) > 8*24*time.Hour {
			t.Errorf("amber+strict share: %+v", d.Indicator)
		}
		for _, body := range []string{"", "{}", "null"} {
			d = share(fmt.Sprintf("defaults (%q)", body), "198.19.0.", body)
			if d.TLP != "AMBER" || d.Audience != string(access.AllMembers) || d.Confidence != store.EarlyShareConfidence ||
				d.ExpiresAt.Sub(now) < 29*24*time.Hour || d.ExpiresAt.Sub(now) > 31*24*time.Hour {
				t.Errorf("defaults (%q): %+v", body, d.Indicator)
			}
		}
	})
}
