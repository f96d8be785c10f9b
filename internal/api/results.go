package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/report"
)

// The results module's API: a member's reports and exports scoped to the caller's organisation,
// its action plan, and the centre's national report of anonymous aggregates.
func (a *API) resultsRoutes() []httpx.Route {
	const get, post = http.MethodGet, http.MethodPost
	view, manage, national := vaern.PermReportsView, vaern.PermActionsManage, vaern.PermNationalView
	lang := httpx.Param{Name: "lang", Description: "language of texts and labels: da, nb or en (default: the user's language, else en)", Type: "string"}
	format := httpx.Param{Name: "format", Description: "pdf (default), xlsx, csv or json", Type: "string"}
	assessment := httpx.Param{Name: "assessment", Description: "the assessment (round) to report on; default the newest the department takes part in", Type: "integer"}
	round := httpx.Param{Name: "round", Description: "the round shown in detail; default the newest with aggregates", Type: "integer"}
	return []httpx.Route{
		{Method: get, Pattern: "/api/v1/reports", Perm: view, Handler: a.reportList, API: true,
			Doc: &httpx.Doc{Summary: "The caller's organisation's assessments with their overall scores", Tag: "reports", Response: "ReportSummary", Array: true}},
		{Method: get, Pattern: "/api/v1/reports/{id}", Perm: view, Handler: a.memberReport, API: true, IDKind: "assessment",
			Doc: &httpx.Doc{Summary: "The municipality report of one of the caller's assessments: scores, trend, benchmark position, recommendations, follow-ups, actions", Tag: "reports", Response: "MemberReport",
				Params: []httpx.Param{lang}}},
		{Method: get, Pattern: "/api/v1/reports/{id}/export", Perm: view, Handler: a.memberExport, API: true, IDKind: "assessment",
			Doc: &httpx.Doc{Summary: "The municipality report as PDF, XLSX (a sheet per focus area and the raw answers), CSV (one row per question) or JSON", Tag: "reports",
				Params: []httpx.Param{format, lang}}},
		{Method: post, Pattern: "/api/v1/reports/{id}/actions", Perm: manage, Handler: a.actionCreate, API: true, IDKind: "assessment",
			Doc: &httpx.Doc{Summary: "Turn a recommendation of the report into a task of the action plan", Tag: "actions", Request: "NewAction", Response: "Action"}},
		{Method: get, Pattern: "/api/v1/units/{id}/report", Perm: view, Handler: a.departmentReport, API: true, IDKind: "unit",
			Doc: &httpx.Doc{Summary: "The management report of one of the caller's departments", Tag: "reports", Response: "DepartmentReport",
				Params: []httpx.Param{assessment, lang}}},
		{Method: get, Pattern: "/api/v1/units/{id}/report/export", Perm: view, Handler: a.departmentExport, API: true, IDKind: "unit",
			Doc: &httpx.Doc{Summary: "The management report as PDF, XLSX, CSV or JSON", Tag: "reports", Params: []httpx.Param{format, assessment, lang}}},
		{Method: get, Pattern: "/api/v1/actions", Perm: view, Handler: a.actionList, API: true,
			Doc: &httpx.Doc{Summary: "The caller's organisation's action plan", Tag: "actions", Response: "Action", Array: true}},
		{Method: get, Pattern: "/api/v1/national", Perm: national, Handler: a.national, API: true,
			Doc: &httpx.Doc{Summary: "The centre's national report: participation and anonymous aggregates (groups of at least k members) per round", Tag: "national", Response: "NationalReport",
				Params: []httpx.Param{round, lang}}},
		{Method: get, Pattern: "/api/v1/national/export", Perm: national, Handler: a.nationalExport, API: true,
			Doc: &httpx.Doc{Summary: "The national report as PDF, XLSX, CSV or JSON (aggregates only)", Tag: "national", Params: []httpx.Param{format, round, lang}}},
	}
}

