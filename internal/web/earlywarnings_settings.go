package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/inputguard"
)

// The centre's correlation settings: k members within a window, and the warninglists of benign
// infrastructure (Værn's own, and MISP warninglist files the centre imports), each of which can
// be switched off.

// ewUploadMax bounds an uploaded warninglist (the importer's own limit).
const ewUploadMax = 8 << 20

type ewSettingsData struct {
	Settings vaern.CorrelationSettings
	Lists    []vaern.Warninglist
	Types    []string
	Imported string // the name of the list just imported
}

func (s *Server) ewSettingsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	cs, err := s.st.CorrelationSettings(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	if err := s.st.EnsureWarninglists(ctx, p.Org.ID, correlate.Defaults()); err != nil {
		return nil, err
	}
	lists, err := s.st.Warninglists(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "ew.settings.title", ewSettingsData{Settings: cs, Lists: lists, Types: correlate.Types})
	pg.Form.Set("k", strconv.Itoa(cs.K))
	pg.Form.Set("signature_k", strconv.Itoa(cs.SignatureK))
	pg.Form.Set("window", strconv.Itoa(int(cs.Window/time.Minute)))
	return pg, nil
}

func (s *Server) ewSettings(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "correlate_settings", s.ewSettingsPage)
}

func (s *Server) ewSettingsSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := func() error {
		k, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("k")))
		if err != nil {
			return vaern.Invalid("k", "give a whole number of members")
		}
		sk, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("signature_k")))
		if err != nil {
			return vaern.Invalid("signature_k", "give a whole number of members")
		}
		mins, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("window")))
		if err != nil {
			return vaern.Invalid("window", "give the window in whole minutes")
		}
		cs := correlate.Settings{K: k, SignatureK: sk, Window: time.Duration(mins) * time.Minute}
		if err := cs.Check(); err != nil {
			return err
		}
		return s.st.SaveCorrelationSettings(ctx, p.Actor(s.clientIP(r)), p.Org.ID, vaern.CorrelationSettings{K: cs.K, SignatureK: cs.SignatureK, Window: cs.Window})
	}()
	if err != nil {
		s.refill(w, r, err, "correlate_settings", true, func() (*Page, error) { return s.ewSettingsPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/early-warnings/settings", "ew.flash.settings")
}

// ewListImport takes a MISP warninglist JSON file: checked before it is decoded, and stored only
// whole; a list of the same name is replaced.
func (s *Server) ewListImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	fail := func(err error) {
		s.refill(w, r, err, "correlate_settings", false, func() (*Page, error) { return s.ewSettingsPage(w, r) })
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		fail(vaern.Invalid("file", "choose a MISP warninglist JSON file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, ewUploadMax+1))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	actx, done, err := inputguard.Admit(ctx, correlate.Limits, len(data))
	if err != nil {
		fail(vaern.Invalid("file", "%v", err))
		return
	}
	defer done()
	wl, err := correlate.Parse(data)
	if err == nil {
		_, err = s.st.ImportWarninglist(actx, p.Actor(s.clientIP(r)), p.Org.ID, wl)
	}
	if err != nil {
		fail(err)
		return
	}
	s.setFlash(w, "ew.flash.imported", wl.Name, strconv.Itoa(len(wl.List)))
	http.Redirect(w, r, "/centre/early-warnings/settings", http.StatusSeeOther)
}

func (s *Server) ewListToggle(w http.ResponseWriter, r *http.Request) {
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
	on := r.PostForm.Get("enabled") == "1"
	if err := s.st.SetWarninglistEnabled(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, on); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/early-warnings/settings", "ew.flash.list")
}
