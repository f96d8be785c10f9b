package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

// SensorTokenPrefix starts every sensor ingest token, so that one is told from an API token.
const SensorTokenPrefix = "vs_"

// snCreate registers a sensor and shows its token once, on the answer itself: it is never put in
// a URL, a cookie or the database (only its hash is stored).
func (s *Server) snCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	token, hash := auth.NewToken(SensorTokenPrefix)
	sn, err := s.st.CreateSensor(r.Context(), p.Actor(s.clientIP(r)),
		vaern.Sensor{OrgID: p.Org.ID, Name: r.PostForm.Get("name"), Site: r.PostForm.Get("site")}, hash)
	if err != nil {
		s.refill(w, r, err, "sensors_list", true, func() (*Page, error) { return s.snListPage(w, r) })
		return
	}
	pg, err := s.snListPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := pg.Data.(snListData)
	d.Token, d.NewName = token, sn.Name
	pg.Data = d
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "sensors_list", pg)
}

func (s *Server) snRevoke(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := s.st.RevokeSensor(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/sensors", "flash.sn_revoked")
}
