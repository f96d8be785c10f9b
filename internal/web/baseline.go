package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// assessment is what every assessment page needs: the assessment, its framework, the
// organisation's units and, for a respondent, the delegations that reach them.
type assessment struct {
	P        *vaern.Principal
	A        vaern.Assessment
	Info     vaern.FrameworkInfo
	F        *framework.Framework
	Units    []vaern.Unit
	UnitName map[int64]string
	Mine     []vaern.Delegation
	Editable bool
	unitOf   func(id int64) bool // whether id is a unit of the organisation
}

// loadAssessment reads the assessment of the {id} in the path. Pages need the organisation's units
// too; actions that only check one unit (saving an answer) pass withUnits false and save the read.
func (s *Server) loadAssessment(r *http.Request) (*assessment, error) {
	return s.loadAssessmentUnits(r, true)
}

func (s *Server) loadAssessmentUnits(r *http.Request, withUnits bool) (*assessment, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	a, err := s.st.Assessment(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	info, f, err := s.st.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	x := &assessment{P: p, A: a, Info: info, F: f, UnitName: map[int64]string{}, Editable: a.Editable(s.st.Now())}
	x.unitOf = func(id int64) bool {
		_, err := s.st.Unit(ctx, p.Org.ID, id)
		return err == nil
	}
	if withUnits {
		units, err := s.st.Units(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		x.Units = units
		for _, u := range units {
			x.UnitName[u.ID] = u.Name
		}
		x.unitOf = func(id int64) bool { _, ok := x.UnitName[id]; return ok }
	}
	if p.Role == vaern.RoleRespondent {
		x.Mine, err = s.st.DelegationsTo(ctx, p.Org.ID, p.User.ID, p.UnitID)
		if err != nil {
			return nil, err
		}
		var mine []vaern.Delegation
		for _, d := range x.Mine {
			if d.AssessmentID == a.ID {
				mine = append(mine, d)
			}
		}
		x.Mine = mine
	}
	return x, nil
}

func (s *Server) baselineList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.Assessments(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "baseline_list", s.page(w, r, "bl.title", map[string]any{"List": list, "Now": s.st.Now()}))
}

// Progress counts the answers of one focus area or unit.
type Progress struct {
	Key, Name                            string
	Total, Answered, Approved, Returned  int
	PctAnswered, PctApproved, UnitAnswer int64
}

type overviewData struct {
	X           *assessment
	Areas       []Progress
	UnitsProg   []Progress
	All         Progress
	Delegations []vaern.Delegation
	Answering   map[int64]bool
	Tree        []vaern.UnitNode
	People      []vaern.Member
	Complete    bool
	Today       string
}

func countProgress(p *Progress, a vaern.Answer, ok bool) {
	p.Total++
	if ok && a.Value != "" {
		p.Answered++
		switch a.Status {
		case vaern.AnswerApproved:
			p.Approved++
		case vaern.AnswerReturned:
			p.Returned++
		}
	}
}

func finishProgress(p *Progress) {
	if p.Total > 0 {
		p.PctAnswered = int64(p.Answered * 100 / p.Total)
		p.PctApproved = int64(p.Approved * 100 / p.Total)
	}
}

type slotKey struct {
	q    string
	unit int64
}

func answerMap(answers []vaern.Answer) map[slotKey]vaern.Answer {
	m := make(map[slotKey]vaern.Answer, len(answers))
	for _, a := range answers {
		m[slotKey{a.QuestionID, a.UnitID}] = a
	}
	return m
}

func (s *Server) baselineOverview(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "baseline_overview", s.overviewPage)
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	x, err := s.loadAssessment(r)
	if err != nil {
		return nil, err
	}
	ad, err := s.loadAnswered(ctx, x.P.Org.ID, x.A)
	if err != nil {
		return nil, err
	}
	dels, units := ad.Delegations, ad.Units
	am := answerMap(ad.Answers)
	d := &overviewData{X: x, Delegations: dels, Answering: map[int64]bool{}, Tree: vaern.UnitTree(x.Units), Today: s.st.Now().Format("2006-01-02")}
	for _, u := range x.A.Units {
		d.Answering[u] = true
	}
	areaIdx := map[string]int{}
	for _, ar := range x.F.Areas {
		areaIdx[ar.ID] = len(d.Areas)
		d.Areas = append(d.Areas, Progress{Key: ar.ID, Name: ar.Title.Get(s.lang(r, x.P))})
	}
	unitIdx := map[int64]int{}
	for _, u := range units {
		unitIdx[u] = len(d.UnitsProg)
		d.UnitsProg = append(d.UnitsProg, Progress{Key: strconv.FormatInt(u, 10), Name: x.UnitName[u], UnitAnswer: u})
	}
	for _, sl := range baseline.Slots(x.F, units) {
		a, ok := am[slotKey{sl.Q.ID, sl.Unit}]
		ar, _ := x.F.AreaOf(sl.Q.ID)
		countProgress(&d.Areas[areaIdx[ar.ID]], a, ok)
		countProgress(&d.All, a, ok)
		if sl.Unit != 0 {
			countProgress(&d.UnitsProg[unitIdx[sl.Unit]], a, ok)
		}
	}
	for i := range d.Areas {
		finishProgress(&d.Areas[i])
	}
	for i := range d.UnitsProg {
		finishProgress(&d.UnitsProg[i])
	}
	finishProgress(&d.All)
	d.Complete = d.All.Total > 0 && d.All.Approved == d.All.Total
	if vaern.Can(x.P.Role, vaern.PermBaselineManage) {
		d.People, err = s.st.OrgUsers(ctx, x.P.Org.ID)
		if err != nil {
			return nil, err
		}
	}
	return s.page(w, r, "bl.overview_title", d), nil
}

