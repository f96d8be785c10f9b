package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/services"
)

// The IT-structure mapping: a member answers the centre's mapping questionnaire and decides
// whether the centre sees it; the centre reads the shared mappings as one table across members,
// and exports it. The store puts the sharing rule into every read: an unshared mapping is never
// in the centre's table, its export or its counts.

type mapListRow struct {
	Info     vaern.FrameworkInfo
	Title    string
	Answered int
	Shared   bool
	Count    int // the centre: members that share it
}

func (s *Server) mapList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "mapping_list", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		fws, err := s.st.MappingFrameworks(ctx, p.Org.ParentID)
		if err != nil {
			return nil, err
		}
		lang := s.lang(r, p)
		var rows []mapListRow
		for _, info := range fws {
			m, err := s.st.Mapping(ctx, access.Of(p), p.Org.ID, info.ID)
			if err != nil {
				return nil, err
			}
			row := mapListRow{Info: info, Title: info.Title, Answered: len(m.Answers), Shared: m.Shared}
			if _, fw, err := s.st.Framework(ctx, info.ID); err == nil {
				row.Title = fw.Title.Get(lang)
			}
			rows = append(rows, row)
		}
		return s.page(w, r, "map.list.title", rows), nil
	})
}

type mapFormData struct {
	Info    vaern.FrameworkInfo
	FW      *framework.Framework
	Mapping vaern.Mapping
}

func (s *Server) mapFormPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	info, fw, err := s.st.MappingFramework(ctx, p.Org.ParentID, id)
	if err != nil {
		return nil, err
	}
	m, err := s.st.Mapping(ctx, access.Of(p), p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "map.form.title", mapFormData{Info: info, FW: fw, Mapping: m})
	for qid, a := range m.Answers {
		pg.Form.Set(qid, a.Value)
	}
	return pg, nil
}

func (s *Server) mapForm(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "mapping_form", s.mapFormPage)
}

func (s *Server) mapSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	_, fw, err := s.st.MappingFramework(ctx, p.Org.ParentID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	values := map[string]string{}
	for _, q := range fw.Questions() {
		if r.PostForm.Has(q.ID) {
			values[q.ID] = r.PostForm.Get(q.ID)
		}
	}
	if err := s.st.SaveMapping(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, values); err != nil {
		s.refill(w, r, err, "mapping_form", true, func() (*Page, error) { return s.mapFormPage(w, r) })
		return
	}
	s.redirect(w, r, "/mapping/"+strconv.FormatInt(id, 10), "flash.map_saved")
}

func (s *Server) mapShare(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	share := r.PostForm.Get("share") == "1"
	if err := s.st.ShareMapping(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, share); err != nil {
		s.failErr(w, r, err)
		return
	}
	flash := "flash.map_shared"
	if !share {
		flash = "flash.map_unshared"
	}
	s.redirect(w, r, "/mapping/"+strconv.FormatInt(id, 10), flash)
}

func (s *Server) mapCentreList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "mapping_centre_list", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		fws, err := s.st.MappingFrameworks(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		lang := s.lang(r, p)
		var rows []mapListRow
		for _, info := range fws {
			shared, err := s.st.SharedMappings(ctx, access.Of(p), info.ID)
			if err != nil {
				return nil, err
			}
			row := mapListRow{Info: info, Title: info.Title, Count: len(shared)}
			if _, fw, err := s.st.Framework(ctx, info.ID); err == nil {
				row.Title = fw.Title.Get(lang)
			}
			rows = append(rows, row)
		}
		return s.page(w, r, "map.centre.title", rows), nil
	})
}

type mapCentreData struct {
	Info  vaern.FrameworkInfo
	Title string
	Table export.Table
}

// mapTable is the shared mappings of framework id as one table: a row per member, a column per
// question, choices in the reader's language.
func (s *Server) mapTable(r *http.Request) (mapCentreData, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return mapCentreData{}, vaern.ErrNotFound
	}
	info, fw, err := s.st.MappingFramework(ctx, p.Org.ID, id)
	if err != nil {
		return mapCentreData{}, err
	}
	list, err := s.st.SharedMappings(ctx, access.Of(p), id)
	if err != nil {
		return mapCentreData{}, err
	}
	lang := s.lang(r, p)
	l := s.cat.For(lang)
	t := export.Table{Name: fw.ID, Caption: fw.Title.Get(lang), Head: []string{l.T("map.col.member"), l.T("map.col.shared_at")}}
	qs := fw.Questions()
	for _, q := range qs {
		t.Head = append(t.Head, q.ID+" "+q.Text.Get(lang))
	}
	for _, m := range list {
		row := []string{m.OrgName, m.SharedAt.Format("2006-01-02")}
		for _, q := range qs {
			row = append(row, services.MappingText(q, m.Answers[q.ID].Value, lang))
		}
		t.Rows = append(t.Rows, row)
	}
	return mapCentreData{Info: info, Title: fw.Title.Get(lang), Table: t}, nil
}

func (s *Server) mapCentre(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "mapping_centre", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		d, err := s.mapTable(r)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "map.centre.title", d), nil
	})
}

// mapExport serves the centre's table as CSV or XLSX; what members typed is made safe from
// spreadsheet formulas.
func (s *Server) mapExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := s.mapTable(r)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, row := range d.Table.Rows {
			for i := range row {
				row[i] = export.SafeCell(row[i])
			}
		}
		doc := export.Doc{Title: d.Title, CSV: d.Table, Sheets: []export.Table{d.Table}, Generated: s.st.Now().Format("2006-01-02")}
		name := report.FileName("mapping", d.Info.FID, d.Info.Version)
		if err := report.Write(w, format, doc, nil, name); err != nil {
			s.failErr(w, r, err)
		}
	}
}