// resultsSchemas are the results API's schemas (wired in schemas).
func resultsSchemas() map[string]any {
	schemas := map[string]any{}
	num := map[string]any{"type": []string{"number", "null"}}
	schemas["ReportSummary"] = obj(map[string]any{"assessment_id": integer(), "year": integer(), "round": str(""), "status": str(""),
		"overall": num}, "assessment_id", "year")
	area := obj(map[string]any{"area_id": str(""), "title": str(""), "score": num, "target": map[string]any{"type": "number"}, "gap": num,
		"answered": integer(), "total": integer(), "dont_know": integer(), "below_target": boolean()}, "area_id")
	summary := obj(map[string]any{"n": integer(), "p10": num, "q1": num, "median": num, "q3": num, "p90": num, "mean": num}, "n")
	schemas["MemberReport"] = obj(map[string]any{
		"organisation": str(""), "assessment_id": integer(), "year": integer(), "round": str(""), "framework": str(""), "framework_version": str(""),
		"final": boolean(), "overall": num, "target": map[string]any{"type": "number"}, "gap": num,
		"areas":            map[string]any{"type": "array", "items": area},
		"trend":            map[string]any{"type": "array", "items": obj(map[string]any{"year": integer(), "round": str(""), "point": map[string]any{"type": "object"}})},
		"benchmark":        map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"benchmark_status": enum("shown", "open", "none"),
		"composition": obj(map[string]any{"members": integer(), "submitted": integer(), "opted_out": integer(), "included": integer(), "dependent": integer(), "computed": boolean(),
			"since": str("date")}, "members"),
		"recommendations": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"follow_ups":      map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"actions":         map[string]any{"type": "array", "items": ref("Action")},
		"earlier_actions": map[string]any{"type": "array", "items": ref("Action")},
	}, "assessment_id", "areas")
	schemas["DepartmentReport"] = obj(map[string]any{"organisation": str(""), "unit_id": integer(), "unit": str(""), "assessment_id": integer(),
		"year": integer(), "takes_part": boolean(), "areas": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"recommendations": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"systems":         map[string]any{"type": "object"}, "actions": map[string]any{"type": "array", "items": ref("Action")}}, "unit_id")
	schemas["Action"] = obj(map[string]any{"id": integer(), "assessment_id": integer(), "year": integer(), "question_id": str(""), "unit_id": integer(),
		"title": str(""), "owner_id": integer(), "owner": str(""), "due": str("date"), "status": enum(vaern.ActionStatuses...), "note": str(""),
		"done_at": str("date-time")}, "id", "title", "status")
	schemas["NewAction"] = obj(map[string]any{"question_id": str(""), "unit_id": integer(), "title": str(""), "owner_id": integer(),
		"due": str("date"), "status": enum(vaern.ActionStatuses...), "note": str("")}, "title")
	schemas["NationalReport"] = obj(map[string]any{"k": integer(), "rounds": map[string]any{"type": "array", "items": obj(map[string]any{
		"RoundID": integer(), "Year": integer(), "Title": str(""), "Invited": integer(), "Submitted": integer(), "Included": integer(), "OptedOut": integer(),
		"Dependent": integer(),
		"aggregates": map[string]any{"type": "array", "items": obj(map[string]any{"group": str(""), "area": str(""), "suppressed": boolean(),
			"summary": summary})}})}}, "k", "rounds")
	return schemas
}

func (a *API) builder() *report.Builder { return &report.Builder{St: a.st, K: a.cfg.BenchmarkK} }

func (a *API) localizer(r *http.Request, p *vaern.Principal) *i18n.Localizer {
	cat := a.cfg.Catalog
	if cat == nil {
		var err error
		if cat, err = i18n.Load(); err != nil {
			panic(err)
		}
		a.cfg.Catalog = cat
	}
	l := i18n.Normalize(r.URL.Query().Get("lang"))
	if l == "" {
		l = p.User.Lang
	}
	if l == "" {
		l = "en"
	}
	return cat.For(l)
}

