package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The warnings API (issue 12): the advisories the caller may see, the member's exposures and its
// answers to them, the centre's sector counts, and an upload for the centre's scripts.
func (a *API) warningsRoutes() []httpx.Route {
	p := func(name, desc, typ string) httpx.Param { return httpx.Param{Name: name, Description: desc, Type: typ} }
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/advisories", Perm: vaern.PermSignedIn, Handler: a.advisoryList, API: true,
			Doc: &httpx.Doc{Summary: "The advisories the caller may see (by TLP and audience), newest first", Tag: "warnings", Response: "Advisory", Array: true,
				Params: []httpx.Param{p("source", "kev, cve, csaf or centre", "string"), p("q", "in the title, source id or CVE ids", "string"),
					p("limit", "at most this many (1-1000, default 200)", "integer")}}},
		{Method: http.MethodPost, Pattern: "/api/v1/advisories", Perm: vaern.PermAdvisoriesManage, Handler: a.advisoryUpload, API: true, MaxBody: 64<<20 + 1<<20,
			Doc: &httpx.Doc{Summary: "Import a KEV catalogue, a CVE JSON 5 record or a CSAF 2.0 document (the body), publish it and queue its matching", Tag: "warnings",
				Request: "AdvisoryDocument", Response: "AdvisoryImport",
				Params: []httpx.Param{p("override", "true: import a CSAF document that fails mandatory tests anyway", "boolean")}}},
		{Method: http.MethodGet, Pattern: "/api/v1/exposures", Perm: vaern.PermWarningsView, Handler: a.exposureList, API: true,
			Doc: &httpx.Doc{Summary: "The caller's member's exposures: its systems matched by advisories, most urgent first", Tag: "warnings", Response: "Exposure", Array: true,
				Params: []httpx.Param{p("tier", "exact, confirm or triage", "string"),
					p("status", "a status, open (new or acknowledged), all; default: all but closed", "string"),
					p("system_id", "only this system's", "integer"), p("limit", "at most this many (1-1000, default 1000)", "integer")}}},
		{Method: http.MethodPatch, Pattern: "/api/v1/exposures/{id}", Perm: vaern.PermWarningsAct, Handler: a.exposureAnswer, API: true, IDKind: "exposure",
			Doc: &httpx.Doc{Summary: "Answer an exposure: acknowledged, mitigated, patched, not_affected (with a reason) or risk_accepted (with a reason and accepted_until)", Tag: "warnings",
				Request: "ExposureAnswer", Response: "Exposure"}},
		{Method: http.MethodGet, Pattern: "/api/v1/exposures/summary", Perm: vaern.PermAdvisoriesView, Handler: a.exposureSummary, API: true,
			Doc: &httpx.Doc{Summary: "The sector's exposure per advisory: members affected, acknowledged and fixed (counts only)", Tag: "warnings", Response: "ExposureSummary", Array: true}},
	}
}

// warningsSchemas are the warnings API's schemas.
func warningsSchemas() map[string]any {
	text := str("")
	statuses := []string{"new", "acknowledged", "mitigated", "patched", "not_affected", "risk_accepted", "closed"}
	return map[string]any{
		"Advisory": obj(map[string]any{
			"id": integer(), "source": enum("kev", "cve", "csaf", "centre"), "source_id": text, "title": text,
			"tlp":   enum("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"),
			"state": enum("draft", "published", "withdrawn"), "revision": integer(), "severity": text,
			"cves": map[string]any{"type": "array", "items": text}, "known_exploited": boolean(),
			"due": text, "published_at": text,
		}, "id", "source", "source_id", "title", "tlp"),
		"AdvisoryDocument": map[string]any{"type": "object", "description": "a CISA KEV catalogue, a CVE JSON 5 record or a CSAF 2.0 document, as published"},
		"AdvisoryImport": obj(map[string]any{
			"format": enum("kev", "cve", "csaf"),
			"advisories": map[string]any{"type": "array", "items": obj(map[string]any{
				"id": integer(), "created": boolean(), "changed": boolean()}, "id", "created", "changed")},
			"failed": map[string]any{"type": "array", "items": obj(map[string]any{"test": text, "path": text, "message": text}, "test", "path", "message")},
		}, "format", "advisories", "failed"),
		"Exposure": obj(map[string]any{
			"id": integer(), "system_id": integer(), "system": text, "component": text, "advisory_id": integer(), "source_id": text,
			"title": text, "tier": enum("exact", "confirm", "triage"), "status": enum(statuses...), "evidence": text,
			"range_key": text, "due": text, "reason": text, "accepted_until": text, "first_seen": str("date-time"),
		}, "system_id", "advisory_id", "source_id", "tier", "status", "evidence"),
		"ExposureAnswer": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"status"},
			"properties": map[string]any{"status": enum("acknowledged", "mitigated", "patched", "not_affected", "risk_accepted"),
				"reason": text, "accepted_until": map[string]any{"type": "string", "description": "YYYY-MM-DD"}}},
		"ExposureSummary": obj(map[string]any{
			"advisory_id": integer(), "source": enum("kev", "cve", "csaf", "centre"), "source_id": text, "title": text,
			"members_affected": integer(), "members_acknowledged": integer(), "members_fixed": integer(),
		}, "advisory_id", "source_id", "members_affected", "members_acknowledged", "members_fixed"),
	}
}

