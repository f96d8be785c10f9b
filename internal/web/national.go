package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/report"
)

type nationalData struct {
	R       *report.National
	Formats []string
	Query   string
}

// national is the centre's national report: participation, distributions, development and
// groups, from anonymous aggregates only.
func (s *Server) national(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	round, ok := s.intParam(w, r, "round", 0)
	if !ok {
		return
	}
	pg := s.page(w, r, "rs.national_title", nil)
	n, err := s.reports().National(ctx, pg.L, p.Org, round)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := &nationalData{R: n, Formats: report.Formats}
	if round != 0 {
		d.Query = "&round=" + strconv.FormatInt(round, 10)
	}
	pg.Data = d
	s.render(w, r, http.StatusOK, "report_national", pg)
}

func (s *Server) nationalExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	format, ok := s.exportFormat(w, r)
	if !ok {
		return
	}
	round, ok := s.intParam(w, r, "round", 0)
	if !ok {
		return
	}
	b := s.reports()
	n, err := b.National(ctx, s.cat.For(s.lang(r, p)), p.Org, round)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	name := "national"
	if n.Round != nil {
		name += "-" + strconv.Itoa(n.Round.Year)
	}
	if err := report.Write(w, format, b.NationalDoc(n), n, report.FileName(p.Org.Name, name)); err != nil {
		s.failErr(w, r, err)
	}
}