type areaData struct {
	X         *assessment
	Area      *framework.Area
	Unit      int64
	UnitName  string
	Splice    template.HTML // where the pre-rendered questions go
	Count     int
	UnitLinks []Progress // unit questions of this area, per answering unit
	Prev      *framework.Area
	Next      *framework.Area
}

// answered is an assessment's answers and delegations, and the units that answer its unit
// questions.
type answered struct {
	Answers     []vaern.Answer
	Delegations []vaern.Delegation
	Units       []int64
}

func (s *Server) loadAnswered(ctx context.Context, orgID int64, a vaern.Assessment) (answered, error) {
	var x answered
	var err error
	if x.Answers, err = s.st.Answers(ctx, orgID, a.ID); err != nil {
		return x, err
	}
	if x.Delegations, err = s.st.Delegations(ctx, orgID, a.ID); err != nil {
		return x, err
	}
	x.Units = baseline.AnsweringUnits(a, x.Delegations)
	return x, nil
}

// assessmentProgress counts how far an assessment is: answers given and approved of all it needs.
func (s *Server) assessmentProgress(ctx context.Context, orgID int64, a vaern.Assessment) (Progress, error) {
	var pr Progress
	_, f, err := s.st.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return pr, err
	}
	ad, err := s.loadAnswered(ctx, orgID, a)
	if err != nil {
		return pr, err
	}
	am := answerMap(ad.Answers)
	for _, sl := range baseline.Slots(f, ad.Units) {
		ans, ok := am[slotKey{sl.Q.ID, sl.Unit}]
		countProgress(&pr, ans, ok)
	}
	finishProgress(&pr)
	return pr, nil
}

