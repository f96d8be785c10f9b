package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/httpx"
)

func (s *Server) settings(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "settings", s.page(w, r, "settings.title", nil))
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	on := formChecked(r.PostForm, "require_2fa", p.Org.Require2FA)
	if err := s.st.SetRequire2FA(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, on); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/org/settings", "flash.saved")
}
