package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"sync"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/store"
)

// The municipality report of a closed round is read far more often than it changes: scores,
// trend, benchmark bands and their charts are fixed once the round is closed and its results
// computed. reportCache keeps, per member, assessment, language and role, the fixed part of the
// report (report.MemberFixed) and its rendered HTML, the live part (report.MemberLive: actions,
// the recommendations that count them, the round's composition; the people to pick as owners)
// and the whole report's rendered content for one day (the date inputs start today), together
// with the store.ReportMark it was built under. Every request reads the mark first (one query)
// and uses the entry only if the mark is the same, so any audited change of the member or its
// centre (a reopened round, a changed answer, unit or action, a recomputed result, a renamed
// group, a new colleague), a newly stored result, a renamed person and a change of the round's
// members rebuild it, on every app node. Only the page around the report (the layout, with the
// person's name and notifications) is built on every request. The entry is keyed by the member's
// own organisation and read only for it, so one member's report is never shown to another.

// maxReportEntries bounds the cache: one entry is some tens of kilobytes.
const maxReportEntries = 1024

type reportKey struct {
	org, assessment int64
	lang            string
	role            vaern.Role
}

type reportEntry struct {
	mark  store.ReportMark
	fixed *report.Member
	html  template.HTML
	// The live part and the rendered report, once built (set under reportCache.mu).
	live   *report.Member
	people []vaern.Member
	today  string
	main   template.HTML
}

type reportCache struct {
	mu sync.Mutex
	m  map[reportKey]*reportEntry
}

func newReportCache() *reportCache { return &reportCache{m: map[reportKey]*reportEntry{}} }

func (c *reportCache) get(k reportKey, mark store.ReportMark) *reportEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && e.mark == mark {
		return e
	}
	return nil
}

// keepMain stores the live part and the rendered report of today in the entry of k, if it is
// still the one built under mark.
func (c *reportCache) keepMain(k reportKey, mark store.ReportMark, live *report.Member, people []vaern.Member, today string, main template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && e.mark == mark {
		e.live, e.people, e.today, e.main = live, people, today, main
	}
}

// cachedMain returns the rendered report of today from the entry of k built under mark.
func (c *reportCache) cachedMain(k reportKey, mark store.ReportMark, today string) (*report.Member, []vaern.Member, template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok && e.mark == mark && e.main != "" && e.today == today {
		return e.live, e.people, e.main, true
	}
	return nil, nil, "", false
}

func (c *reportCache) put(k reportKey, e *reportEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= maxReportEntries {
		for old := range c.m { // drop one: any will do, a dropped entry is only rebuilt
			delete(c.m, old)
			break
		}
	}
	c.m[k] = e
}

// memberFixed returns the fixed part of the report of the member's assessment id and its HTML,
// from the cache when nothing has changed since it was built. Only a closed round's final report
// is kept; an open one is built on every request.
func (s *Server) memberFixed(r *http.Request, pg *Page, p *vaern.Principal, id int64, mark store.ReportMark) (*report.Member, template.HTML, error) {
	ctx := r.Context()
	k := reportKey{org: p.Org.ID, assessment: id, lang: pg.L.Lang, role: p.Role}
	if e := s.rcache.get(k, mark); e != nil {
		return e.fixed, e.html, nil
	}
	m, err := s.reports().MemberFixed(ctx, pg.L, p.Org, id)
	if err != nil {
		return nil, "", err
	}
	html, err := s.renderFixed(pg, m)
	if err != nil {
		return nil, "", err
	}
	if mark.Closed && m.Final && m.Org.ID == p.Org.ID {
		s.rcache.put(k, &reportEntry{mark: mark, fixed: m, html: html})
	}
	return m, html, nil
}

// renderMain renders the report's content (template rs-member-main) on its own.
func (s *Server) renderMain(pg *Page) (template.HTML, error) {
	t, ok := s.views.pages["report_member"]
	if !ok {
		return "", errUnknownTemplate
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "rs-member-main", pg); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// renderFixed renders the report's fixed part (template rs-member-fixed) on its own.
func (s *Server) renderFixed(pg *Page, m *report.Member) (template.HTML, error) {
	t, ok := s.views.pages["report_member"]
	if !ok {
		return "", errUnknownTemplate
	}
	keep := pg.Data
	defer func() { pg.Data = keep }()
	pg.Data = &memberReportData{K: s.k(), R: m}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "rs-member-fixed", pg); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

var errUnknownTemplate = errors.New("render: unknown template report_member")