// baselineArea is the page where questions are answered: one focus area, for the organisation
// (unit=0) or for one unit.
func (s *Server) baselineArea(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q := r.URL.Query()
	area, ok := x.F.Area(q.Get("a"))
	if !ok {
		s.notFound(w, r)
		return
	}
	unit, _ := strconv.ParseInt(q.Get("unit"), 10, 64)
	if unit != 0 {
		if _, ok := x.UnitName[unit]; !ok {
			s.notFound(w, r)
			return
		}
	}
	answers, err := s.st.Answers(ctx, x.P.Org.ID, x.A.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	ev, err := s.st.EvidenceFor(ctx, x.P.Org.ID, x.A.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	am := answerMap(answers)
	manage := vaern.Can(x.P.Role, vaern.PermBaselineManage) && x.Editable
	d := &areaData{X: x, Area: area, Unit: unit, UnitName: x.UnitName[unit]}
	var views []answerView
	hasUnitQuestions := false
	for _, qq := range area.Questions {
		if qq.Scope == framework.ScopeUnit {
			hasUnitQuestions = true
		}
		if (qq.Scope == framework.ScopeUnit) != (unit != 0) {
			continue
		}
		a := am[slotKey{qq.ID, unit}]
		may := x.Editable && baseline.MayAnswer(x.P, x.Mine, x.F, qq, unit) && (a.Status != vaern.AnswerApproved || manage)
		views = append(views, answerView{Q: qq, Unit: unit, Answer: a, Evidence: ev[a.ID], MayAnswer: may, MayReview: manage, Assessment: x.A.ID})
	}
	if unit == 0 && hasUnitQuestions {
		dels, err := s.st.Delegations(ctx, x.P.Org.ID, x.A.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, u := range baseline.AnsweringUnits(x.A, dels) {
			pr := Progress{Key: strconv.FormatInt(u, 10), Name: x.UnitName[u], UnitAnswer: u}
			for _, qq := range area.Questions {
				if qq.Scope == framework.ScopeUnit {
					a, ok := am[slotKey{qq.ID, u}]
					countProgress(&pr, a, ok)
				}
			}
			finishProgress(&pr)
			d.UnitLinks = append(d.UnitLinks, pr)
		}
	}
	for i, a := range x.F.Areas {
		if a.ID == area.ID {
			if i > 0 {
				d.Prev = x.F.Areas[i-1]
			}
			if i+1 < len(x.F.Areas) {
				d.Next = x.F.Areas[i+1]
			}
		}
	}
	pg := s.page(w, r, "bl.area_title", d)
	d.Splice, d.Count = spliceMark, len(views)
	s.renderSplice(w, r, http.StatusOK, "baseline_area", pg, s.renderQuestions(x.Info, x.F, pg.L, views))
}

// wantsJSON tells the autosave script's requests from plain form posts.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// answerBack sends a plain form post back to the question it came from.
func answerBack(w http.ResponseWriter, r *http.Request, x *assessment, q *framework.Question, unit int64, flash string, s *Server) {
	area, _ := x.F.AreaOf(q.ID)
	v := url.Values{"a": {area.ID}}
	if unit != 0 {
		v.Set("unit", strconv.FormatInt(unit, 10))
	}
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10)+"/area?"+v.Encode()+"#"+domID(q.ID, unit), flash)
}

// slotFromForm reads the question and unit a form is about and checks they belong to the assessment.
func (x *assessment) slotFromForm(r *http.Request) (*framework.Question, int64, error) {
	q, ok := x.F.Question(r.PostForm.Get("q"))
	if !ok {
		return nil, 0, vaern.Invalid("q", "is not a question of this framework")
	}
	unit, _ := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	if (q.Scope == framework.ScopeUnit) != (unit != 0) {
		return nil, 0, vaern.Invalid("unit", "does not fit the question's scope")
	}
	if unit != 0 && !x.unitOf(unit) {
		return nil, 0, vaern.ErrNotFound
	}
	return q, unit, nil
}

// answerForm reads what an answer action is about: the assessment in the path and the question and
// unit in the posted form. It answers the request itself when something is wrong.
func (s *Server) answerForm(w http.ResponseWriter, r *http.Request) (*assessment, *framework.Question, int64, bool) {
	x, err := s.loadAssessmentUnits(r, false)
	if err != nil {
		s.answerErr(w, r, err)
		return nil, nil, 0, false
	}
	if err := r.ParseForm(); err != nil {
		s.answerErr(w, r, vaern.Invalid("form", "could not be read"))
		return nil, nil, 0, false
	}
	q, unit, err := x.slotFromForm(r)
	if err != nil {
		s.answerErr(w, r, err)
		return nil, nil, 0, false
	}
	return x, q, unit, true
}

// baselineSave saves one answer: by plain form post (then back to the page) or by the autosave
// script (then a small JSON answer).
func (s *Server) baselineSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, q, unit, ok := s.answerForm(w, r)
	if !ok {
		return
	}
	if !x.Editable {
		s.answerErr(w, r, store.ErrLocked)
		return
	}
	if !baseline.MayAnswer(x.P, x.Mine, x.F, q, unit) {
		s.answerErr(w, r, vaern.ErrForbidden)
		return
	}
	value := r.PostForm.Get("value")
	if err := baseline.ValidValue(q, x.F, value); err != nil {
		s.answerErr(w, r, vaern.Invalid("value", "%s", err.Error()))
		return
	}
	ans, err := s.st.SaveAnswer(ctx, x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, store.AnswerInput{
		QuestionID: q.ID, UnitID: unit, Value: value, Comment: strings.TrimSpace(r.PostForm.Get("comment")),
		Coordinator: x.P.Role == vaern.RoleCoordinator,
	})
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if wantsJSON(r) {
		httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": ans.ID, "version": ans.Version, "status": ans.Status,
			"saved_at": ans.AnsweredAt.Format(time.RFC3339)})
		return
	}
	answerBack(w, r, x, q, unit, "bl.flash.saved", s)
}

