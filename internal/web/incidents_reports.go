package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/incident"
	"github.com/vaern/vaern/internal/report"
)

// incReportFile serves a pre-filled report (?regime=...&step=...) as PDF or JSON: the same
// fields and text as on the case page, in the authority's language, to keep with the case or
// attach where the authority's form accepts files. Nothing is sent anywhere.
func (s *Server) incReportFile(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		id, ok := httpx.PathID(r, "id")
		if !ok {
			s.failErr(w, r, vaern.ErrNotFound)
			return
		}
		d, err := s.incCaseLoad(ctx, p, id)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		q := r.URL.Query()
		settings, err := s.incSettingsOf(ctx, d.Case.OrgID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		reg, ok := settings.Lookup(q.Get("regime"))
		if !ok {
			s.failErr(w, r, vaern.Invalid("regime", "is not a regime"))
			return
		}
		step := q.Get("step")
		known := false
		for _, st := range reg.Steps {
			known = known || st.Key == step
		}
		if !known {
			s.failErr(w, r, vaern.Invalid("step", "is not a step of the regime"))
			return
		}
		in := incident.ReportInput{Case: d.Case, Org: d.Case.OrgName, Systems: d.Systems, Units: d.Units, Contact: d.Case.HandlerName}
		for _, e := range d.Entries {
			if !e.Internal {
				in.Timeline = append(in.Timeline, e.At.In(incident.Zone(d.Case.Country)).Format("2006-01-02 15:04")+" "+firstLine(e.Text))
			}
		}
		for _, dl := range d.Deadlines {
			if dl.Regime == reg.Key && dl.Step == step {
				in.Due = dl.DueAt
			}
		}
		rep := incident.BuildReport(reg, step, in)
		t := export.Table{Name: rep.Step, Head: []string{"", ""}}
		for _, f := range rep.Fields {
			t.Rows = append(t.Rows, []string{f.Label, f.Value})
		}
		l := s.cat.For(s.lang(r, p))
		doc := export.Doc{Title: rep.Title, Org: d.Case.OrgName, Round: "#" + strconv.FormatInt(d.Case.ID, 10), PageOf: l.T("rs.page_of"),
			Generated: s.st.Now().Format("2006-01-02"), Lang: rep.Lang,
			Blocks: []export.Block{{Heading: rep.Title, Text: rep.Channel}, {Table: &t}, {Text: rep.Text}}}
		name := report.FileName(d.Case.OrgName, "incident", strconv.FormatInt(id, 10), rep.Regime, rep.Step)
		if err := report.Write(w, format, doc, rep, name); err != nil {
			s.failErr(w, r, err)
		}
	}
}
