package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/httpx"
)

// notificationRead marks one of the person's notifications read; anyone else's is not found.
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.MarkNotificationRead(r.Context(), p.Org.ID, p.User.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications", "flash.nt_read")
}

// notificationsReadAll marks every notification of the person in this organisation read.
func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if _, err := s.st.MarkAllNotificationsRead(r.Context(), p.Org.ID, p.User.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications", "flash.nt_all_read")
}