type advisoryJSON struct {
	ID             int64    `json:"id"`
	Source         string   `json:"source"`
	SourceID       string   `json:"source_id"`
	Title          string   `json:"title"`
	TLP            string   `json:"tlp"`
	State          string   `json:"state"`
	Revision       int      `json:"revision"`
	Severity       string   `json:"severity"`
	CVEs           []string `json:"cves"`
	KnownExploited bool     `json:"known_exploited"`
	Due            string   `json:"due,omitempty"`
	PublishedAt    string   `json:"published_at,omitempty"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func (a *API) advisoryList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	source, err := httpx.ChoiceParam(q, "source", "", "", "kev", "cve", "csaf", "centre")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	limit := int64(200)
	if q.Get("limit") != "" {
		if limit, err = httpx.IntParam(q, "limit", 1); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		limit = min(limit, 1000)
	}
	list, _, err := a.st.Advisories(r.Context(), access.Of(p), store.AdvisoryFilter{Source: vaern.AdvisorySource(source), Query: q.Get("q"), Limit: int(limit)})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]advisoryJSON, 0, len(list))
	for _, x := range list {
		cves := x.CVEs
		if cves == nil {
			cves = []string{}
		}
		out = append(out, advisoryJSON{ID: x.ID, Source: string(x.Source), SourceID: x.SourceID, Title: x.Title, TLP: x.TLP,
			State: string(x.State), Revision: x.Revision, Severity: string(x.Severity), CVEs: cves, KnownExploited: x.KnownExploited,
			Due: day(x.Due), PublishedAt: day(x.Published)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type exposureJSON struct {
	ID            int64  `json:"id"`
	SystemID      int64  `json:"system_id"`
	System        string `json:"system"`
	Component     string `json:"component,omitempty"`
	AdvisoryID    int64  `json:"advisory_id"`
	SourceID      string `json:"source_id"`
	Title         string `json:"title"`
	Tier          string `json:"tier"`
	Status        string `json:"status"`
	Evidence      string `json:"evidence"`
	RangeKey      string `json:"range_key"`
	Due           string `json:"due,omitempty"`
	Reason        string `json:"reason,omitempty"`
	AcceptedUntil string `json:"accepted_until,omitempty"`
	FirstSeen     string `json:"first_seen"`
}

func toExposure(x store.ExposureView) exposureJSON {
	return exposureJSON{ID: x.ID, SystemID: x.SystemID, System: x.SystemName, Component: x.ComponentName, AdvisoryID: x.AdvisoryID,
		SourceID: x.SourceID, Title: x.AdvisoryTitle, Tier: string(x.Tier), Status: string(x.Status), Evidence: x.Evidence,
		RangeKey: x.RangeKey, Due: day(x.Due), Reason: x.Reason, AcceptedUntil: day(x.AcceptedTill), FirstSeen: x.FirstSeen.UTC().Format(time.RFC3339)}
}

func (a *API) exposureList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	tier, err := httpx.ChoiceParam(q, "tier", "", "", "exact", "confirm", "triage")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	status, err := httpx.ChoiceParam(q, "status", "", "", "open", "all", "new", "acknowledged", "mitigated", "patched", "not_affected", "risk_accepted", "closed")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	f := store.ExposureFilter{Tier: vaern.ExposureTier(tier), Status: status, Limit: 1000}
	if q.Get("system_id") != "" {
		if f.SystemID, err = httpx.IntParam(q, "system_id", 1); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
	}
	if q.Get("limit") != "" {
		n, err := httpx.IntParam(q, "limit", 1)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		f.Limit = int(min(n, 1000))
	}
	list, total, err := a.st.Exposures(r.Context(), p.Org.ID, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]exposureJSON, 0, len(list))
	for _, x := range list {
		out = append(out, toExposure(x))
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) exposureAnswer(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	if _, err := a.st.Exposure(r.Context(), p.Org.ID, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var body struct {
		Status        string `json:"status"`
		Reason        string `json:"reason"`
		AcceptedUntil string `json:"accepted_until"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		writeBodyError(w, r, &badRequest{"the body is not a JSON object with status, reason and accepted_until"})
		return
	}
	u := store.ExposureUpdate{Status: vaern.ExposureStatus(body.Status), Reason: body.Reason}
	if body.AcceptedUntil != "" {
		t, err := time.Parse(time.DateOnly, body.AcceptedUntil)
		if err != nil {
			httpx.WriteError(w, r, vaern.Invalid("accepted_until", "is not a date (YYYY-MM-DD)"))
			return
		}
		u.AcceptedUntil = t.Add(24*time.Hour - time.Second)
	}
	if err := a.st.SetExposureStatus(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, id, u); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	x, err := a.st.Exposure(r.Context(), p.Org.ID, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toExposure(x))
}

