package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/vaern/vaern/internal/baseline"
)

func (s *Server) baselineSubmit(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// The store refuses, inside its transaction, an assessment that is closed for changes or has
	// an answer missing or not approved (baseline.Submittable).
	err2 := s.st.SubmitAssessment(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID)
	var ue *baseline.UnapprovedError
	if errors.As(err2, &ue) {
		// Say how many answers still stand in the way, next to the submit button.
		pg, err := s.overviewPage(w, r)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		// Say at the top of the page what is missing; the submit section lists where, with links.
		pg.Errors = map[string]string{"assessment": pg.L.T("rules.submit.unapproved", ue.Missing)}
		pg.Error = pg.L.T("rv.submit_blocked_alert", ue.Missing)
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
