package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/store"
)

// The indicator store's API: everyone lists and exports what TLP and audience let them see (a
// member's sensor pulls an export with the member's API token on a timer and gets 304 while it is
// unchanged); the centre's analysts add indicators and import STIX bundles and MISP events. The
// MISP feed is also served file by file, so a MISP instance can subscribe to it.

// ImportMaxBody is the largest file the import endpoints take.
const ImportMaxBody = 16 << 20

func (a *API) indicatorRoutes() []httpx.Route {
	const get, post = http.MethodGet, http.MethodPost
	view, manage := vaern.PermIndicatorsView, vaern.PermIndicatorsManage
	typ := httpx.Param{Name: "type", Description: "only this indicator type: " + strings.Join(indicators.Types, ", "), Type: "string"}
	state := httpx.Param{Name: "state", Description: "active (default: not expired), expired or all", Type: "string"}
	var produces []string
	seen := map[string]bool{}
	for _, f := range indicators.Formats {
		if mt := indicators.ContentType(f); !seen[mt] {
			seen[mt] = true
			produces = append(produces, mt)
		}
	}
	return []httpx.Route{
		{Method: get, Pattern: "/api/v1/indicators", Perm: view, Handler: a.indicatorList, API: true,
			Doc: &httpx.Doc{Summary: "The indicators the caller may see under their TLP labels and audiences, newest sighting first", Tag: "indicators",
				Response: "Indicator", Array: true, Params: []httpx.Param{typ, state,
					{Name: "source", Description: "manual, feed, incident or sensor", Type: "string"},
					{Name: "tlp", Description: "only this label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED", Type: "string"},
					{Name: "q", Description: "text in the value or the description", Type: "string"},
					{Name: "limit", Description: "at most this many (1-1000, default 100)", Type: "integer"},
					{Name: "offset", Description: "skip this many", Type: "integer"}}}},
		{Method: post, Pattern: "/api/v1/indicators", Perm: manage, Handler: a.indicatorCreate, API: true,
			Doc: &httpx.Doc{Summary: "Add an indicator with a TLP label and an audience (centre analysts)", Tag: "indicators", Request: "NewIndicator", Response: "Indicator"}},
		{Method: get, Pattern: "/api/v1/indicators/export", Perm: view, Handler: a.indicatorExport, API: true,
			Doc: &httpx.Doc{Summary: "The indicators the caller may see as a file for a sensor or a feed (docs/indicators.md: format, type; ETag and If-None-Match)", Tag: "indicators",
				Produces: produces, NotModified: true, Params: []httpx.Param{
					{Name: "format", Description: "plain (default), suricata-dataset, suricata-datarep, suricata-iprep, suricata-iprep-categories, zeek, stix or misp (a zip of the feed)", Type: "string"},
					typ, state}}},
		{Method: get, Pattern: "/api/v1/indicators/misp/{name}", Perm: view, Handler: a.indicatorMISPFile, API: true,
			Doc: &httpx.Doc{Summary: "The MISP feed of the indicators the caller may see, file by file: manifest.json, hashes.csv and <event uuid>.json", Tag: "indicators",
				Produces: []string{"text/csv; charset=utf-8"}, Response: "MISPFile", NotModified: true, StringPath: []string{"name"}}},
		{Method: post, Pattern: "/api/v1/indicators/import", Perm: manage, Handler: a.indicatorImport, API: true, MaxBody: ImportMaxBody + 1<<20,
			Doc: &httpx.Doc{Summary: "Import a STIX 2.1 bundle or a MISP event (the body is the file) under a TLP label and audience; dry_run=true only previews", Tag: "indicators",
				Request: "IndicatorFile", Response: "IndicatorImport", Params: []httpx.Param{
					{Name: "format", Description: "stix or misp", Type: "string"},
					{Name: "tlp", Description: "the label of what is imported: CLEAR, GREEN, AMBER, AMBER+STRICT (RED needs named people: not here)", Type: "string"},
					{Name: "audience", Description: "members (default), named, group or centre", Type: "string"},
					{Name: "audience_orgs", Description: "for named: member ids, comma-separated", Type: "string"},
					{Name: "audience_country", Description: "for group: DK or NO", Type: "string"},
					{Name: "audience_region", Description: "for group: a region", Type: "string"},
					{Name: "audience_size", Description: "for group: small, medium or large", Type: "string"},
					{Name: "confidence", Description: "0-100 for indicators the file gives none (default 50)", Type: "integer"},
					{Name: "dry_run", Description: "true: answer what would be created, updated and refused, and keep nothing", Type: "boolean"}}}},
		{Method: get, Pattern: "/api/v1/indicators/{id}", Perm: view, Handler: a.indicatorGet, API: true, IDKind: "indicator",
			Doc: &httpx.Doc{Summary: "One indicator the caller may see", Tag: "indicators", Response: "Indicator"}},
	}
}

