package web

import (
	"net/http"
	"strconv"
)

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
