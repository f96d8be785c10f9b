package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

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
	if wantsJSON(r) {
		s.baselineAutosave(w, r)
		return
	}
	ctx := r.Context()
	x, q, unit, ok := s.answerForm(w, r)
	if !ok {
		return
	}
	// The store checks, inside its transaction, that the assessment takes changes, that this
	// person may answer this question (baseline.MayAnswer) and that the value is valid.
	_, err := s.st.SaveAnswer(ctx, x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, store.AnswerInput{
		QuestionID: q.ID, UnitID: unit, Value: r.PostForm.Get("value"), Comment: strings.TrimSpace(r.PostForm.Get("comment")),
	})
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	answerBack(w, r, x, q, unit, "bl.flash.saved", s)
}

// baselineAutosave is a save from the autosave script, the busiest request there is. It does not
// read the assessment first: the store checks everything inside its transaction (the assessment
// is the organisation's and takes changes, the question is the framework's, the unit fits its
// scope and is the organisation's, the person may answer it, the value is valid), with the same
// answers (404 for a foreign assessment or unit, 422 naming the field), so a save costs one query
// fewer.
func (s *Server) baselineAutosave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.answerErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.answerErr(w, r, vaern.Invalid("form", "could not be read"))
		return
	}
	unit, _ := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
	// The session may come from the cache (session_cache.go): the save checks it in its transaction.
	check := s.sessionCheck(p)
	ans, err := s.st.SaveAnswer(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, store.AnswerInput{
		QuestionID: r.PostForm.Get("q"), UnitID: unit, Value: r.PostForm.Get("value"), Comment: strings.TrimSpace(r.PostForm.Get("comment")),
		Session: check,
	})
	if errors.Is(err, vaern.ErrUnauthorized) && check != nil {
		s.scache.drop(check.ID)
		httpx.WriteProblem(w, r, http.StatusUnauthorized, "sign in again")
		return
	}
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"id": ans.ID, "version": ans.Version, "status": ans.Status,
		"saved_at": ans.AnsweredAt.Format(time.RFC3339)})
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
