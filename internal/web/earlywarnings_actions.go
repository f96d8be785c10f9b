package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
)

// The analyst's decisions on an early warning: a draft advisory to all members (TLP:AMBER), which
// they review and publish through the warnings module's own pages, or a dismissal with a reason.

// ewAdvisory is the draft advisory for an early warning, in the three languages.
func (s *Server) ewAdvisory(ew vaern.EarlyWarning) vaern.Advisory {
	adv := vaern.Advisory{TLP: "AMBER", Audience: "members", Severity: "high", Texts: map[string]vaern.AdvisoryText{}}
	first, last := ew.FirstSeen.In(notify.Zone).Format("2006-01-02 15:04"), ew.LastSeen.In(notify.Zone).Format("2006-01-02 15:04")
	sig := ew.Signature
	if sig == "" {
		sig = "–"
	}
	for _, lang := range []string{"da", "nb", "en"} {
		l := s.cat.For(lang)
		kind := l.T("ew.kind." + ew.Kind)
		t := vaern.AdvisoryText{
			Title:   l.T("ew.adv.title", kind, ewLabel(ew)),
			Summary: l.T("ew.adv.summary", ew.Members, kind, ew.Value, sig, first, last),
			Actions: l.T("ew.adv.actions", kind, ew.Value),
		}
		adv.Texts[lang] = t
	}
	en := adv.Texts["en"]
	adv.Title, adv.Summary = adv.Texts["da"].Title, adv.Texts["da"].Summary
	adv.Actions = []vaern.AdvisoryAction{{Category: "mitigation", Text: en.Actions}}
	return adv
}

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
	advID, err := s.st.AdviseEarlyWarning(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, s.ewAdvisory(ew))
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
