package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/httpx"
)

func (s *Server) baselineList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.Assessments(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "baseline_list", s.page(w, r, "bl.title", map[string]any{"List": list, "Now": s.st.Now()}))
}
