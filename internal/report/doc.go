package report

import (
	"context"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/i18n"
)

func tableOf(v *ChartView) *export.Table {
	return &export.Table{Caption: v.Chart.Title, Head: v.Head, Rows: v.Raw}
}

func base(l *i18n.Localizer, title, org, round string, now time.Time) export.Doc {
	return export.Doc{Lang: l.Lang, Title: title, Org: org, Round: round, PageOf: l.T("rs.page_of"), Generated: l.T("rs.generated", now.Format("2006-01-02"))}
}

func actionRows(l *i18n.Localizer, list []vaern.Action, units map[int64]string) [][]string {
	var rows [][]string
	for _, a := range list {
		rows = append(rows, []string{a.Title, a.QuestionID, units[a.UnitID], a.OwnerName, date(a.Due), l.T("rs.status." + a.Status), strconv.Itoa(a.RoundYear)})
	}
	return rows
}

func actionHead(l *i18n.Localizer) []string {
	return []string{l.T("rs.action"), l.T("rs.question"), l.T("rs.department"), l.T("rs.owner"), l.T("rs.due"), l.T("rs.status"), l.T("rs.year")}
}

// Doc is the municipality report for the exports. The XLSX also holds the member's raw answers.
func (b *Builder) MemberDoc(ctx context.Context, m *Member) (export.Doc, error) {
	l := m.L
	d := base(l, l.T("rs.member_title"), m.Org.Name, m.Assessment.Round.Title, b.St.Now())
	d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.summary"), Text: l.T("rs.summary_text", l.DecP(m.Result.Overall), l.Dec(m.Result.Target),
		m.Result.Answered, m.Result.Total)})
	d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.areas"), Chart: m.Radar.Chart})
	if len(m.Trend) > 0 {
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.trend"), Text: l.T("rs.trend_help"), Chart: m.TrendC.Chart})
		t := tableOf(m.TrendC)
		t.Caption = l.T("rs.trend_areas")
		d.Blocks = append(d.Blocks, export.Block{Table: t})
	}
	if m.PosC != nil {
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.benchmark"), Text: l.T("rs.benchmark_help", b.k()), Chart: m.PosC.Chart})
		d.Blocks = append(d.Blocks, export.Block{Chart: m.AreaPosC.Chart})
		var rows [][]string
		for _, p := range m.Positions {
			row := []string{p.Title, export.NumP(p.Score)}
			for _, g := range p.Groups {
				if g.Suppressed {
					row = append(row, l.T("rs.suppressed_short"))
				} else {
					row = append(row, g.BandText)
				}
			}
			rows = append(rows, row)
		}
		head := []string{l.T("rs.area"), l.T("rs.score")}
		if len(m.Positions) > 0 {
			for _, g := range m.Positions[0].Groups {
				head = append(head, g.Label)
			}
		}
		d.Blocks = append(d.Blocks, export.Block{Table: &export.Table{Caption: l.T("rs.bands"), Head: head, Rows: rows}})
	}
	var recs []string
	for _, r := range m.Recs {
		recs = append(recs, r.QuestionID+" "+r.Question+" – "+r.Text+" ("+l.T("rs.priority")+" "+l.Dec(r.Priority)+")")
	}
	if len(recs) == 0 {
		recs = nil
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.recommendations"), Text: l.T("rs.no_recommendations")})
	} else {
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.recommendations"), List: recs})
	}
	var fus []string
	for _, f := range m.FollowUps {
		s := f.QuestionID + " " + f.Question
		if f.Unit != "" {
			s += " – " + f.Unit
		}
		fus = append(fus, s)
	}
	if len(fus) > 0 {
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.followups"), List: fus})
	}
	all := append(append([]vaern.Action{}, m.Actions...), m.Earlier...)
	if len(all) > 0 {
		d.Blocks = append(d.Blocks, export.Block{Heading: l.T("rs.actions"), Table: &export.Table{Head: actionHead(l), Rows: actionRows(l, all, m.UnitName)}})
	}
	// Sheets: one per focus area with its questions, then the raw answers.
	qhead := []string{l.T("rs.question"), l.T("rs.text"), l.T("rs.score"), l.T("rs.target"), l.T("rs.gap"), l.T("rs.weight"), l.T("rs.dontknow")}
	byArea := map[string][][]string{}
	var csvRows [][]string
	for _, q := range m.Result.Questions {
		text := ""
		if x, ok := m.F.Question(q.QuestionID); ok {
			text = x.Text.Get(l.Lang)
		}
		dk := ""
		if q.DontKnow {
			dk = l.T("rs.yes")
		}
		row := []string{q.QuestionID, text, export.NumP(q.Score), export.Num(q.Target), export.NumP(q.Gap), strconv.FormatFloat(q.Weight, 'f', -1, 64), dk}
		byArea[q.AreaID] = append(byArea[q.AreaID], row)
		csvRows = append(csvRows, append([]string{q.AreaID}, row...))
	}
	sum := export.Table{Name: l.T("rs.areas"), Head: []string{l.T("rs.area"), l.T("rs.title_col"), l.T("rs.score"), l.T("rs.target"), l.T("rs.gap"), l.T("rs.answered"), l.T("rs.dontknow")}}
	for _, a := range m.Areas {
		sum.Rows = append(sum.Rows, []string{a.ID, a.Title, export.NumP(a.Score), export.Num(a.Target), export.NumP(a.Gap), strconv.Itoa(a.Answered) + "/" + strconv.Itoa(a.Total), strconv.Itoa(a.DontKnow)})
	}
	d.Sheets = append(d.Sheets, sum)
	for _, a := range m.Areas {
		d.Sheets = append(d.Sheets, export.Table{Name: a.ID + " " + a.Title, Head: qhead, Rows: byArea[a.ID]})
	}
	answers, err := b.St.Answers(ctx, m.Org.ID, m.Assessment.ID)
	if err != nil {
		return d, err
	}
	raw := export.Table{Name: l.T("rs.raw_answers"), Head: []string{l.T("rs.question"), l.T("rs.department"), l.T("rs.answer"), l.T("rs.comment"), l.T("rs.status"), l.T("rs.answered_by")}}
	for _, a := range answers {
		raw.Rows = append(raw.Rows, []string{a.QuestionID, m.UnitName[a.UnitID], a.Value, a.Comment, a.Status, a.AnsweredByName})
	}
	d.Sheets = append(d.Sheets, raw)
	d.CSV = export.Table{Head: append([]string{l.T("rs.area")}, qhead...), Rows: csvRows}
	return d, nil
}

