package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
)

// notifyPref is one row of the e-mail settings on the account page.
type notifyPref struct {
	Kind  string
	Field string // the form field, which errors are reported on
	Label string // i18n key
	Legal bool
	Mode  string
}

// modeOption is a choice of e-mail mode in the settings.
type modeOption struct{ Value, Label string }

var modeOptions = []modeOption{{vaern.NotifyImmediate, "nt.mode.immediate"}, {vaern.NotifyDigest, "nt.mode.digest"}, {vaern.NotifyOff, "nt.mode.off"}}

// notifyPrefs are the kinds the person's role can receive, with their chosen e-mail mode.
func (s *Server) notifyPrefs(r *http.Request, p *vaern.Principal) ([]notifyPref, error) {
	chosen, err := s.st.NotifyPrefs(r.Context(), p.User.ID)
	if err != nil {
		return nil, err
	}
	var out []notifyPref
	for _, k := range notify.For(p.Role) {
		mode := chosen[k.Name]
		if mode == "" {
			mode = k.Default // the kind's own default until the person chooses
		}
		if mode == "" || (k.Legal && mode == vaern.NotifyOff) {
			mode = vaern.NotifyImmediate
		}
		out = append(out, notifyPref{Kind: k.Name, Field: "pref." + k.Name, Label: "nt.kind." + k.Name, Legal: k.Legal, Mode: mode})
	}
	return out, nil
}

// accountNotifications saves the person's e-mail mode per kind. The legal deadlines cannot be
// switched off: the store refuses it inside its transaction.
func (s *Server) accountNotifications(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	var prefs []vaern.NotifyPref
	for _, k := range notify.For(p.Role) {
		if mode := r.PostForm.Get("pref." + k.Name); mode != "" {
			prefs = append(prefs, vaern.NotifyPref{Kind: k.Name, Mode: mode})
		}
	}
	if err := s.st.SetNotifyPrefs(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, prefs, notify.IsLegal); err != nil {
		s.refill(w, r, err, "account", false, func() (*Page, error) { return s.accountPage(w, r) })
		return
	}
	s.redirect(w, r, "/account#notifications", "flash.nt_prefs_saved")
}
