package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The case page's actions. Each one reads its form, calls one store method (which checks the
// case is the viewer's to change, inside its transaction) and goes back to the case; a refused
// value shows the case again with the message at its field.

const incFileMax = store.MaxIncidentFile

// incAction runs do for the case in the path and answers like every case form.
func (s *Server) incAction(w http.ResponseWriter, r *http.Request, flash string, do func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, http.StatusBadRequest, "")
			return
		}
	}
	if err := do(p, p.Actor(s.clientIP(r)), access.Of(p), id); err != nil {
		s.refill(w, r, err, "incidents_case", true, func() (*Page, error) { return s.incCasePage(w, r) })
		return
	}
	s.redirect(w, r, "/incidents/"+strconv.FormatInt(id, 10), flash)
}

func (s *Server) incUpdate(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_saved", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		f := r.PostForm
		var ch store.IncidentChange
		if st := f.Get("status"); st != "" {
			x := vaern.IncidentStatus(st)
			ch.Status = &x
		}
		if f.Has("handler") {
			h := formID(r, "handler")
			ch.HandlerID = &h
		}
		for _, k := range []struct {
			name string
			dst  **string
		}{{"cause", &ch.Cause}, {"classification", &ch.Classification}, {"services", &ch.Services}, {"tlp", &ch.TLP}} {
			if f.Has(k.name) {
				v := f.Get(k.name)
				*k.dst = &v
			}
		}
		if v := f.Get("severity"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return vaern.Invalid("severity", "must be 1-4")
			}
			ch.Severity = &n
		}
		if f.Has("flags") { // the impact fieldset is on the form: its check boxes say yes or no
			pd, hr, cb := f.Get("personal_data") != "", f.Get("high_risk") != "", f.Get("cross_border") != ""
			ch.PersonalData, ch.HighRisk, ch.CrossBorder = &pd, &hr, &cb
		}
		return s.st.UpdateIncident(r.Context(), a, v, id, ch)
	})
}

func (s *Server) incEntry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			s.fail(w, r, http.StatusBadRequest, "")
			return
		}
	}
	s.incAction(w, r, "flash.inc_entry", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		e := vaern.IncidentEntry{IncidentID: id, Text: r.PostForm.Get("text"), Internal: r.PostForm.Get("internal") != ""}
		if r.MultipartForm != nil {
			if f, h, err := r.FormFile("file"); err == nil {
				defer f.Close()
				b, err := io.ReadAll(io.LimitReader(f, incFileMax+1))
				if err != nil {
					return err
				}
				e.File, e.FileName, e.FileType = b, h.Filename, h.Header.Get("Content-Type")
			} else if !errors.Is(err, http.ErrMissingFile) {
				return vaern.Invalid("file", "could not be read")
			}
		}
		_, err := s.st.AddIncidentEntry(ctx, a, v, e)
		return err
	})
}

func (s *Server) incFile(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	e, err := s.st.IncidentFile(r.Context(), access.Of(p), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// Attachments are served as downloads, never rendered: they come from outside.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+safeFileName(e.FileName)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(e.File)
}

func safeFileName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || c == '/' || c > 0x7e {
			b.WriteByte('_')
		} else {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "attachment"
	}
	return b.String()
}

func (s *Server) incTask(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_task", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		k := vaern.IncidentTask{IncidentID: id, Title: r.PostForm.Get("task_title"), OwnerID: formID(r, "owner")}
		if d := strings.TrimSpace(r.PostForm.Get("due")); d != "" {
			t, err := time.ParseInLocation("2006-01-02", d, time.Local)
			if err != nil {
				return vaern.Invalid("due", "must be a date")
			}
			k.Due = t
		}
		_, err := s.st.AddIncidentTask(r.Context(), a, v, k)
		return err
	})
}

func (s *Server) incTaskDone(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	v := access.Of(p)
	caseID, err := s.st.IncidentTaskCase(r.Context(), v, id)
	if err == nil {
		err = s.st.SetIncidentTaskDone(r.Context(), p.Actor(s.clientIP(r)), v, id, r.PostForm.Get("done") != "0")
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/incidents/"+strconv.FormatInt(caseID, 10)+"#tasks", "flash.inc_saved")
}

func (s *Server) incLink(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_saved", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		return s.st.LinkIncidents(r.Context(), a, v, id, formID(r, "other"), r.PostForm.Get("note"))
	})
}

func (s *Server) incRegime(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_saved", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		return s.st.SetIncidentRegime(r.Context(), a, v, id, r.PostForm.Get("regime"), r.PostForm.Get("remove") != "", r.PostForm.Get("reason"))
	})
}

func (s *Server) incRequest(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_saved", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		return s.st.RequestIncidentReport(r.Context(), a, v, id, r.PostForm.Get("regime"), time.Time{})
	})
}

func (s *Server) incSubmitted(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_submitted", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		c, err := s.st.Incident(r.Context(), v, id)
		if err != nil {
			return err
		}
		at, err := formTime(r, "submitted_at", c.Country)
		if err != nil {
			return err
		}
		regime, step, _ := strings.Cut(r.PostForm.Get("step"), "/")
		_, err = s.st.SubmitIncidentReport(r.Context(), a, v, vaern.IncidentReport{IncidentID: id, Regime: regime, Step: step,
			SubmittedAt: at, Reference: r.PostForm.Get("reference")})
		return err
	})
}

func (s *Server) incReportCentre(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_reported", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		return s.st.ReportToCentre(r.Context(), a, v, id)
	})
}

func (s *Server) incObservables(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_saved", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		_, err := s.st.AddIncidentObservables(r.Context(), a, v, id, strings.Split(r.PostForm.Get("observables"), "\n"))
		return err
	})
}

func (s *Server) incShare(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_shared", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		tlp, ok := access.ParseTLP(r.PostForm.Get("tlp"))
		if !ok {
			return vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
		}
		obj := access.Object{TLP: tlp, Audience: access.Audience{Kind: access.Kind(r.PostForm.Get("audience"))}}
		if obj.Audience.Kind == access.Group {
			obj.Audience.Country = p.Org.Country
		}
		if tlp == access.Red {
			obj.Audience = access.Audience{Kind: access.NamedPeople, People: []int64{p.User.ID}}
		}
		_, err := s.st.ShareObservables(r.Context(), a, v, id, obj, 70, 90*24*time.Hour)
		return err
	})
}

func (s *Server) incClose(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_closed", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		f := r.PostForm
		return s.st.CloseIncident(r.Context(), a, v, id, vaern.Lesson{WentWell: f.Get("went_well"), WentBadly: f.Get("went_badly"), Actions: f.Get("actions")})
	})
}
