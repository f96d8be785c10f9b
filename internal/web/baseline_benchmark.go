package web

import (
	"net/http"
	"strconv"
)

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