// answerErr answers a failed answer action: JSON problem for the autosave script, the error page or
// the flash message otherwise.
func (s *Server) answerErr(w http.ResponseWriter, r *http.Request, err error) {
	var ve *vaern.ValidationError
	if wantsJSON(r) {
		if errors.As(err, &ve) {
			httpx.WriteProblem(w, r, http.StatusUnprocessableEntity, ve.Error(), httpx.ProblemField{Field: ve.Field, Message: ve.Message})
			return
		}
		httpx.WriteError(w, r, err)
		return
	}
	if errors.As(err, &ve) {
		pg := s.page(w, r, "error.title", map[string]any{"Status": http.StatusUnprocessableEntity, "Message": ""})
		formError(pg, err)
		pg.Error = pg.L.T("form.has_errors") + " " + pg.L.T("field."+ve.Field) + ": " + pg.Errors[ve.Field]
		s.render(w, r, http.StatusUnprocessableEntity, "error", pg)
		return
	}
	s.failErr(w, r, err)
}

func (s *Server) baselineReview(w http.ResponseWriter, r *http.Request) {
	x, q, unit, ok := s.answerForm(w, r)
	if !ok {
		return
	}
	approve := r.PostForm.Get("action") == "approve"
	if err := s.st.ReviewAnswer(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, q.ID, unit, approve, r.PostForm.Get("review_comment")); err != nil {
		s.answerErr(w, r, err)
		return
	}
	flash := "bl.flash.returned"
	if approve {
		flash = "bl.flash.approved"
	}
	answerBack(w, r, x, q, unit, flash, s)
}

type historyData struct {
	X       *assessment
	Q       *framework.Question
	Unit    int64
	Changes []vaern.AnswerChange
	Labels  map[string]string
}

func (s *Server) baselineHistory(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q, ok := x.F.Question(r.URL.Query().Get("q"))
	if !ok {
		s.notFound(w, r)
		return
	}
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	d := &historyData{X: x, Q: q, Unit: unit, Labels: map[string]string{}}
	a, err := s.st.AnswerFor(r.Context(), x.P.Org.ID, x.A.ID, q.ID, unit)
	if err == nil {
		d.Changes, err = s.st.AnswerHistory(r.Context(), x.P.Org.ID, a.ID)
	}
	if err != nil && !errors.Is(err, vaern.ErrNotFound) {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "bl.history_title", d)
	for _, c := range d.Changes {
		d.Labels[c.Value] = answerLabel(x.F, q, c.Value, pg.L)
	}
	s.render(w, r, http.StatusOK, "baseline_history", pg)
}

