package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

type auditData struct {
	Entries []vaern.AuditEntry
	Next    int64
}

const auditPageSize = 50

func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	before, ok := s.intParam(w, r, "before", 0)
	if !ok {
		return
	}
	entries, err := s.st.AuditLog(r.Context(), p.Org.ID, before, auditPageSize)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := auditData{Entries: entries}
	if len(entries) == auditPageSize {
		d.Next = entries[len(entries)-1].ID
	}
	s.render(w, r, http.StatusOK, "audit", s.page(w, r, "audit.title", d))
}

// ---- dashboard ----
