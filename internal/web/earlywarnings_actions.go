package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// The analyst's decisions on an early warning: a draft advisory to all members (TLP:AMBER), which
// they review and publish through the warnings module's own pages, or a dismissal with a reason.

func (s *Server) ewAdvise(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	ew, id, ok := orgObject(s, w, r, s.st.EarlyWarning)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	// The advisory's form offers to share the indicator with the members' sensors too, with the
	// share's defaults (TLP:AMBER to all members, as the advisory): one decision, one transaction.
	var share *store.EarlyShare
	if r.PostForm.Get("share_indicator") != "" && ewShareable(ew) {
		sh := ewDefaultShare(ew, s.st.Now())
		share = &sh
	}
	advID, err := s.st.AdviseEarlyWarningShare(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, correlate.DraftAdvisory(s.cat, ew, notify.Zone), share)
	if err != nil {
		s.refill(w, r, err, "correlate_warning", true, func() (*Page, error) { return s.ewWarningPage(w, r) })
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

// Sharing an early warning's indicator with the members' sensors: a label (AMBER by default),
// all members or only those whose sensors saw it, a confidence and an expiry (30 days by
// default). The indicator then is in every export those members' sensors pull.

// ewShareable says whether the early warning's indicator can still be shared: the indicator
// store has a type for its kind and the analyst has not judged it harmless.
func ewShareable(ew vaern.EarlyWarning) bool {
	return store.EarlyIndicatorType(ew.Kind) != "" && ew.Status != vaern.EarlyDismissed && ew.Status != vaern.EarlySuppressed
}

func ewDefaultShare(ew vaern.EarlyWarning, now time.Time) store.EarlyShare {
	return store.DefaultEarlyShare(correlate.IndicatorDescription(ew), now)
}

// ewReadShare reads the share form; an empty field takes its default.
func ewReadShare(f url.Values, ew vaern.EarlyWarning, now time.Time) (store.EarlyShare, error) {
	return store.ReadEarlyShare(f.Get, correlate.IndicatorDescription(ew), now)
}

func (s *Server) ewShare(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	ew, id, ok := orgObject(s, w, r, s.st.EarlyWarning)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	sh, err := ewReadShare(r.PostForm, ew, s.st.Now())
	var res store.EarlyShared
	if err == nil {
		res, err = s.st.ShareEarlyWarning(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, sh)
	}
	if err != nil {
		s.refill(w, r, err, "correlate_warning", true, func() (*Page, error) { return s.ewWarningPage(w, r) })
		return
	}
	flash := "ew.flash.shared"
	if !res.Created {
		flash = "ew.flash.share_linked"
	}
	s.redirect(w, r, fmt.Sprintf("/centre/early-warnings/%d", id), flash)
}