// baselineEvidence attaches an uploaded file or a link to an answer.
func (s *Server) baselineEvidence(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessmentUnits(r, false)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		s.answerErr(w, r, vaern.Invalid("file", "is larger than 10 MB or the upload was interrupted"))
		return
	}
	q, unit, err := x.slotFromForm(r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if !x.Editable || !baseline.MayAnswer(x.P, x.Mine, x.F, q, unit) {
		s.answerErr(w, r, vaern.ErrForbidden)
		return
	}
	a, err := s.st.AnswerFor(r.Context(), x.P.Org.ID, x.A.ID, q.ID, unit)
	if err != nil {
		s.answerErr(w, r, vaern.Invalid("q", "save an answer before adding evidence"))
		return
	}
	ev := vaern.Evidence{Kind: "link", URL: strings.TrimSpace(r.PostForm.Get("url"))}
	var data []byte
	if f, fh, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, store.MaxEvidenceSize+1))
		if err != nil {
			s.answerErr(w, r, vaern.Invalid("file", "could not be read"))
			return
		}
		ct := detectType(fh.Filename, data)
		ev = vaern.Evidence{Kind: "file", Name: filepath.Base(fh.Filename), ContentType: ct}
	} else if ev.URL == "" {
		s.answerErr(w, r, vaern.Invalid("file", "choose a file or give a link"))
		return
	}
	if _, err := s.st.AddEvidence(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, a.ID, ev, data); err != nil {
		s.answerErr(w, r, err)
		return
	}
	answerBack(w, r, x, q, unit, "bl.flash.evidence_added", s)
}

// detectType decides a file's type from its content, and from its extension only where content
// sniffing cannot tell the Office formats apart (they are all zip files).
func detectType(name string, data []byte) string {
	sniffed := http.DetectContentType(data)
	byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if base, _, _ := strings.Cut(byExt, ";"); base != "" {
		byExt = base
	}
	switch {
	case strings.HasPrefix(sniffed, "application/pdf"), strings.HasPrefix(sniffed, "image/png"), strings.HasPrefix(sniffed, "image/jpeg"):
		base, _, _ := strings.Cut(sniffed, ";")
		return base
	case sniffed == "application/zip" && strings.HasPrefix(byExt, "application/vnd."):
		return byExt
	case strings.HasPrefix(sniffed, "text/plain"):
		if byExt == "text/csv" {
			return byExt
		}
		return "text/plain"
	}
	return sniffed
}