// MemberJSON is the municipality report as the JSON export and API give it.
type MemberJSON struct {
	Org          string `json:"organisation"`
	AssessmentID int64  `json:"assessment_id"`
	Year         int    `json:"year"`
	Round        string `json:"round"`
	Framework    string `json:"framework"`
	Version      string `json:"framework_version"`
	*Member
	Overall *float64       `json:"overall"`
	Target  float64        `json:"target"`
	Gap     *float64       `json:"gap"`
	Actions []ActionJSON   `json:"actions"`
	Earlier []ActionJSON   `json:"earlier_actions"`
	Result  map[string]any `json:"-"`
}

// ActionJSON is a task of the action plan in JSON.
type ActionJSON struct {
	ID           int64  `json:"id"`
	AssessmentID int64  `json:"assessment_id"`
	Year         int    `json:"year"`
	QuestionID   string `json:"question_id,omitempty"`
	UnitID       int64  `json:"unit_id,omitempty"`
	Title        string `json:"title"`
	OwnerID      int64  `json:"owner_id,omitempty"`
	Owner        string `json:"owner,omitempty"`
	Due          string `json:"due,omitempty"`
	Status       string `json:"status"`
	Note         string `json:"note,omitempty"`
	DoneAt       string `json:"done_at,omitempty"`
}

// ActionsJSON converts tasks to JSON.
func ActionsJSON(list []vaern.Action) []ActionJSON {
	out := []ActionJSON{}
	for _, a := range list {
		x := ActionJSON{ID: a.ID, AssessmentID: a.AssessmentID, Year: a.RoundYear, QuestionID: a.QuestionID, UnitID: a.UnitID, Title: a.Title,
			OwnerID: a.OwnerID, Owner: a.OwnerName, Due: date(a.Due), Status: a.Status, Note: a.Note}
		if !a.DoneAt.IsZero() {
			x.DoneAt = a.DoneAt.UTC().Format(time.RFC3339)
		}
		out = append(out, x)
	}
	return out
}

