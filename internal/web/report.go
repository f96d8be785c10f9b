package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/store"
)

// reports returns the report builder with the configured k.
func (s *Server) reports() *report.Builder {
	return &report.Builder{St: s.st, K: s.cfg.BenchmarkK}
}

type reportListRow struct {
	A       vaern.Assessment
	Overall string
}

// reportsIndex lists the member's assessments with links to their reports and the action plan.
func (s *Server) reportsIndex(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	list, err := s.st.Assessments(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	hist, err := s.st.AssessmentHistory(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	l := s.cat.For(s.lang(r, p))
	overall := map[int64]string{}
	for _, h := range hist {
		overall[h.AssessmentID] = l.DecP(h.Overall)
	}
	var rows []reportListRow
	for _, a := range list {
		o, ok := overall[a.ID]
		if !ok {
			o = "–"
		}
		rows = append(rows, reportListRow{A: a, Overall: o})
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "report_list", s.page(w, r, "rs.title", map[string]any{"Rows": rows, "Tree": vaern.UnitTree(units)}))
}

type memberReportData struct {
	K       int
	R       *report.Member
	Fixed   template.HTML // the report's fixed part, rendered (report_cache.go)
	Main    template.HTML // the whole report, rendered (report_cache.go); empty: render it
	People  []vaern.Member
	Today   string
	Formats []string
}

func (s *Server) memberReportPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	// The mark, the bell and (for a person from the session cache, SessionInRead) the session are
	// read in one round trip on PostgreSQL; a cached report then needs nothing more.
	q := store.ReportPageQuery{OrgID: p.Org.ID, UserID: p.User.ID, AssessmentID: id}
	rc := recheckFrom(ctx)
	if rc != nil {
		q.Session, q.Now, q.Idle = rc.cached.Session.ID, s.st.Now(), s.cfg.SessionIdle
	}
	rp, err := s.st.ReportPage(ctx, q)
	if rc != nil && !sameSession(rp.Principal, rc.cached) {
		return nil, errRecheck // nothing read is used
	}
	if err != nil {
		return nil, err
	}
	mark := rp.Mark
	r = r.WithContext(withUnread(ctx, rp.Unread))
	ctx = r.Context()
	pg := s.page(w, r, "rs.member_title", nil)
	today := s.st.Now().Format("2006-01-02")
	k := reportKey{org: p.Org.ID, assessment: id, lang: pg.L.Lang, role: p.Role}
	// A page shown again with a form's error is rendered in full; a plain view may be the cached one.
	plain := r.Method == http.MethodGet
	if plain {
		if live, people, main, ok := s.rcache.cachedMain(k, mark, today); ok {
			pg.Data = &memberReportData{K: s.k(), R: live, People: people, Main: main, Today: today, Formats: report.Formats}
			return pg, nil
		}
	}
	fixed, html, err := s.memberFixed(r, pg, p, id, mark)
	if err != nil {
		return nil, err
	}
	m, err := s.reports().MemberLive(ctx, fixed)
	if err != nil {
		return nil, err
	}
	d := &memberReportData{K: s.k(), R: m, Fixed: html, Today: today, Formats: report.Formats}
	if vaern.Can(p.Role, vaern.PermActionsManage) {
		if d.People, err = s.st.OrgUsers(ctx, p.Org.ID); err != nil {
			return nil, err
		}
	}
	pg.Data = d
	if plain && mark.Closed && m.Final && m.Org.ID == p.Org.ID {
		main, err := s.renderMain(pg)
		if err != nil {
			return nil, err
		}
		d.Main = main
		s.rcache.keepMain(k, mark, m, d.People, today, main)
	}
	return pg, nil
}

// memberReport is the municipality report of one assessment.
func (s *Server) memberReport(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "report_member", s.memberReportPage)
}

// exportFormat reads ?format=, answering 400 for an unknown one.
func (s *Server) exportFormat(w http.ResponseWriter, r *http.Request) (string, bool) {
	f, err := httpx.ChoiceParam(r.URL.Query(), "format", "pdf", report.Formats...)
	if err != nil {
		s.badParam(w, r, err)
		return "", false
	}
	return f, true
}

func (s *Server) memberReportExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	format, ok := s.exportFormat(w, r)
	if !ok {
		return
	}
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	b := s.reports()
	l := s.cat.For(s.lang(r, p))
	m, err := b.Member(ctx, l, p.Org, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	doc, err := b.MemberDoc(ctx, m)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := report.Write(w, format, doc, m.JSON(), report.FileName(p.Org.Name, strconv.Itoa(m.Assessment.Round.Year))); err != nil {
		s.failErr(w, r, err)
	}
}

type deptReportData struct {
	R       *report.Department
	People  []vaern.Member
	Today   string
	Formats []string
	Query   string
}