func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	e, data, err := s.st.EvidenceFile(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if e.Kind == "link" {
		http.Redirect(w, r, e.URL, http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
}

func (s *Server) evidenceDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	// Respondents may only remove evidence they added; coordinators any.
	e, _, err := s.st.EvidenceFile(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if p.Role != vaern.RoleCoordinator && e.CreatedBy != p.User.ID {
		s.fail(w, r, http.StatusForbidden, "")
		return
	}
	if err := s.st.DeleteEvidence(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.answerErr(w, r, err)
		return
	}
	s.redirect(w, r, backTo(r, "/baseline"), "bl.flash.evidence_removed")
}

// backTo is the page on this site a form was posted from (its Referer), or fallback: actions that do
// not know their page (removing evidence or a delegation) send the user back where they were.
func backTo(r *http.Request, fallback string) string {
	u, err := url.Parse(r.Referer())
	if err != nil || r.Referer() == "" || u.Host != r.Host {
		return fallback
	}
	return u.RequestURI()
}

// ---- coordinator actions ----

func (s *Server) baselineUnits(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	var units []int64
	for _, v := range r.PostForm["unit"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			units = append(units, id)
		}
	}
	if err := s.st.SetAssessmentUnits(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, units); err != nil {
		s.refill(w, r, err, "baseline_overview", false, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10)+"#units", "flash.saved")
}

func (s *Server) baselineDelegate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	f := r.PostForm
	d := vaern.Delegation{AssessmentID: x.A.ID, Note: strings.TrimSpace(f.Get("note"))}
	scope := f.Get("scope") // "q:GOV-01", "a:GOV" or "dept"
	var err2 error
	switch {
	case strings.HasPrefix(scope, "q:"):
		d.ScopeKind, d.ScopeRef = vaern.DelegateQuestion, strings.TrimPrefix(scope, "q:")
		if _, ok := x.F.Question(d.ScopeRef); !ok {
			err2 = vaern.Invalid("scope", "is not a question of this framework")
		}
	case strings.HasPrefix(scope, "a:"):
		d.ScopeKind, d.ScopeRef = vaern.DelegateArea, strings.TrimPrefix(scope, "a:")
		if _, ok := x.F.Area(d.ScopeRef); !ok {
			err2 = vaern.Invalid("scope", "is not a focus area of this framework")
		}
	case scope == "dept":
		d.ScopeKind = vaern.DelegateDepartment
	default:
		err2 = vaern.Invalid("scope", "choose what to delegate")
	}
	assignee := f.Get("assignee") // "u:ID" (person) or "g:ID" (unit)
	var assigneeUser vaern.Member
	if err2 == nil {
		id, _ := strconv.ParseInt(assignee[min(2, len(assignee)):], 10, 64)
		switch {
		case strings.HasPrefix(assignee, "u:"):
			d.AssigneeUserID = id
			assigneeUser, err = s.st.OrgUser(ctx, x.P.Org.ID, id)
			if err != nil {
				err2 = vaern.Invalid("assignee", "is not a person in this organisation")
			}
			d.UnitID = assigneeUser.UnitID
		case strings.HasPrefix(assignee, "g:"):
			d.AssigneeUnitID, d.UnitID = id, id
		default:
			err2 = vaern.Invalid("assignee", "choose a person or a unit")
		}
	}
	if u, _ := strconv.ParseInt(f.Get("answer_unit"), 10, 64); u != 0 {
		d.UnitID = u
	}
	if err2 == nil {
		due, err := time.ParseInLocation("2006-01-02", f.Get("due"), time.Local)
		switch {
		case err != nil:
			err2 = vaern.Invalid("due", "is not a date")
		case due.Before(s.st.Now().Truncate(24 * time.Hour)):
			err2 = vaern.Invalid("due", "is in the past")
		default:
			d.Due = due.Add(24*time.Hour - time.Second)
		}
	}
	if err2 == nil && d.UnitID == 0 && (d.ScopeKind == vaern.DelegateDepartment) {
		err2 = vaern.Invalid("answer_unit", "say which unit's questions are delegated")
	}
	if err2 != nil {
		s.refill(w, r, err2, "baseline_overview", true, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	mails, err := s.delegationMails(r, x, d, assigneeUser)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if _, err := s.st.CreateDelegation(ctx, x.P.Actor(s.clientIP(r)), x.P.Org.ID, d, mails); err != nil {
		s.refill(w, r, err, "baseline_overview", true, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	s.wakeMail()
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10)+"#delegations", "bl.flash.delegated")
}

// delegationMails tells the delegate, or every person of the delegated unit, what they were given.
func (s *Server) delegationMails(r *http.Request, x *assessment, d vaern.Delegation, person vaern.Member) ([]vaern.Mail, error) {
	var to []vaern.Member
	if d.AssigneeUserID != 0 {
		to = []vaern.Member{person}
	} else {
		all, err := s.st.OrgUsers(r.Context(), x.P.Org.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range all {
			if m.UnitID == d.AssigneeUnitID {
				to = append(to, m)
			}
		}
	}
	var mails []vaern.Mail
	for _, m := range to {
		lang := m.Lang
		if lang == "" {
			lang = s.lang(r, x.P)
		}
		l := s.cat.For(lang)
		what := l.T("bl.scope.department")
		switch d.ScopeKind {
		case vaern.DelegateQuestion:
			q, _ := x.F.Question(d.ScopeRef)
			what = q.ID + " " + q.Text.Get(lang)
		case vaern.DelegateArea:
			a, _ := x.F.Area(d.ScopeRef)
			what = a.Title.Get(lang)
		}
		mails = append(mails, vaern.Mail{To: m.Email, Subject: l.T("bl.mail.delegated.subject", x.A.Round.Title),
			Body: l.T("bl.mail.delegated.body", x.P.User.Name, what, d.Due.Format("2006-01-02"), d.Note, s.link("/tasks"))})
	}
	return mails, nil
}

func (s *Server) delegationDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteDelegation(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, backTo(r, "/baseline"), "bl.flash.delegation_removed")
}

func (s *Server) baselineSubmit(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	ad, err := s.loadAnswered(r.Context(), x.P.Org.ID, x.A)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	am := answerMap(ad.Answers)
	missing := 0
	for _, sl := range baseline.Slots(x.F, ad.Units) {
		if a, ok := am[slotKey{sl.Q.ID, sl.Unit}]; !ok || a.Status != vaern.AnswerApproved {
			missing++
		}
	}
	var err2 error
	switch {
	case !x.Editable:
		err2 = store.ErrLocked
	case missing > 0:
		err2 = vaern.Invalid("assessment", "every answer must be approved before the assessment is submitted")
	default:
		err2 = s.st.SubmitAssessment(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID)
	}
	if err2 != nil {
		s.refill(w, r, err2, "baseline_overview", false, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	s.storeResult(r, x.P.Org.ID, x.A.ID)
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10), "bl.flash.submitted")
}

func (s *Server) baselineBenchmark(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	if err := s.st.SetBenchmarkOptOut(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, r.PostForm.Get("opt_out") == "on"); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10), "flash.saved")
}

