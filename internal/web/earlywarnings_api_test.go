package web_test

import (
	"fmt"
	"net/http"
	"testing"

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
