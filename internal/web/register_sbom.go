package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// emptySBOM is what the system page shows when an uploaded SBOM lists no components while the
// system has some: what the file holds and a button that removes them all.
type emptySBOM struct {
	File, Format string
	Subject      string // the product the file describes, when it names one
	Current      int    // the components the system has, which the confirmation expects
	Source       string // format and file name, for the audit
}

// regSBOM replaces a system's components with those of an uploaded SBOM. A file that lists no
// components never replaces existing ones on its own: the page says what the file holds and asks,
// and only the confirmation (confirm=remove_all, no file) removes them.
func (s *Server) regSBOM(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	sys, err := s.regOwnSystem(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if r.PostFormValue("confirm") == "remove_all" {
		s.regSBOMClear(w, r, sys)
		return
	}
	again := func(err error) {
		s.refill(w, r, err, "register_system", false, func() (*Page, error) { return s.regSystemPage(w, r) })
	}
	b, name, err := regUpload(r, "sbom")
	if err != nil {
		again(err)
		return
	}
	ctx, done, err := inputguard.Admit(r.Context(), register.SBOMLimits, len(b))
	defer done()
	var doc register.SBOM
	if err == nil {
		doc, err = register.ParseSBOM(bytes.NewReader(b))
	}
	if err == nil {
		err = register.SBOMLimits.Err(ctx)
	}
	if err != nil {
		s.regSBOMProblem(w, r, "reg.sbom.unreadable", err)
		return
	}
	source := doc.Format + " " + name
	if len(doc.Components) == 0 {
		if sys.Components == 0 {
			s.regSBOMProblem(w, r, "reg.sbom.empty_nothing", doc.Format)
			return
		}
		pg, perr := s.regSystemPage(w, r)
		if perr != nil {
			s.failErr(w, r, perr)
			return
		}
		pg.Data.(*regSystemData).EmptySBOM = &emptySBOM{File: name, Format: doc.Format, Subject: doc.Subject.Name,
			Current: sys.Components, Source: source}
		s.render(w, r, http.StatusOK, "register_system", pg)
		return
	}
	// The replacement runs as a job (it survives a restart); a small file is usually done before
	// the page answers, and the page says so, or that it is queued.
	jobID, err := s.st.StartSBOMImport(ctx, store.SBOMArgs{OrgID: p.Org.ID, SystemID: sys.ID, Source: name, Data: b,
		Actor: p.Actor(s.clientIP(r))})
	if err != nil {
		again(err)
		return
	}
	s.wakeJobs()
	to := fmt.Sprintf("/register/systems/%d#components", sys.ID)
	switch j := s.awaitJob(r.Context(), jobID, 3*time.Second); j.State {
	case store.JobDone:
		s.setFlash(w, "flash.reg_sbom_replaced", strconv.Itoa(len(doc.Components)), source, strconv.Itoa(sys.Components))
		http.Redirect(w, r, to, http.StatusSeeOther)
	case store.JobFailed:
		s.regSBOMProblem(w, r, "reg.sbom.unreadable", j.LastError)
	default:
		s.redirect(w, r, to, "flash.reg_sbom_queued")
	}
}

// regSBOMClear removes all components after the person confirmed it for an SBOM that lists none.
func (s *Server) regSBOMClear(w http.ResponseWriter, r *http.Request, sys vaern.ITSystem) {
	p := httpx.PrincipalFrom(r.Context())
	expect, err := strconv.Atoi(r.PostFormValue("expect"))
	if err != nil || expect < 0 {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	source := strings.TrimSpace(r.PostFormValue("source"))
	if len(source) > 300 {
		source = source[:300]
	}
	err = s.st.ClearComponents(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, sys.ID, expect, source+" (confirmed: no components)")
	if errors.Is(err, vaern.ErrConflict) {
		s.regSBOMProblem(w, r, "reg.sbom.changed_meanwhile")
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.setFlash(w, "flash.reg_sbom_cleared", strconv.Itoa(expect))
	http.Redirect(w, r, fmt.Sprintf("/register/systems/%d#components", sys.ID), http.StatusSeeOther)
}

// regSBOMProblem shows the system page again with a message at the SBOM field (an error among args
// is put in the person's words); nothing changed.
func (s *Server) regSBOMProblem(w http.ResponseWriter, r *http.Request, key string, args ...any) {
	pg, err := s.regSystemPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	for i, a := range args {
		if e, ok := a.(error); ok {
			args[i] = importErr(pg.L, e) // an importer's error, in the person's language
		}
	}
	pg.Errors = map[string]string{"sbom": pg.L.T(key, args...)}
	pg.Error = pg.L.T("form.has_errors")
	s.render(w, r, http.StatusUnprocessableEntity, "register_system", pg)
}