func (a *API) reportList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := a.st.Assessments(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	hist, err := a.st.AssessmentHistory(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	overall := map[int64]*float64{}
	for _, h := range hist {
		overall[h.AssessmentID] = h.Overall
	}
	type row struct {
		ID      int64    `json:"assessment_id"`
		Year    int      `json:"year"`
		Round   string   `json:"round"`
		Status  string   `json:"status"`
		Overall *float64 `json:"overall"`
	}
	out := []row{}
	for _, x := range list {
		out = append(out, row{x.ID, x.Round.Year, x.Round.Title, x.Status, overall[x.ID]})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) memberReport(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	m, err := a.builder().Member(r.Context(), a.localizer(r, p), p.Org, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, m.JSON())
}

func exportFormat(w http.ResponseWriter, r *http.Request) (string, bool) {
	f, err := httpx.ChoiceParam(r.URL.Query(), "format", "pdf", report.Formats...)
	if err != nil {
		httpx.WriteError(w, r, err)
		return "", false
	}
	return f, true
}

func (a *API) memberExport(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	format, ok := exportFormat(w, r)
	if !ok {
		return
	}
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	b := a.builder()
	m, err := b.Member(r.Context(), a.localizer(r, p), p.Org, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	doc, err := b.MemberDoc(r.Context(), m)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := report.Write(w, format, doc, m.JSON(), report.FileName(p.Org.Name, strconv.Itoa(m.Assessment.Round.Year))); err != nil {
		httpx.WriteError(w, r, err)
	}
}

func (a *API) department(w http.ResponseWriter, r *http.Request) (*report.Department, *report.Builder, bool) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return nil, nil, false
	}
	aid, err := httpx.IntParam(r.URL.Query(), "assessment", 0)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	b := a.builder()
	d, err := b.Department(r.Context(), a.localizer(r, p), p.Org, id, aid)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	return d, b, true
}

func (a *API) departmentReport(w http.ResponseWriter, r *http.Request) {
	if d, _, ok := a.department(w, r); ok {
		httpx.WriteJSON(w, http.StatusOK, report.DepartmentJSONOf(d))
	}
}

func (a *API) departmentExport(w http.ResponseWriter, r *http.Request) {
	format, ok := exportFormat(w, r)
	if !ok {
		return
	}
	d, b, ok := a.department(w, r)
	if !ok {
		return
	}
	if err := report.Write(w, format, b.DepartmentDoc(d), report.DepartmentJSONOf(d), report.FileName(d.Org.Name, d.Unit.Name)); err != nil {
		httpx.WriteError(w, r, err)
	}
}

func (a *API) actionList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := a.st.Actions(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, report.ActionsJSON(list))
}

type newActionJSON struct {
	QuestionID string `json:"question_id"`
	UnitID     int64  `json:"unit_id"`
	Title      string `json:"title"`
	OwnerID    int64  `json:"owner_id"`
	Due        string `json:"due"`
	Status     string `json:"status"`
	Note       string `json:"note"`
}

func (a *API) actionCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	var in newActionJSON
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		httpx.WriteProblem(w, r, http.StatusBadRequest, "the body is not a valid NewAction JSON object: "+err.Error())
		return
	}
	x := vaern.Action{AssessmentID: id, QuestionID: strings.TrimSpace(in.QuestionID), UnitID: in.UnitID, Title: in.Title, OwnerID: in.OwnerID,
		Status: in.Status, Note: in.Note}
	if in.Due != "" {
		t, err := time.Parse("2006-01-02", in.Due)
		if err != nil {
			httpx.WriteError(w, r, vaern.Invalid("due", "must be a date written as YYYY-MM-DD"))
			return
		}
		x.Due = t
	}
	x, err := a.st.CreateAction(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, x)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	saved, err := a.st.Action(r.Context(), p.Org.ID, x.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, report.ActionsJSON([]vaern.Action{saved})[0])
}

func (a *API) nationalReport(w http.ResponseWriter, r *http.Request) (*report.National, *report.Builder, bool) {
	p := httpx.PrincipalFrom(r.Context())
	round, err := httpx.IntParam(r.URL.Query(), "round", 0)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	b := a.builder()
	n, err := b.National(r.Context(), a.localizer(r, p), p.Org, round)
	if err != nil {
		httpx.WriteError(w, r, err)
		return nil, nil, false
	}
	return n, b, true
}

func (a *API) national(w http.ResponseWriter, r *http.Request) {
	if n, _, ok := a.nationalReport(w, r); ok {
		if n.Rounds == nil {
			n.Rounds = []report.NationalRound{}
		}
		httpx.WriteJSON(w, http.StatusOK, n)
	}
}

func (a *API) nationalExport(w http.ResponseWriter, r *http.Request) {
	format, ok := exportFormat(w, r)
	if !ok {
		return
	}
	n, b, ok := a.nationalReport(w, r)
	if !ok {
		return
	}
	name := "national"
	if n.Round != nil {
		name += "-" + strconv.Itoa(n.Round.Year)
	}
	if err := report.Write(w, format, b.NationalDoc(n), n, report.FileName(n.Centre.Name, name)); err != nil {
		httpx.WriteError(w, r, err)
	}
}
