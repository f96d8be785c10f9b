package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/store"
)

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
	if missing > 0 && x.Editable {
		// Say at the top of the page what is missing; the submit section lists where, with links.
		pg, err := s.overviewPage(w, r)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		pg.Error = pg.L.T("rv.submit_blocked_alert", missing)
		s.render(w, r, http.StatusUnprocessableEntity, "baseline_overview", pg)
		return
	}
	if err2 != nil {
		s.refill(w, r, err2, "baseline_overview", false, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	s.storeResult(r, x.P.Org.ID, x.A.ID)
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10), "bl.flash.submitted")
}
