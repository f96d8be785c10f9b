package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/httpx"
)

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
