package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
)

// The member's early warnings: those whose member set holds the member, so its own sensors saw
// the indicator. The page says how many members saw it, never which.

// ewMemberData is the member's page: its early warnings, and the centre's published advisories
// about early warnings' indicators (to all members or to it), which name no product and so never
// show among its register's warnings.
type ewMemberData struct {
	Rows       []ewMemberRow
	Advisories []vaern.Advisory
}

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
		advs, err := s.st.IndicatorAdvisories(ctx, access.Of(p), 20)
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "ew.member.title", rows)
		pg.Data = ewMemberData{Rows: rows, Advisories: advs}
		return pg, nil
	})
}