func indicatorsSchemas() map[string]any {
	text := str("")
	nullTime := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	tlps := enum("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
	var kinds []string
	for _, k := range access.Kinds {
		kinds = append(kinds, string(k))
	}
	ids := map[string]any{"type": "array", "items": integer()}
	newInd := obj(map[string]any{"value": text, "type": enum(indicators.Types...), "description": text,
		"category": enum(append([]string{""}, vaern.IndicatorCategories...)...), "confidence": map[string]any{"type": "integer", "minimum": 0, "maximum": 100},
		"expires_at": str("date-time"), "tlp": tlps, "audience": enum(kinds...), "audience_orgs": ids, "audience_people": ids,
		"audience_country": text, "audience_region": text, "audience_size": text}, "value", "tlp")
	newInd["additionalProperties"] = false
	return map[string]any{
		"Indicator": obj(map[string]any{"id": integer(), "type": enum(indicators.Types...), "value": text,
			"source": enum(store.IndicatorSources...), "confidence": integer(), "first_seen": str("date-time"), "last_seen": str("date-time"),
			"expires_at": nullTime, "expired": boolean(), "tlp": text, "audience": text, "description": text, "category": text,
			"owner": text, "created_at": str("date-time"), "updated_at": str("date-time")},
			"id", "type", "value", "source", "tlp", "first_seen", "last_seen", "expired"),
		"NewIndicator":  newInd,
		"IndicatorFile": map[string]any{"type": "object", "description": "a STIX 2.1 bundle or a MISP event, as the file holds it"},
		"IndicatorImport": obj(map[string]any{"id": integer(), "status": enum("preview", "done"), "format": enum("stix", "misp"),
			"created": integer(), "updated": integer(), "refused": integer(), "ignored": integer(),
			"refusals": map[string]any{"type": "array", "items": obj(map[string]any{"object": text, "reason": text}, "object", "reason")}},
			"status", "created", "updated", "refused", "refusals"),
		"MISPFile": map[string]any{"type": "object", "description": "manifest.json (events by uuid) or an event ({\"Event\": ...})"},
	}
}

type indicatorJSON struct {
	ID          int64   `json:"id"`
	Type        string  `json:"type"`
	Value       string  `json:"value"`
	Source      string  `json:"source"`
	Confidence  int     `json:"confidence"`
	FirstSeen   string  `json:"first_seen"`
	LastSeen    string  `json:"last_seen"`
	ExpiresAt   *string `json:"expires_at"`
	Expired     bool    `json:"expired"`
	TLP         string  `json:"tlp"`
	Audience    string  `json:"audience"`
	Description string  `json:"description"`
	Category    string  `json:"category"`
	Owner       string  `json:"owner"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func toIndicator(d store.IndicatorDetail, now time.Time) indicatorJSON {
	n := d.Indicator
	f := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	return indicatorJSON{ID: n.ID, Type: n.Type, Value: n.Value, Source: n.Source, Confidence: n.Confidence, FirstSeen: f(n.FirstSeen),
		LastSeen: f(n.LastSeen), ExpiresAt: rfc(n.ExpiresAt), Expired: !n.ExpiresAt.IsZero() && !n.ExpiresAt.After(now), TLP: n.TLP,
		Audience: n.Audience, Description: n.Description, Category: n.Category, Owner: d.OrgName, CreatedAt: f(n.CreatedAt), UpdatedAt: f(n.UpdatedAt)}
}

// indicatorFilter reads the list and export filters.
func indicatorFilter(r *http.Request) (store.IndicatorFilter, error) {
	q := r.URL.Query()
	var f store.IndicatorFilter
	var err error
	if f.State, err = httpx.ChoiceParam(q, "state", "active", "active", "expired", "all"); err != nil {
		return f, err
	}
	t, err := httpx.ChoiceParam(q, "type", "", indicators.Types...)
	if err != nil {
		return f, err
	}
	if t != "" {
		f.Types = []string{t}
	}
	if f.Source, err = httpx.ChoiceParam(q, "source", "", store.IndicatorSources...); err != nil {
		return f, err
	}
	if f.TLP, err = httpx.ChoiceParam(q, "tlp", "", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"); err != nil {
		return f, err
	}
	f.Search = q.Get("q")
	limit, err := httpx.IntParam(q, "limit", 1)
	if err != nil {
		return f, err
	}
	off, err := httpx.IntParam(q, "offset", 0)
	f.Limit, f.Offset = int(min(limit, 1000)), int(off)
	return f, err
}

func (a *API) indicatorList(w http.ResponseWriter, r *http.Request) {
	f, err := indicatorFilter(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	l, err := a.st.ListIndicators(r.Context(), access.Of(httpx.PrincipalFrom(r.Context())), f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	now := a.st.Now()
	out := make([]indicatorJSON, 0, len(l.Items))
	for _, d := range l.Items {
		out = append(out, toIndicator(d, now))
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(l.Total))
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) indicatorGet(w http.ResponseWriter, r *http.Request) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	d, err := a.st.IndicatorByID(r.Context(), access.Of(httpx.PrincipalFrom(r.Context())), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toIndicator(d, a.st.Now()))
}

type newIndicatorJSON struct {
	Value       string  `json:"value"`
	Type        string  `json:"type"`
	Description string  `json:"description"`
	Category    string  `json:"category"`
	Confidence  *int    `json:"confidence"`
	ExpiresAt   string  `json:"expires_at"`
	TLP         string  `json:"tlp"`
	Audience    string  `json:"audience"`
	Orgs        []int64 `json:"audience_orgs"`
	People      []int64 `json:"audience_people"`
	Country     string  `json:"audience_country"`
	Region      string  `json:"audience_region"`
	Size        string  `json:"audience_size"`
}

func (a *API) indicatorCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	var in newIndicatorJSON
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		var ute *json.UnmarshalTypeError
		if e, ok := err.(*json.UnmarshalTypeError); ok {
			ute = e
			httpx.WriteError(w, r, vaern.Invalid(ute.Field, "has the wrong type"))
			return
		}
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			httpx.WriteError(w, r, vaern.Invalid(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "is not a field of an indicator"))
			return
		}
		writeBodyError(w, r, errBadJSON)
		return
	}
	tlp, ok := access.ParseTLP(in.TLP)
	if !ok {
		httpx.WriteError(w, r, vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED"))
		return
	}
	kind := access.Kind(in.Audience)
	if kind == "" {
		kind = access.AllMembers
		if tlp == access.Red {
			kind = access.NamedPeople
		}
	}
	ii := store.IndicatorInput{Value: in.Value, Type: in.Type, Description: in.Description, Category: in.Category, Confidence: 50,
		Object: access.Object{TLP: tlp, Audience: access.Audience{Kind: kind, Orgs: in.Orgs, People: in.People, Country: in.Country, Region: in.Region, SizeClass: in.Size}}}
	if in.Confidence != nil {
		ii.Confidence = *in.Confidence
	}
	if in.ExpiresAt != "" {
		t, err := time.Parse(time.RFC3339, in.ExpiresAt)
		if err != nil {
			httpx.WriteError(w, r, vaern.Invalid("expires_at", "must be a time in RFC 3339 form, e.g. 2026-03-06T23:30:00+01:00"))
			return
		}
		ii.ExpiresAt = t
	}
	v := access.Of(p)
	n, err := a.st.AddIndicator(r.Context(), p.Actor(a.cfg.ClientIP(r)), v, ii)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	d, err := a.st.IndicatorByID(r.Context(), v, n.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, toIndicator(d, a.st.Now()))
}

// publisher is the centre, whose name the exports carry.
func (a *API) publisher(r *http.Request) indicators.Identity {
	c, err := a.st.Centre(r.Context())
	if err != nil {
		return indicators.Identity{Name: "Værn"}
	}
	return indicators.Identity{OrgID: c.ID, Name: c.Name}
}

// exportETag names one version of one export for one principal: a timer that pulls again gets
// 304 until a row it may see is added, changed, removed or expires.
func exportETag(v access.Principal, parts []string, ver store.ExportVersion) string {
	h := sha256.New()
	fmt.Fprintf(h, "%+v|%s|%d|%d|%d", v, strings.Join(parts, "|"), ver.Count, ver.Latest.UnixMilli(), ver.IDSum)
	return `"` + hex.EncodeToString(h.Sum(nil))[:32] + `"`
}

func etagMatches(r *http.Request, etag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// conditional sets the validators of an export and answers 304 when the caller has this
// version already.
func (a *API) conditional(w http.ResponseWriter, r *http.Request, v access.Principal, f store.IndicatorFilter, parts ...string) (store.ExportVersion, bool) {
	ver, err := a.st.IndicatorExportVersion(r.Context(), v, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return ver, false
	}
	etag := exportETag(v, parts, ver)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "private, no-cache")
	if !ver.Latest.IsZero() {
		w.Header().Set("Last-Modified", ver.Latest.UTC().Format(http.TimeFormat))
	}
	if etagMatches(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return ver, false
	}
	return ver, true
}

func (a *API) indicatorExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format, err := httpx.ChoiceParam(q, "format", indicators.Plain, indicators.Formats...)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	f, err := indicatorFilter(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	typ := ""
	if len(f.Types) == 1 {
		typ = f.Types[0]
	}
	sel, err := indicators.Selection(format, typ)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	f.Types, f.Limit, f.Offset, f.Search, f.Source, f.TLP = sel, 0, 0, "", "", ""
	if format == indicators.SuricataIPRepCat {
		f.Types = []string{"-"} // the categories do not depend on any row
	}
	v := access.Of(httpx.PrincipalFrom(r.Context()))
	ver, ok := a.conditional(w, r, v, f, format, typ)
	if !ok {
		return
	}
	wr, err := indicators.NewWriter(w, indicators.Options{Format: format, Type: typ, Publisher: a.publisher(r), BaseURL: a.cfg.BaseURL, Version: ver.Latest})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", indicators.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+indicators.FileName(format, typ)+`"`)
	f.Fields = indicators.Fields(format)
	if err := a.st.EachIndicator(r.Context(), v, f, wr.Write); err != nil {
		// The status is sent with the first bytes; a failure after that can only cut the body.
		a.logExport(r, err)
		return
	}
	if err := wr.Close(); err != nil {
		a.logExport(r, err)
	}
}

func (a *API) logExport(r *http.Request, err error) {
	slog.Warn("indicator export cut short", "path", r.URL.Path, "request_id", httpx.RequestID(r.Context()), "err", err)
}

func (a *API) indicatorMISPFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f := store.IndicatorFilter{}
	sel, _ := indicators.Selection(indicators.MISP, "")
	f.Types = sel
	v := access.Of(httpx.PrincipalFrom(r.Context()))
	isEvent := strings.HasSuffix(name, ".json") && name != "manifest.json"
	if name != "manifest.json" && name != "hashes.csv" && !isEvent {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	ver, ok := a.conditional(w, r, v, f, "misp", name)
	if !ok {
		return
	}
	feed := indicators.NewFeed(a.publisher(r), ver.Latest)
	if err := a.st.EachIndicator(r.Context(), v, f, func(n vaern.Indicator) error { feed.Add(n); return nil }); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var body []byte
	ct := "application/json"
	switch {
	case name == "manifest.json":
		body = feed.Manifest()
	case name == "hashes.csv":
		body, ct = feed.Hashes(), "text/csv; charset=utf-8"
	default:
		body = feed.Event(strings.TrimSuffix(name, ".json"))
	}
	if body == nil {
		w.Header().Del("ETag")
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

type indImportJSON struct {
	ID       int64                 `json:"id,omitempty"`
	Status   string                `json:"status"`
	Format   string                `json:"format"`
	Created  int                   `json:"created"`
	Updated  int                   `json:"updated"`
	Refused  int                   `json:"refused"`
	Ignored  int                   `json:"ignored"`
	Refusals []store.ImportRefusal `json:"refusals"`
}

// ImportInput turns a parsed file into what the store imports.
func ImportInput(p *indicators.Parsed, fileName string, obj access.Object, confidence int) store.ImportInput {
	in := store.ImportInput{Format: p.Format, FileName: fileName, Object: obj, Confidence: confidence}
	for _, c := range p.Items {
		in.Items = append(in.Items, store.ImportItem{Type: c.Type, Value: c.Value, Description: c.Description, Category: c.Category,
			ExternalID: c.ExternalID, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Confidence: c.Confidence, Object: c.Object})
	}
	for _, x := range p.Refused {
		in.Refused = append(in.Refused, store.ImportRefusal{Object: x.Object, Reason: x.Reason})
	}
	return in
}

// ParseImport reads an uploaded file of format (stix or misp) within the import limits.
func ParseImport(r *http.Request, format string, data []byte) (*indicators.Parsed, error) {
	_, done, err := inputguard.Admit(r.Context(), indicators.ImportLimits, len(data))
	if err != nil {
		return nil, vaern.Invalid("file", "%v", err)
	}
	defer done()
	if format == "misp" {
		return indicators.ParseMISP(data)
	}
	return indicators.ParseSTIX(data)
}

func (a *API) indicatorImport(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	format, err := httpx.ChoiceParam(q, "format", "stix", "stix", "misp")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	conf, err := httpx.IntParam(q, "confidence", 0)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if q.Get("confidence") == "" {
		conf = 50
	}
	dry, err := httpx.ChoiceParam(q, "dry_run", "false", "true", "false")
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	tlp, ok := access.ParseTLP(q.Get("tlp"))
	if !ok {
		httpx.WriteError(w, r, vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED"))
		return
	}
	aud := access.Audience{Kind: access.Kind(q.Get("audience")), Country: q.Get("audience_country"), Region: q.Get("audience_region"), SizeClass: q.Get("audience_size")}
	if aud.Kind == "" {
		aud.Kind = access.AllMembers
	}
	for _, s := range strings.Split(q.Get("audience_orgs"), ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			aud.Orgs = append(aud.Orgs, id)
		}
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, ImportMaxBody+1))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if len(data) > ImportMaxBody {
		httpx.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the file is larger than 16 MiB")
		return
	}
	if len(strings.TrimSpace(string(data))) == 0 || !json.Valid(data) {
		writeBodyError(w, r, errBadJSON)
		return
	}
	parsed, err := ParseImport(r, format, data)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	v := access.Of(p)
	actor := p.Actor(a.cfg.ClientIP(r))
	b, err := a.st.PreviewImport(r.Context(), actor, v, ImportInput(parsed, "api", access.Object{TLP: tlp, Audience: aud}, int(conf)))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if dry == "true" {
		if err := a.st.CancelImport(r.Context(), v, b.ID); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusCreated, indImportJSON{Status: "preview", Format: format, Created: b.Created, Updated: b.Updated, Refused: b.Refuses,
			Ignored: parsed.Ignored, Refusals: b.Refused})
		return
	}
	if b, err = a.st.ConfirmImport(r.Context(), actor, v, b.ID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, indImportJSON{ID: b.ID, Status: b.Status, Format: format, Created: b.Created, Updated: b.Updated,
		Refused: b.Refuses, Ignored: parsed.Ignored, Refusals: b.Refused})
}