// orEmpty turns a nil list into an empty one: the JSON form has [] for "none", never null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// JSON returns the report's JSON form.
func (m *Member) JSON() MemberJSON {
	m.Areas, m.Units, m.Trend, m.Positions = orEmpty(m.Areas), orEmpty(m.Units), orEmpty(m.Trend), orEmpty(m.Positions)
	m.Recs, m.FollowUps = orEmpty(m.Recs), orEmpty(m.FollowUps)
	return MemberJSON{Org: m.Org.Name, AssessmentID: m.Assessment.ID, Year: m.Assessment.Round.Year, Round: m.Assessment.Round.Title,
		Framework: m.F.ID, Version: m.F.Version, Member: m, Overall: m.Result.Overall, Target: m.Result.Target, Gap: m.Result.Gap,
		Actions: ActionsJSON(m.Actions), Earlier: ActionsJSON(m.Earlier)}
}

// DepartmentDoc is the management report for the exports.
func (b *Builder) DepartmentDoc(d *Department) export.Doc {
	l := d.L
	round := ""
	if d.Assessment != nil {
		round = d.Assessment.Round.Title
	}
	doc := base(l, l.T("rs.department_title", d.Unit.Name), d.Org.Name, round, b.St.Now())
	if !d.TakesPart {
		doc.Blocks = append(doc.Blocks, export.Block{Text: l.T("rs.dept_not_part")})
	} else {
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.summary"), Text: l.T("rs.dept_summary", l.DecP(d.Overall.Unit), l.DecP(d.Overall.Rest), l.Dec(d.Overall.Target))})
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.dept_vs_rest"), Chart: d.Bars.Chart})
		ut := export.Table{Name: l.T("rs.dept_units"), Head: []string{l.T("field.unit"), l.T("rs.overall"), l.T("rs.gap"), l.T("rs.dept_answered")}}
		for _, u := range d.Units {
			ut.Rows = append(ut.Rows, []string{u.Name, l.DecP(u.Overall), l.DecP(u.Gap), l.T("bl.n_of_m", u.Answered, u.Total)})
		}
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.dept_units"), Table: &ut})
		doc.Sheets = append(doc.Sheets, ut)
	}
	var recs []string
	for _, r := range d.Recs {
		recs = append(recs, r.QuestionID+" "+r.Question+" – "+r.Text)
	}
	if len(recs) > 0 {
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.recommendations"), List: recs})
	}
	st := export.Table{Head: []string{l.T("rs.systems_status"), l.T("rs.count")}}
	if d.Status != nil {
		s := d.Status
		for _, r := range []struct {
			k string
			n int
		}{{"rs.sys.systems", s.Systems}, {"rs.sys.no_owner", s.NoOwner}, {"rs.sys.dpa_invalid", s.DPAInvalid},
			{"rs.sys.unassessed", s.Unassessed}, {"rs.sys.overdue", s.OverdueReviews}, {"rs.sys.high", s.HighRisks},
			{"reg.count.ai_unchecked", s.AIUnchecked}} {
			st.Rows = append(st.Rows, []string{l.T(r.k), strconv.Itoa(r.n)})
		}
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.systems_status"), Table: &st})
		if len(d.StatusUnits) > 1 {
			bt := export.Table{Name: l.T("rs.dept_systems_by_unit"), Head: []string{l.T("field.unit"), l.T("rs.sys.systems"), l.T("rs.sys.no_owner"),
				l.T("rs.sys.dpa_invalid"), l.T("rs.sys.unassessed"), l.T("rs.sys.overdue"), l.T("rs.sys.high")}}
			for _, s := range d.StatusUnits {
				bt.Rows = append(bt.Rows, []string{s.UnitName, strconv.Itoa(s.Systems), strconv.Itoa(s.NoOwner), strconv.Itoa(s.DPAInvalid),
					strconv.Itoa(s.Unassessed), strconv.Itoa(s.OverdueReviews), strconv.Itoa(s.HighRisks)})
			}
			doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.dept_systems_by_unit"), Table: &bt})
			doc.Sheets = append(doc.Sheets, bt)
		}
		if len(s.AIUncheckedSystems) > 0 {
			doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("reg.ai.unchecked_title"), Text: l.T("reg.ai.dept_intro"),
				List: s.AIUncheckedSystems})
		}
	} else {
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.systems_status"), Text: l.T("rs.no_systems")})
	}
	if len(d.Actions) > 0 {
		doc.Blocks = append(doc.Blocks, export.Block{Heading: l.T("rs.actions"), Table: &export.Table{Head: actionHead(l),
			Rows: actionRows(l, d.Actions, d.UnitNames)}})
	}
	if d.Bars != nil {
		t := export.ChartTable(d.Bars.Chart)
		t.Name = d.Unit.Name
		doc.Sheets = append(doc.Sheets, t)
		doc.CSV = t
	}
	if d.Status != nil {
		st.Name = l.T("rs.systems_status")
		doc.Sheets = append(doc.Sheets, st)
	}
	return doc
}