// ---- my tasks ----

// Task is a delegation as its assignee sees it, with how much of it is done.
type Task struct {
	Delegation vaern.Delegation
	Assessment vaern.Assessment
	What       string
	Total      int
	Answered   int
	Returned   int
	Link       string
	Overdue    bool
}

func (s *Server) tasks(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	dels, err := s.st.DelegationsTo(ctx, p.Org.ID, p.User.ID, p.UnitID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "bl.tasks_title", nil)
	lang := pg.L.Lang
	now := s.st.Now()
	var list []Task
	cache := map[int64]*assessment{}
	answersBy := map[int64]map[slotKey]vaern.Answer{}
	for _, d := range dels {
		a, err := s.st.Assessment(ctx, p.Org.ID, d.AssessmentID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		x, ok := cache[a.ID]
		if !ok {
			info, f, err := s.st.Framework(ctx, a.Round.FrameworkID)
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			x = &assessment{P: p, A: a, Info: info, F: f}
			cache[a.ID] = x
			ans, err := s.st.Answers(ctx, p.Org.ID, a.ID)
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			answersBy[a.ID] = answerMap(ans)
		}
		t := Task{Delegation: d, Assessment: a, Overdue: now.After(d.Due) && a.Editable(now)}
		switch d.ScopeKind {
		case vaern.DelegateQuestion:
			if q, ok := x.F.Question(d.ScopeRef); ok {
				t.What = q.ID + " " + q.Text.Get(lang)
			}
		case vaern.DelegateArea:
			if ar, ok := x.F.Area(d.ScopeRef); ok {
				t.What = ar.Title.Get(lang)
			}
		default:
			t.What = pg.L.T("bl.scope.department")
		}
		first := ""
		for _, sl := range baseline.Slots(x.F, []int64{d.UnitID}) {
			if !baseline.Covers(d, x.F, sl.Q, sl.Unit) {
				continue
			}
			t.Total++
			an, ok := answersBy[a.ID][slotKey{sl.Q.ID, sl.Unit}]
			if ok && an.Value != "" {
				t.Answered++
				if an.Status == vaern.AnswerReturned {
					t.Returned++
				}
			}
			if first == "" {
				ar, _ := x.F.AreaOf(sl.Q.ID)
				v := url.Values{"a": {ar.ID}}
				if sl.Unit != 0 {
					v.Set("unit", strconv.FormatInt(sl.Unit, 10))
				}
				first = "/baseline/" + strconv.FormatInt(a.ID, 10) + "/area?" + v.Encode()
			}
		}
		t.Link = first
		list = append(list, t)
	}
	pg.Data = map[string]any{"Tasks": list}
	s.render(w, r, http.StatusOK, "baseline_tasks", pg)
}

// answerJSON is the API's shape of an answer.
type answerJSON struct {
	Question string `json:"question"`
	Unit     int64  `json:"unit_id,omitempty"`
	Value    string `json:"value"`
	Comment  string `json:"comment,omitempty"`
	Status   string `json:"status"`
}

var _ = json.Marshal