type summaryJSON struct {
	AdvisoryID   int64  `json:"advisory_id"`
	Source       string `json:"source"`
	SourceID     string `json:"source_id"`
	Title        string `json:"title"`
	Affected     int    `json:"members_affected"`
	Acknowledged int    `json:"members_acknowledged"`
	Fixed        int    `json:"members_fixed"`
}

func (a *API) exposureSummary(w http.ResponseWriter, r *http.Request) {
	list, err := a.st.ExposureSummary(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]summaryJSON, 0, len(list))
	for _, x := range list {
		out = append(out, summaryJSON{AdvisoryID: x.AdvisoryID, Source: string(x.Source), SourceID: x.SourceID, Title: x.Title,
			Affected: x.Affected, Acknowledged: x.Acknowledged, Fixed: x.Fixed})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type importJSON struct {
	Format     string            `json:"format"`
	Advisories []importSavedJSON `json:"advisories"`
	Failed     []failedJSON      `json:"failed"`
}

type importSavedJSON struct {
	ID      int64 `json:"id"`
	Created bool  `json:"created"`
	Changed bool  `json:"changed"`
}

type failedJSON struct {
	Test    string `json:"test"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// advisoryUpload imports the body as one advisory file; a refusal is a 422 naming the JSON path
// (as errors[].field) and, for CSAF, the mandatory test.
func (a *API) advisoryUpload(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	override := false
	if v := r.URL.Query().Get("override"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			httpx.WriteError(w, r, vaern.Invalid("override", "must be true or false"))
			return
		}
		override = b
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		writeBodyError(w, r, &badRequest{"the body could not be read"})
		return
	}
	if !strings.HasPrefix(strings.TrimSpace(string(data[:min(len(data), 64)])), "{") {
		writeBodyError(w, r, errBadJSON)
		return
	}
	im, err := warnings.ImportFile(r.Context(), a.st, p.Actor(a.cfg.ClientIP(r)), p.Org.ID, "body", data, override, true)
	if err != nil {
		if ae, ok := err.(*advisory.Error); ok {
			field := ae.Path
			if field == "" {
				field = "body"
			}
			msg := ae.Message
			if ae.Test != "" {
				msg += " (CSAF test " + ae.Test + ")"
			}
			httpx.WriteError(w, r, vaern.Invalid(field, "%s", msg))
			return
		}
		httpx.WriteError(w, r, err)
		return
	}
	out := importJSON{Format: string(im.Format), Advisories: []importSavedJSON{}, Failed: []failedJSON{}}
	for _, s := range im.Saved {
		out.Advisories = append(out.Advisories, importSavedJSON{ID: s.ID, Created: s.Created, Changed: s.Changed})
	}
	for _, f := range im.Failed {
		out.Failed = append(out.Failed, failedJSON{Test: f.Test, Path: f.Path, Message: f.Message})
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
}
