package web

import (
	"errors"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

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
	unit, ok := s.intParam(w, r, "unit", 0)
	if !ok {
		return
	}
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