func (s *Server) departmentReportPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	aid, err := httpx.IntParam(r.URL.Query(), "assessment", 0)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "rs.department_report", nil)
	d, err := s.reports().Department(ctx, pg.L, p.Org, id, aid)
	if err != nil {
		return nil, err
	}
	data := &deptReportData{R: d, Today: s.st.Now().Format("2006-01-02"), Formats: report.Formats}
	if aid != 0 {
		data.Query = "&assessment=" + strconv.FormatInt(aid, 10)
	}
	if vaern.Can(p.Role, vaern.PermActionsManage) {
		if data.People, err = s.st.OrgUsers(ctx, p.Org.ID); err != nil {
			return nil, err
		}
	}
	pg.Data = data
	return pg, nil
}

// departmentReport is the management report of one department, one click from the unit's page.
func (s *Server) departmentReport(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "report_department", s.departmentReportPage)
}

func (s *Server) departmentReportExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	format, ok := s.exportFormat(w, r)
	if !ok {
		return
	}
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	aid, ok := s.intParam(w, r, "assessment", 0)
	if !ok {
		return
	}
	b := s.reports()
	l := s.cat.For(s.lang(r, p))
	d, err := b.Department(ctx, l, p.Org, id, aid)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := report.Write(w, format, b.DepartmentDoc(d), report.DepartmentJSONOf(d), report.FileName(p.Org.Name, d.Unit.Name)); err != nil {
		s.failErr(w, r, err)
	}
}

// ---- the action plan ----

// actionFromForm reads a task's fields; a bad date names the field.
func actionFromForm(r *http.Request, x *vaern.Action) error {
	x.Title = r.PostForm.Get("title")
	x.Note = r.PostForm.Get("note")
	x.OwnerID = formID(r, "owner")
	if st := r.PostForm.Get("status"); st != "" {
		x.Status = st
	}
	x.Due = time.Time{}
	if d := strings.TrimSpace(r.PostForm.Get("due")); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return vaern.Invalid("due", "must be a date written as YYYY-MM-DD")
		}
		x.Due = t
	}
	return nil
}

// actionCreate turns a recommendation of the report into a task.
func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	x := vaern.Action{AssessmentID: id, QuestionID: strings.TrimSpace(r.PostForm.Get("question")), UnitID: formID(r, "unit")}
	err := actionFromForm(r, &x)
	if err == nil {
		_, err = s.st.CreateAction(ctx, p.Actor(s.clientIP(r)), p.Org.ID, x)
	}
	back := "/reports/" + strconv.FormatInt(id, 10) + "#actions"
	if x.UnitID != 0 {
		back = "/org/units/" + strconv.FormatInt(x.UnitID, 10) + "/report?assessment=" + strconv.FormatInt(id, 10) + "#actions"
	}
	if err != nil {
		tmpl, page := "report_member", func() (*Page, error) { return s.memberReportPage(w, r) }
		if x.UnitID != 0 {
			tmpl, page = "actions", func() (*Page, error) { return s.actionsPage(w, r) }
		}
		s.refill(w, r, err, tmpl, true, page)
		return
	}
	s.redirect(w, r, back, "rs.flash.action_created")
}

type actionsData struct {
	Open, Done []vaern.Action
	People     []vaern.Member
	UnitName   map[int64]string
	Now        time.Time
	Statuses   []string
}

func (s *Server) actionsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	list, err := s.st.Actions(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := &actionsData{UnitName: map[int64]string{}, Now: s.st.Now(), Statuses: vaern.ActionStatuses}
	for _, u := range units {
		d.UnitName[u.ID] = u.Name
	}
	for _, a := range list {
		if a.Status == vaern.ActionDone {
			d.Done = append(d.Done, a)
		} else {
			d.Open = append(d.Open, a)
		}
	}
	if vaern.Can(p.Role, vaern.PermActionsManage) {
		if d.People, err = s.st.OrgUsers(ctx, p.Org.ID); err != nil {
			return nil, err
		}
	}
	return s.page(w, r, "rs.actions_title", d), nil
}

// actions is the member's whole action plan.
func (s *Server) actions(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "actions", s.actionsPage)
}

func (s *Server) actionUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	x, err := s.st.Action(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err = actionFromForm(r, &x); err == nil {
		err = s.st.UpdateAction(ctx, p.Actor(s.clientIP(r)), p.Org.ID, x)
	}
	if err != nil {
		s.refill(w, r, err, "actions", false, func() (*Page, error) { return s.actionsPage(w, r) })
		return
	}
	s.redirect(w, r, "/actions#action-"+strconv.FormatInt(id, 10), "rs.flash.action_saved")
}

func (s *Server) actionDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteAction(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/actions", "rs.flash.action_deleted")
}