// NationalDoc is the national report for the exports: aggregates only.
func (b *Builder) NationalDoc(n *National) export.Doc {
	l := n.L
	round := ""
	if n.Round != nil {
		round = n.Round.Title
	}
	doc := base(l, l.T("rs.national_title"), n.Centre.Name, round, b.St.Now())
	doc.Blocks = append(doc.Blocks, export.Block{Text: l.T("rs.national_help", n.K)})
	if n.Round == nil {
		doc.Blocks = append(doc.Blocks, export.Block{Text: l.T("rs.national_none")})
		return doc
	}
	for _, c := range []struct {
		h string
		v *ChartView
	}{{"rs.participation", n.Participation}, {"rs.distribution", n.Distribution}, {"rs.development", n.Development},
		{"rs.by_size", n.BySize}, {"rs.by_region", n.ByRegion}, {"rs.by_country", n.ByCountry}} {
		blk := export.Block{Heading: l.T(c.h), Chart: c.v.Chart}
		if c.v == n.Development {
			blk.Chart = c.v.Chart
			doc.Blocks = append(doc.Blocks, blk, export.Block{Table: tableOf(c.v)})
			continue
		}
		doc.Blocks = append(doc.Blocks, blk)
	}
	for _, c := range []struct {
		k string
		v *ChartView
	}{{"rs.participation", n.Participation}, {"rs.distribution", n.Distribution}, {"rs.development", n.Development},
		{"rs.by_size", n.BySize}, {"rs.by_region", n.ByRegion}, {"rs.by_country", n.ByCountry}} {
		doc.Sheets = append(doc.Sheets, export.Table{Name: l.T(c.k), Head: c.v.Head, Rows: c.v.Rows})
	}
	// CSV: every shown aggregate of every round.
	doc.CSV = export.Table{Head: []string{l.T("rs.year"), l.T("rs.group"), l.T("rs.area"), l.T("rs.n"), l.T("rs.p10"), l.T("rs.q1"), l.T("rs.median"), l.T("rs.q3"), l.T("rs.p90"), l.T("rs.mean")}}
	for _, r := range n.Rounds {
		for _, a := range r.Aggregates {
			row := []string{strconv.Itoa(r.Year), groupLabel(l, n.Names, a.Group), a.Area}
			if a.Suppressed || a.Summary == nil {
				row = append(row, l.T("rs.suppressed_short"), "", "", "", "", "", "")
			} else {
				s := a.Summary
				row = append(row, strconv.Itoa(s.N), export.Num(s.P10), export.Num(s.Q1), export.Num(s.Median), export.Num(s.Q3), export.Num(s.P90), export.Num(s.Mean))
			}
			doc.CSV.Rows = append(doc.CSV.Rows, row)
		}
	}
	return doc
}

var _ = charts.Fmt

// DepartmentJSON is the management report in JSON.
type DepartmentJSON struct {
	Org          string `json:"organisation"`
	UnitID       int64  `json:"unit_id"`
	Unit         string `json:"unit"`
	AssessmentID int64  `json:"assessment_id,omitempty"`
	Year         int    `json:"year,omitempty"`
	*Department
	Actions []ActionJSON `json:"actions"`
}

// DepartmentJSONOf returns the management report's JSON form.
func DepartmentJSONOf(d *Department) DepartmentJSON {
	d.Areas, d.Recs, d.FollowUps = orEmpty(d.Areas), orEmpty(d.Recs), orEmpty(d.FollowUps)
	j := DepartmentJSON{Org: d.Org.Name, UnitID: d.Unit.ID, Unit: d.Unit.Name, Department: d, Actions: ActionsJSON(d.Actions)}
	if d.Assessment != nil {
		j.AssessmentID, j.Year = d.Assessment.ID, d.Assessment.Round.Year
	}
	return j
}
