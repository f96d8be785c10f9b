package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
)

type areaData struct {
	X         *assessment
	Area      *framework.Area
	Unit      int64
	UnitName  string
	Count     int
	Pending   int        // answers on the page waiting for approval, for the bulk approval
	UnitLinks []Progress // unit questions of this area, per answering unit
	// Tabs are the focus areas to move between. On a unit's page they are the areas with unit
	// questions, and every link keeps the unit, so that a respondent answering for a department
	// stays on pages they can answer instead of landing on the organisation's read-only ones.
	Tabs []*framework.Area
	Prev *framework.Area
	Next *framework.Area
}

// areaTabs returns the areas to offer on the page of area for unit (0: the organisation) and the
// ones before and after it.
func areaTabs(f *framework.Framework, area *framework.Area, unit int64) (tabs []*framework.Area, prev, next *framework.Area) {
	for _, a := range f.Areas {
		if unit == 0 || a.ID == area.ID || hasUnitQuestions(a) {
			tabs = append(tabs, a)
		}
	}
	for i, a := range tabs {
		if a.ID == area.ID {
			if i > 0 {
				prev = tabs[i-1]
			}
			if i+1 < len(tabs) {
				next = tabs[i+1]
			}
		}
	}
	return tabs, prev, next
}

func hasUnitQuestions(a *framework.Area) bool {
	for _, q := range a.Questions {
		if q.Scope == framework.ScopeUnit {
			return true
		}
	}
	return false
}

