package web

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
)

type areaData struct {
	X         *assessment
	Area      *framework.Area
	Unit      int64
	UnitName  string
	Splice    template.HTML // where the pre-rendered questions go
	Count     int
	Pending   int        // answers on the page waiting for approval, for the bulk approval
	UnitLinks []Progress // unit questions of this area, per answering unit
	// Tabs are the focus areas to move between. On a unit's page they are the areas with unit
	// questions, and every link keeps the unit, so that a respondent answering for a department
	// stays on pages they can answer instead of landing on the organisation's read-only ones.
	Tabs []*framework.Area
	Prev *framework.Area
	Next *framework.Area
}

// areaTabs returns the areas to offer on the page of area for unit (0: the organisation) and the
// ones before and after it.
func areaTabs(f *framework.Framework, area *framework.Area, unit int64) (tabs []*framework.Area, prev, next *framework.Area) {
	for _, a := range f.Areas {
		if unit == 0 || a.ID == area.ID || hasUnitQuestions(a) {
			tabs = append(tabs, a)
		}
	}
	for i, a := range tabs {
		if a.ID == area.ID {
			if i > 0 {
				prev = tabs[i-1]
			}
			if i+1 < len(tabs) {
				next = tabs[i+1]
			}
		}
	}
	return tabs, prev, next
}

func hasUnitQuestions(a *framework.Area) bool {
	for _, q := range a.Questions {
		if q.Scope == framework.ScopeUnit {
			return true
		}
	}
	return false
}

// baselineArea is the page where questions are answered: one focus area, for the organisation
// (unit=0) or for one unit.
func (s *Server) baselineArea(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, pd, r, err := s.loadAssessmentPage(r, true)
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
	unit, ok := s.intParam(w, r, "unit", 0)
	if !ok {
		return
	}
	if unit != 0 {
		if _, ok := x.UnitName[unit]; !ok {
			s.notFound(w, r)
			return
		}
	}
	ev := pd.Evidence
	am := answerMap(pd.Answers)
	manage := vaern.Can(x.P.Role, vaern.PermBaselineManage) && x.Editable
	d := &areaData{X: x, Area: area, Unit: unit, UnitName: x.UnitName[unit]}
	var views []answerView
	for _, qq := range area.Questions {
		if (qq.Scope == framework.ScopeUnit) != (unit != 0) {
			continue
		}
		a := am[slotKey{qq.ID, unit}]
		may := x.Editable && baseline.MayAnswer(x.P, x.Mine, x.F, qq, unit) && (a.Status != vaern.AnswerApproved || manage)
		views = append(views, answerView{Q: qq, Unit: unit, Answer: a, Evidence: ev[a.ID], MayAnswer: may, MayReview: manage, Assessment: x.A.ID})
		if manage && a.Status == vaern.AnswerAnswered && a.Value != "" {
			d.Pending++
		}
	}
	if unit == 0 && hasUnitQuestions(area) {
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
	d.Tabs, d.Prev, d.Next = areaTabs(x.F, area, unit)
	pg := s.page(w, r, "bl.area_title", d)
	d.Splice, d.Count = spliceMark, len(views)
	key := areaPartKeyFor(x.Info, x.A.ID, pd.AnswersVersion, pg.L.Lang, area.ID, unit, views)
	if kept := s.acache.get(key); kept != nil {
		s.renderSplice(w, r, http.StatusOK, "baseline_area", pg, kept)
		return
	}
	part := bufs.Get().(*bytes.Buffer)
	part.Reset()
	defer func() {
		if part.Cap() < 4<<20 {
			bufs.Put(part)
		}
	}()
	s.renderQuestions(part, x.Info, x.F, pg.L, views)
	s.acache.put(key, part.Bytes())
	s.renderSplice(w, r, http.StatusOK, "baseline_area", pg, part.Bytes())
}
