package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The member's early warnings: those whose member set holds the member, so its own sensors saw
// the indicator. The page says how many members saw it, never which.

type ewMemberRow struct {
	W     vaern.EarlyWarning
	Label string
}

func (s *Server) ewMember(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "correlate_member", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		list, err := s.st.MemberEarlyWarnings(ctx, p.Org.ID, 100)
		if err != nil {
			return nil, err
		}
		rows := make([]ewMemberRow, len(list))
		for i, e := range list {
			rows[i] = ewMemberRow{W: e, Label: ewLabel(e)}
		}
		return s.page(w, r, "ew.member.title", rows), nil
	})
}
