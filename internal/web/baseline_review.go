package web

import (
	"net/http"
)

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
