package web

import (
	"net/http"

	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The centre's view of its members' sensors: counts only (sensors, active, last seen, alerts in
// 24 hours), never a member's alert details. Pseudonymised details are the early-warning views'.

func (s *Server) snCentreHealth(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sensors_centre", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		list, err := s.st.SensorHealthByMember(r.Context(), p.Org.ID)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "sn.centre.title", struct{ Members []store.SensorHealth }{list}), nil
	})
}
