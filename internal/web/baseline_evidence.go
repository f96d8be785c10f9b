package web

import (
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// baselineEvidence attaches an uploaded file or a link to an answer.
func (s *Server) baselineEvidence(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessmentUnits(r, false)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(2 << 20); err != nil {
		s.answerErr(w, r, vaern.Invalid("file", "is larger than 10 MB or the upload was interrupted"))
		return
	}
	q, unit, err := x.slotFromForm(r)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	if !x.Editable || !baseline.MayAnswer(x.P, x.Mine, x.F, q, unit) {
		s.answerErr(w, r, vaern.ErrForbidden)
		return
	}
	a, err := s.st.AnswerFor(r.Context(), x.P.Org.ID, x.A.ID, q.ID, unit)
	if err != nil {
		s.answerErr(w, r, vaern.Invalid("q", "save an answer before adding evidence"))
		return
	}
	ev := vaern.Evidence{Kind: "link", URL: strings.TrimSpace(r.PostForm.Get("url"))}
	var data []byte
	if f, fh, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, store.MaxEvidenceSize+1))
		if err != nil {
			s.answerErr(w, r, vaern.Invalid("file", "could not be read"))
			return
		}
		ct := detectType(fh.Filename, data)
		ev = vaern.Evidence{Kind: "file", Name: filepath.Base(fh.Filename), ContentType: ct}
	} else if ev.URL == "" {
		s.answerErr(w, r, vaern.Invalid("file", "choose a file or give a link"))
		return
	}
	if _, err := s.st.AddEvidence(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, a.ID, ev, data); err != nil {
		s.answerErr(w, r, err)
		return
	}
	answerBack(w, r, x, q, unit, "bl.flash.evidence_added", s)
}

// detectType decides a file's type from its content, and from its extension only where content
// sniffing cannot tell the Office formats apart (they are all zip files).
func detectType(name string, data []byte) string {
	sniffed := http.DetectContentType(data)
	byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if base, _, _ := strings.Cut(byExt, ";"); base != "" {
		byExt = base
	}
	switch {
	case strings.HasPrefix(sniffed, "application/pdf"), strings.HasPrefix(sniffed, "image/png"), strings.HasPrefix(sniffed, "image/jpeg"):
		base, _, _ := strings.Cut(sniffed, ";")
		return base
	case sniffed == "application/zip" && strings.HasPrefix(byExt, "application/vnd."):
		return byExt
	case strings.HasPrefix(sniffed, "text/plain"):
		if byExt == "text/csv" {
			return byExt
		}
		return "text/plain"
	}
	return sniffed
}

func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	e, data, err := s.st.EvidenceFile(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if e.Kind == "link" {
		http.Redirect(w, r, e.URL, http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", e.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
}

func (s *Server) evidenceDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	// Respondents may only remove evidence they added; coordinators any.
	e, _, err := s.st.EvidenceFile(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if p.Role != vaern.RoleCoordinator && e.CreatedBy != p.User.ID {
		s.fail(w, r, http.StatusForbidden, "")
		return
	}
	if err := s.st.DeleteEvidence(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.answerErr(w, r, err)
		return
	}
	s.redirect(w, r, backTo(r, "/baseline"), "bl.flash.evidence_removed")
}