// baselineArea is the page where questions are answered: one focus area, for the organisation
// (unit=0) or for one unit.
func (s *Server) baselineArea(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, pd, r, err := s.loadAssessmentPage(r, true)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q := r.URL.Query()
	area, ok := x.F.Area(q.Get("a"))
	if !ok {
		s.notFound(w, r)
		return
	}
	unit, ok := s.intParam(w, r, "unit", 0)
	if !ok {
		return
	}
	if unit != 0 {
		if _, ok := x.UnitName[unit]; !ok {
			s.notFound(w, r)
			return
		}
	}
	ev := pd.Evidence
	am := answerMap(pd.Answers)
	manage := vaern.Can(x.P.Role, vaern.PermBaselineManage) && x.Editable
	d := &areaData{X: x, Area: area, Unit: unit, UnitName: x.UnitName[unit]}
	var views []answerView
	for _, qq := range area.Questions {
		if (qq.Scope == framework.ScopeUnit) != (unit != 0) {
			continue
		}
		a := am[slotKey{qq.ID, unit}]
		may := x.Editable && baseline.MayAnswer(x.P, x.Mine, x.F, qq, unit) && (a.Status != vaern.AnswerApproved || manage)
		views = append(views, answerView{Q: qq, Unit: unit, Answer: a, Evidence: ev[a.ID], MayAnswer: may, MayReview: manage, Assessment: x.A.ID})
		if manage && a.Status == vaern.AnswerAnswered && a.Value != "" {
			d.Pending++
		}
	}
	if unit == 0 && hasUnitQuestions(area) {
		dels, err := s.st.Delegations(ctx, x.P.Org.ID, x.A.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, u := range baseline.AnsweringUnits(x.A, dels) {
			pr := Progress{Key: strconv.FormatInt(u, 10), Name: x.UnitName[u], UnitAnswer: u}
			for _, qq := range area.Questions {
				if qq.Scope == framework.ScopeUnit {
					a, ok := am[slotKey{qq.ID, u}]
					countProgress(&pr, a, ok)
				}
			}
			finishProgress(&pr)
			d.UnitLinks = append(d.UnitLinks, pr)
		}
	}
	d.Tabs, d.Prev, d.Next = areaTabs(x.F, area, unit)
	pg := s.page(w, r, "bl.area_title", d)
	d.Count = len(views)
	main := bufs.Get().(*bytes.Buffer)
	main.Reset()
	defer bufs.Put(main)
	writeAreaMain(main, pg.L, d)
	key := areaPartKeyFor(x.Info, x.A.ID, pd.AnswersVersion, pg.L.Lang, area.ID, unit, views)
	if kept := s.acache.get(key); kept != nil {
		s.writePage(w, r, http.StatusOK, "baseline_area", pg, main.Bytes(), kept)
		return
	}
	part := bufs.Get().(*bytes.Buffer)
	part.Reset()
	defer func() {
		if part.Cap() < 4<<20 {
			bufs.Put(part)
		}
	}()
	s.renderQuestions(part, x.Info, x.F, pg.L, views)
	s.acache.put(key, part.Bytes())
	s.writePage(w, r, http.StatusOK, "baseline_area", pg, main.Bytes(), part.Bytes())
}

// writeAreaMain writes the focus-area page's content around the questions, which go where
// spliceMark stands: the same HTML the other pages' templates give, built directly, since this is
// the page respondents reload all day.
func writeAreaMain(b *bytes.Buffer, l *i18n.Localizer, d *areaData) {
	x := d.X
	asm := strconv.FormatInt(x.A.ID, 10)
	areaURL := func(id string, unit int64) string {
		u := "/baseline/" + asm + "/area?a=" + strings.ReplaceAll(url.QueryEscape(id), "+", "%20")
		if unit != 0 {
			u += "&unit=" + strconv.FormatInt(unit, 10)
		}
		return esc(u)
	}
	b.WriteString(`<p class="crumbs"><a href="/baseline">` + esc(l.T("bl.title")) + `</a> › <a href="/baseline/` + asm + `">` +
		strconv.Itoa(x.A.Round.Year) + ` · ` + esc(x.A.Round.Title) + "</a></p>\n")
	b.WriteString(`<h1>` + esc(d.Area.ID) + ` · ` + esc(d.Area.Title.Get(l.Lang)))
	if d.Unit != 0 {
		b.WriteString(` – ` + esc(d.UnitName))
	}
	b.WriteString("</h1>\n")
	if desc := d.Area.Description.Get(l.Lang); desc != "" {
		b.WriteString(`<p class="lead">` + esc(desc) + `</p>`)
	}
	b.WriteString("\n")
	if !x.Editable { // as the bl-lock partial
		b.WriteString(`<p class="notice">`)
		if x.A.Status == vaern.AssessmentSubmitted {
			b.WriteString(esc(l.T("rv.submitted_notice", formatDateTime(x.A.SubmittedAt))))
		} else {
			b.WriteString(esc(l.T("bl.locked")))
		}
		b.WriteString(`</p>`)
	}
	b.WriteString("\n" + `<nav class="area-nav" aria-label="` + esc(l.T("bl.areas")) + `"><ul>`)
	for _, a := range d.Tabs {
		b.WriteString(`<li><a href="` + areaURL(a.ID, d.Unit) + `"`)
		if a.ID == d.Area.ID {
			b.WriteString(` aria-current="page"`)
		}
		b.WriteString(`>` + esc(a.ID) + `</a></li>`)
	}
	b.WriteString("</ul></nav>\n")
	if len(d.UnitLinks) > 0 {
		b.WriteString(`<section class="panel" aria-labelledby="ul-h"><h2 id="ul-h">` + esc(l.T("bl.unit_questions")) + "</h2>\n<ul>")
		for _, u := range d.UnitLinks {
			b.WriteString(`<li><a href="` + areaURL(d.Area.ID, u.UnitAnswer) + `">` + esc(u.Name) + `</a> – ` +
				esc(l.T("bl.n_of_m", u.Answered, u.Total)) + `</li>`)
		}
		b.WriteString("</ul></section>\n")
	}
	if d.Pending > 0 {
		b.WriteString(`<section class="panel" aria-labelledby="bulk-h"><h2 id="bulk-h">` + esc(l.T("rv.bulk_title")) + "</h2>\n" +
			`<p class="help">` + esc(l.T("rv.bulk_help")) + "</p>\n" +
			`<form method="post" action="approve" class="inline-form"><input type="hidden" name="a" value="` + esc(d.Area.ID) +
			`"><input type="hidden" name="unit" value="` + strconv.FormatInt(d.Unit, 10) + `"><button type="submit" class="primary">` +
			esc(l.T("rv.approve_area_pending", d.Pending)) + "</button></form>\n" +
			`<form method="post" action="approve" id="ticked" class="inline-form"><input type="hidden" name="item_list" value="1"><button type="submit">` +
			esc(l.T("rv.approve_ticked")) + "</button></form>\n</section>\n")
	}
	b.WriteString(`<div class="questions" data-assessment="` + asm + `" data-saved="` + esc(l.T("bl.saved")) + `" data-saving="` +
		esc(l.T("bl.saving")) + `" data-failed="` + esc(l.T("bl.save_failed")) + `" data-retrying="` + esc(l.T("autosave.retrying")) + "\">\n" +
		spliceMark + "\n</div>\n")
	if d.Count == 0 {
		b.WriteString(`<p>` + esc(l.T("bl.no_questions_here")) + `</p>`)
	}
	b.WriteString("\n" + `<p class="pager">`)
	if d.Prev != nil {
		b.WriteString(`<a href="` + areaURL(d.Prev.ID, d.Unit) + `">← ` + esc(d.Prev.ID) + ` · ` + esc(d.Prev.Title.Get(l.Lang)) + `</a>`)
	}
	b.WriteString(" ")
	if d.Next != nil {
		b.WriteString(`<a href="` + areaURL(d.Next.ID, d.Unit) + `">` + esc(d.Next.ID) + ` · ` + esc(d.Next.Title.Get(l.Lang)) + ` →</a>`)
	}
	b.WriteString("</p>\n")
}
