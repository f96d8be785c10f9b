package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// notificationsShown is how many of a person's newest notifications the page lists.
const notificationsShown = 200

type notificationsData struct {
	Items []vaern.Notification
}

// notifications lists what Værn has told the signed-in person in this organisation.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "notifications", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		items, err := s.st.Notifications(r.Context(), p.Org.ID, p.User.ID, notificationsShown)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "nt.title", notificationsData{Items: items}), nil
	})
}
