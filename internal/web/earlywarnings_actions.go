package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
)

// The analyst's decisions on an early warning: a draft advisory to all members (TLP:AMBER), which
// they review and publish through the warnings module's own pages, or a dismissal with a reason.

func (s *Server) ewAdvise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ew, err := s.st.EarlyWarning(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	advID, err := s.st.AdviseEarlyWarning(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, correlate.DraftAdvisory(s.cat, ew, notify.Zone))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, fmt.Sprintf("/centre/advisories/%d", advID), "ew.flash.advised")
}

func (s *Server) ewDismiss(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.st.DismissEarlyWarning(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, strings.TrimSpace(r.PostForm.Get("reason")))
	if err != nil {
		s.refill(w, r, err, "correlate_warning", true, func() (*Page, error) { return s.ewWarningPage(w, r) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/centre/early-warnings/%d", id), "ew.flash.dismissed")
}
