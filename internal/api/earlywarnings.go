package api

import (
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The early warnings API: the centre's scripts read the early warnings the correlation raised.
// Members are counted, never named.
func (a *API) earlyWarningRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/centre/early-warnings", Perm: vaern.PermSensorsCentre, Handler: a.earlyWarnings, API: true,
			Doc: &httpx.Doc{Summary: "The centre's early warnings: indicators that k members' sensors saw within the window, open first", Tag: "sensors",
				Response: "EarlyWarning", Array: true,
				Params: []httpx.Param{{Name: "status", Description: "open, advised, dismissed or suppressed", Type: "string"},
					{Name: "kind", Description: "ip, domain, ja3, ja4 or signature", Type: "string"}}}},
		{Method: http.MethodPost, Pattern: "/api/v1/centre/early-warnings/{id}/indicator", Perm: vaern.PermSensorsCentre, Handler: a.earlyWarningShare,
			API: true, IDKind: "early-warning",
			Doc: &httpx.Doc{Summary: "Share the early warning's indicator with the members' sensors (TLP:AMBER to all members, confidence 70, " +
				"expiring in 30 days), linked both ways and audited; a warning shared before answers 200 with the same indicator",
				Tag: "sensors", Response: "EarlyWarningShared", Idempotent: true}},
	}
}

// earlyWarningsSchemas are the early warnings API's schemas.
func earlyWarningsSchemas() map[string]any {
	return map[string]any{
		"EarlyWarning": obj(map[string]any{
			"id": integer(), "kind": enum(vaern.IndicatorIP, vaern.IndicatorDomain, vaern.IndicatorJA3, vaern.IndicatorJA4, vaern.IndicatorSignature),
			"indicator": str(""), "signature_id": integer(), "signature": str(""),
			"members": map[string]any{"type": "integer", "minimum": 0, "description": "how many members saw it (never which)"},
			"alerts":  integer(), "first_seen": str("date-time"), "last_seen": str("date-time"),
			"status":        enum(vaern.EarlyStatuses...),
			"suppressed_by": str(""), "advisory_id": integer(),
			"indicator_id": map[string]any{"type": "integer", "description": "the indicator it was shared as with the members' sensors, 0 if none"},
		}, "id", "kind", "indicator", "members", "first_seen", "last_seen", "status"),
		"EarlyWarningShared": obj(map[string]any{
			"early_warning_id": integer(),
			"indicator_id":     map[string]any{"type": "integer", "description": "the centre's indicator the warning is shared as"},
		}, "early_warning_id", "indicator_id"),
	}
}

type earlyWarningJSON struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"`
	Indicator    string `json:"indicator"`
	SignatureID  int64  `json:"signature_id"`
	Signature    string `json:"signature"`
	Members      int    `json:"members"`
	Alerts       int64  `json:"alerts"`
	FirstSeen    string `json:"first_seen"`
	LastSeen     string `json:"last_seen"`
	Status       string `json:"status"`
	SuppressedBy string `json:"suppressed_by"`
	AdvisoryID   int64  `json:"advisory_id"`
	IndicatorID  int64  `json:"indicator_id"`
}

func (a *API) earlyWarnings(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	status, err := httpx.ChoiceParam(q, "status", "", append([]string{""}, vaern.EarlyStatuses...)...)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	kind, err := httpx.ChoiceParam(q, "kind", "", "", vaern.IndicatorIP, vaern.IndicatorDomain, vaern.IndicatorJA3, vaern.IndicatorJA4, vaern.IndicatorSignature)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, _, err := a.st.EarlyWarnings(r.Context(), p.Org.ID, store.EarlyFilter{Status: status, Kind: kind, Limit: 1000})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]earlyWarningJSON, 0, len(list))
	for _, e := range list {
		out = append(out, earlyWarningJSON{ID: e.ID, Kind: e.Kind, Indicator: e.Value, SignatureID: e.SignatureID, Signature: e.Signature,
			Members: e.Members, Alerts: e.Alerts, FirstSeen: e.FirstSeen.UTC().Format(time.RFC3339), LastSeen: e.LastSeen.UTC().Format(time.RFC3339),
			Status: e.Status, SuppressedBy: e.SuppressedBy, AdvisoryID: e.AdvisoryID, IndicatorID: e.IndicatorID})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type earlyWarningSharedJSON struct {
	EarlyWarningID int64 `json:"early_warning_id"`
	IndicatorID    int64 `json:"indicator_id"`
}

// earlyWarningShare shares an early warning as an indicator with the share's defaults, as the
// web's share form does untouched: 201 for a new indicator, 200 for the one shared before.
func (a *API) earlyWarningShare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	ew, err := a.st.EarlyWarning(ctx, p.Org.ID, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	res, err := a.st.ShareEarlyWarning(ctx, p.Actor(a.cfg.ClientIP(r)), p.Org.ID, id,
		store.DefaultEarlyShare(correlate.IndicatorDescription(ew), a.st.Now()))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Before {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, earlyWarningSharedJSON{EarlyWarningID: id, IndicatorID: res.IndicatorID})
}
