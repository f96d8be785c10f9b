package web

import (
	"context"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auditlog"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/store"
)

type auditData struct {
	Rows       []auditlog.Row
	People     []vaern.Member
	Categories []auditCategory
	Who        int64
	What       string
	From, To   string
	// Next is the link to the next (older) page, "" on the last; Export the CSV export of what is
	// shown. Both are whole URLs built here from url.Values (template.URL, so that the template
	// does not escape the query's "=" and "&" a second time).
	Next   template.URL
	Export template.URL
}

type auditCategory struct{ Key, Label string }

const (
	auditPageSize  = 50
	auditExportMax = 10000
)

// auditQuery reads the log's filters; a value that is not understood is a field error.
func auditQuery(r *http.Request) (store.AuditFilter, url.Values, error) {
	q := r.URL.Query()
	var f store.AuditFilter
	keep := url.Values{}
	if v := q.Get("who"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, keep, vaern.Invalid("who", "is not a person")
		}
		f.ActorID = id
		keep.Set("who", v)
	}
	if v := q.Get("what"); v != "" {
		if !auditlog.KnownCategory(v) {
			return f, keep, vaern.Invalid("what", "is not a kind of action")
		}
		f.Category = v
		keep.Set("what", v)
	}
	for _, d := range []struct {
		name string
		to   *time.Time
		end  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			return f, keep, vaern.Invalid(d.name, "must be a date written as YYYY-MM-DD")
		}
		if d.end {
			t = t.AddDate(0, 0, 1) // "to" includes the whole day
		}
		*d.to = t
		keep.Set(d.name, v)
	}
	before, err := httpx.IntParam(q, "before", 0)
	f.BeforeID = before
	return f, keep, err
}

// auditNames are the names the organisation's log may show: its people (also those who have
// left, by the name they had), units and systems.
func (s *Server) auditNames(ctx context.Context, orgID int64) (auditlog.Names, []vaern.Member, error) {
	n := auditlog.Names{Users: map[int64]string{}, Units: map[int64]string{}, Systems: map[int64]string{}}
	actors, err := s.st.AuditActors(ctx, orgID)
	if err != nil {
		return n, nil, err
	}
	for _, m := range actors {
		n.Users[m.ID] = m.Name
	}
	members, err := s.st.OrgUsers(ctx, orgID)
	if err != nil {
		return n, nil, err
	}
	for _, m := range members {
		n.Users[m.ID] = or(m.Name, m.Email)
	}
	units, err := s.st.Units(ctx, orgID)
	if err != nil {
		return n, nil, err
	}
	for _, u := range units {
		n.Units[u.ID] = u.Name
	}
	systems, _, err := s.st.Systems(ctx, orgID, vaern.SystemFilter{})
	if err != nil {
		return n, nil, err
	}
	for _, x := range systems {
		n.Systems[x.ID] = x.Name
	}
	return n, actors, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func describeAll(l *i18n.Localizer, entries []vaern.AuditEntry, n auditlog.Names) []auditlog.Row {
	rows := make([]auditlog.Row, len(entries))
	for i, e := range entries {
		rows[i] = auditlog.Describe(l, e, n)
	}
	return rows
}

// audit is the organisation's audit log: readable rows, filters by who, what and when, and pages
// of 50 rows (newest first).
func (s *Server) audit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	pg := s.page(w, r, "audit.title", nil)
	d := &auditData{}
	pg.Data = d
	names, actors, err := s.auditNames(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d.People = actors
	for _, c := range auditlog.Categories {
		d.Categories = append(d.Categories, auditCategory{c, pg.L.Maybe("audit.category."+c, c)})
	}
	f, keep, err := auditQuery(r)
	q := r.URL.Query()
	d.Who, d.What, d.From, d.To = f.ActorID, f.Category, q.Get("from"), q.Get("to")
	if s.badParam(w, r, err) {
		return
	}
	if err != nil {
		formError(pg, err)
		s.render(w, r, http.StatusUnprocessableEntity, "audit", pg)
		return
	}
	f.Limit = auditPageSize
	entries, err := s.st.AuditSearch(ctx, p.Org.ID, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d.Rows = describeAll(pg.L, entries, names)
	d.Export = template.URL("/org/audit/export.csv?" + keep.Encode())
	if len(entries) == auditPageSize {
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		d.Next = template.URL("/org/audit?" + next.Encode())
	}
	s.render(w, r, http.StatusOK, "audit", pg)
}

// auditExport is the filtered log as CSV (newest first, at most 10,000 rows), with every cell
// that a spreadsheet would run as a formula made plain text: the log holds what people typed.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	f, _, err := auditQuery(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	names, _, err := s.auditNames(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f.Limit = auditExportMax
	entries, err := s.st.AuditSearch(ctx, p.Org.ID, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	l := s.page(w, r, "audit.title", nil).L
	t := export.Table{Head: []string{l.T("audit.when"), l.T("audit.who"), l.T("audit.email"), l.T("audit.action"), l.T("audit.code"),
		l.T("audit.object"), l.T("audit.detail"), l.T("account.address")}}
	for _, row := range describeAll(l, entries, names) {
		t.Rows = append(t.Rows, []string{row.At.Local().Format("2006-01-02 15:04:05"), row.Who, row.ActorEmail, row.What, row.Action,
			row.ObjectText, row.DetailText(), row.IP})
	}
	comma := ','
	if l.Lang != "en" {
		comma = ';' // as Excel expects in Danish and Norwegian
	}
	b, err := export.SafeCSV(t, comma)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "audit-" + s.st.Now().Format("2006-01-02") + ".csv"}))
	w.Write(b)
}
