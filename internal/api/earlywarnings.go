package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
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
			Doc: &httpx.Doc{Summary: "Share the early warning's indicator with the members' sensors, linked both ways and audited; the optional body " +
				"holds the web share form's fields (without it: TLP:AMBER to all members, confidence 70, expiring in 30 days); " +
				"a warning shared before answers 200 with the same indicator",
				Tag: "sensors", Request: "EarlyWarningShare", RequestOptional: true, Response: "EarlyWarningShared", Idempotent: true}},
	}
}

// earlyWarningsSchemas are the early warnings API's schemas.
func earlyWarningsSchemas() map[string]any {
	shareBody := obj(map[string]any{
		"tlp": map[string]any{"type": "string", "description": "CLEAR, GREEN, AMBER (default) or AMBER+STRICT, in any case; RED is refused"},
		"audience": map[string]any{"type": "string", "enum": []string{"members", "concerned"},
			"description": "members: all members (default); concerned: the members whose sensors saw it"},
		"confidence":   map[string]any{"type": "integer", "minimum": 0, "maximum": 100, "description": "default 70"},
		"expires_days": map[string]any{"type": "integer", "minimum": 0, "maximum": 3650, "description": "days from now; 0 never expires; default 30"},
	})
	shareBody["additionalProperties"] = false
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
		"EarlyWarningShare": shareBody,
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

// earlyWarningShare shares an early warning as an indicator with the share form's fields from
// the optional JSON body, validated as the web's form is; without a body, the share's defaults.
// 201 for a new indicator, 200 for the one shared before.
func (a *API) earlyWarningShare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	fields, err := earlyShareBody(r)
	if err != nil {
		writeBodyError(w, r, err)
		return
	}
	ew, err := a.st.EarlyWarning(ctx, p.Org.ID, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	sh, err := store.ReadEarlyShare(func(k string) string { return fields[k] }, correlate.IndicatorDescription(ew), a.st.Now())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	res, err := a.st.ShareEarlyWarning(ctx, p.Actor(a.cfg.ClientIP(r)), p.Org.ID, id, sh)
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

// earlyShareJSON is the share API's body: the share form's fields, the numbers as JSON integers.
type earlyShareJSON struct {
	TLP         string `json:"tlp"`
	Audience    string `json:"audience"`
	Confidence  *int   `json:"confidence"`
	ExpiresDays *int   `json:"expires_days"`
}

// earlyShareBody reads the optional body into the form's fields as text (an absent field is
// empty, so it takes its default): a field of the wrong type or one the form does not have is
// invalid, naming it; a body that is not one JSON object is a bad request.
func earlyShareBody(r *http.Request) (map[string]string, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	if len(bytes.TrimSpace(b)) == 0 {
		return fields, nil
	}
	var in earlyShareJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			what := "a text"
			if ute.Field == "confidence" || ute.Field == "expires_days" {
				what = "a whole number"
			}
			return nil, vaern.Invalid(ute.Field, "has the wrong type: give %s", what)
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return nil, vaern.Invalid(strings.Trim(name, `"`), "is not a field of a share: tlp, audience, confidence or expires_days")
		}
		return nil, errBadJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errBadJSON
	}
	fields["tlp"], fields["audience"] = in.TLP, in.Audience
	if in.Confidence != nil {
		fields["confidence"] = strconv.Itoa(*in.Confidence)
	}
	if in.ExpiresDays != nil {
		fields["expires_days"] = strconv.Itoa(*in.ExpiresDays)
	}
	return fields, nil
}
