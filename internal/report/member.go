package report

import (
	"context"
	"errors"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// Member is the municipality report of one assessment.
type Member struct {
	L          *i18n.Localizer      `json:"-"`
	Org        vaern.Org            `json:"-"`
	Assessment vaern.Assessment     `json:"-"`
	Info       vaern.FrameworkInfo  `json:"-"`
	F          *framework.Framework `json:"-"`
	Result     baseline.Result      `json:"-"`
	// Final is true when the figures are those stored at submission or round close.
	Final     bool               `json:"final"`
	Areas     []AreaRow          `json:"areas"`
	Units     []UnitRow          `json:"units"`
	Trend     []results.TrendRow `json:"trend"`
	Positions []Position         `json:"benchmark"`
	Bench     string             `json:"benchmark_status"` // shown, open (round not closed), none (no aggregates)
	Recs      []Rec              `json:"recommendations"`
	FollowUps []FollowUp         `json:"follow_ups"`
	Actions   []vaern.Action     `json:"-"`
	Earlier   []vaern.Action     `json:"-"`
	UnitName  map[int64]string   `json:"-"`
	Radar     *ChartView         `json:"-"`
	TrendC    *ChartView         `json:"-"`
	PosC      *ChartView         `json:"-"`
	AreaPosC  *ChartView         `json:"-"`
	// Composition is who the member's answers are aggregated with in this round.
	Composition *Composition `json:"composition,omitempty"`
}

// Composition tells a member, for one round, how many members its answers are aggregated with and
// which members the centre added or reached recently (docs/anonymity.md).
type Composition struct {
	Members   int              `json:"members"`             // members in the round
	Submitted int              `json:"submitted,omitempty"` // of them submitted (once computed)
	OptedOut  int              `json:"opted_out,omitempty"` // of them opted out of the benchmark
	Included  int              `json:"included,omitempty"`  // counted in the aggregates (once computed)
	Dependent int              `json:"dependent,omitempty"` // left out: reached by the centre too recently
	Computed  bool             `json:"computed"`
	Since     string           `json:"since"`
	Newcomers []store.Newcomer `json:"-"`
}

// UnitRow is one answering unit's overall score in the municipality report.
type UnitRow struct {
	UnitID   int64    `json:"unit_id"`
	Name     string   `json:"name"`
	Overall  *float64 `json:"overall"`
	Gap      *float64 `json:"gap"`
	Answered int      `json:"answered"`
	Total    int      `json:"total"`
}

// Member builds the report of the member's assessment id. A foreign id answers vaern.ErrNotFound.
func (b *Builder) Member(ctx context.Context, l *i18n.Localizer, org vaern.Org, id int64) (*Member, error) {
	m, err := b.MemberFixed(ctx, l, org, id)
	if err != nil {
		return nil, err
	}
	return b.MemberLive(ctx, m)
}

// MemberFixed builds the parts of the report that only an audited change of the member or its
// centre, or a new stored result, can alter (scores, units, trend, benchmark, follow-ups, charts);
// MemberLive adds the rest. A foreign id answers vaern.ErrNotFound.
func (b *Builder) MemberFixed(ctx context.Context, l *i18n.Localizer, org vaern.Org, id int64) (*Member, error) {
	a, err := b.St.Assessment(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	info, f, err := b.St.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	m := &Member{L: l, Org: org, Assessment: a, Info: info, F: f, UnitName: map[int64]string{}}
	var stored []results.TrendRow
	m.Result, stored, m.Final, err = b.result(ctx, org.ID, a)
	if err != nil {
		return nil, err
	}
	units, err := b.St.Units(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		m.UnitName[u.ID] = u.Name
	}
	lang := l.Lang
	m.Areas = areaRows(f, m.Result, lang)
	for _, u := range m.Result.Units {
		if u.Total == 0 {
			continue // the framework has no department questions
		}
		m.Units = append(m.Units, UnitRow{UnitID: u.UnitID, Name: m.UnitName[u.UnitID], Overall: u.Overall, Gap: u.Gap, Answered: u.Answered, Total: u.Total})
	}
	m.FollowUps = followUps(f, m.Result, lang, m.UnitName)
	if m.Final && stored != nil {
		m.Trend = stored
	} else if m.Trend, err = results.TrendOf(ctx, b.St, a, m.Result); err != nil {
		return nil, err
	}
	if err := b.position(ctx, m); err != nil {
		return nil, err
	}
	m.charts()
	return m, nil
}

// MemberLive returns a copy of fixed (from MemberFixed, which it does not change, so that it can
// be shared) with what changes without its own audited trace in the member or centre: the actions
// (and the recommendations, which count them) and the round's composition, which other members'
// arrival changes.
func (b *Builder) MemberLive(ctx context.Context, fixed *Member) (*Member, error) {
	m := *fixed
	m.Actions, m.Earlier = nil, nil
	actions, err := b.St.Actions(ctx, m.Org.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range actions {
		switch {
		case x.AssessmentID == m.Assessment.ID:
			m.Actions = append(m.Actions, x)
		case x.RoundYear <= m.Assessment.Round.Year:
			m.Earlier = append(m.Earlier, x)
		}
	}
	m.Recs = recs(m.F, m.Result, m.L.Lang, 10, m.Actions, map[int64]bool{0: true})
	if err := b.composition(ctx, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// result returns the assessment's stored result and trend once it is final (submitted or
// closed), else scores the current answers.
func (b *Builder) result(ctx context.Context, orgID int64, a vaern.Assessment) (baseline.Result, []results.TrendRow, bool, error) {
	if a.Status == vaern.AssessmentSubmitted || a.Status == vaern.AssessmentClosed {
		res, trend, ok, err := results.AssessmentResult(ctx, b.St, orgID, a.ID)
		if err != nil || ok {
			return res, trend, ok, err
		}
	}
	res, err := results.ScoreAssessment(ctx, b.St, orgID, a.ID)
	return res, nil, false, err
}

// position places the member in the anonymous distributions of its round.
func (b *Builder) position(ctx context.Context, m *Member) error {
	if m.Assessment.Round.Status != vaern.RoundClosed {
		m.Bench = "open"
		return nil
	}
	aggs, err := results.MemberAggregates(ctx, b.St, m.Org.ID, m.Assessment.RoundID, b.k())
	if err != nil && !errors.Is(err, vaern.ErrNotFound) {
		return err
	}
	if len(aggs) == 0 {
		m.Bench = "none"
		return nil
	}
	m.Bench = "shown"
	by := map[string]results.Aggregate{}
	for _, a := range aggs {
		by[a.Area+"|"+a.Group] = a
	}
	named, err := b.St.GroupsOfMember(ctx, m.Org.ID)
	if err != nil {
		return err
	}
	names, err := b.St.MemberGroupNames(ctx, m.Org.ParentID)
	if err != nil {
		return err
	}
	// The member's own country comes first, so that Danish and Norwegian members are not compared
	// together by default; all members (every country) come last.
	all := results.GroupsOf(results.Member{Country: m.Org.Country, Region: m.Org.Region, SizeClass: m.Org.SizeClass, Named: named})
	groups := append(all[1:], all[0])
	add := func(area, title string, score *float64) {
		p := Position{Area: area, Title: title, Score: score}
		for _, g := range groups {
			a, ok := by[area+"|"+g]
			gp := GroupPos{Group: g, Label: groupLabel(m.L, names, g), Suppressed: !ok || a.Suppressed, Summary: a.Summary}
			if gp.Suppressed {
				gp.Summary = nil
			}
			if gp.Summary != nil && score != nil {
				gp.Band = results.BandOf(*score, *gp.Summary)
				gp.BandText = m.L.T("rs.band." + string(gp.Band))
			}
			p.Groups = append(p.Groups, gp)
		}
		m.Positions = append(m.Positions, p)
	}
	add("", m.L.T("rs.overall"), m.Result.Overall)
	for _, a := range m.Areas {
		add(a.ID, a.Title, a.Score)
	}
	return nil
}

// composition reads who the member's answers are aggregated with in the round: how many members
// take part, how many were counted once the aggregates were computed, and the members created or
// reached by the centre within the independence period before the round opened, or since.
func (b *Builder) composition(ctx context.Context, m *Member) error {
	since := m.Assessment.Round.OpensAt.AddDate(0, 0, -results.DefaultIndependenceDays)
	list, total, err := b.St.RoundNewcomers(ctx, m.Org.ID, m.Assessment.RoundID, since)
	if err != nil {
		return err
	}
	c := &Composition{Members: total, Since: date(since), Newcomers: list}
	st, ok, err := b.St.MemberRoundStats(ctx, m.Org.ID, m.Assessment.RoundID)
	if err != nil {
		return err
	}
	if ok {
		c.Computed, c.Submitted, c.OptedOut, c.Included, c.Dependent = true, st.Submitted, st.OptedOut, st.Included, st.Dependent
	}
	m.Composition = c
	return nil
}

func (m *Member) charts() {
	l := m.L
	var labels []string
	var score, target []*float64
	for _, a := range m.Areas {
		labels = append(labels, a.ID)
		score = append(score, a.Score)
		t := a.Target
		target = append(target, &t)
	}
	m.Radar = view(l, &charts.Chart{ID: "radar", Kind: charts.Radar, Title: l.T("rs.chart.radar"), Desc: l.T("rs.chart.radar_desc"),
		Labels: labels, LabelHead: l.T("rs.area"),
		Series: []charts.Series{{Name: l.T("rs.score"), Values: score}, {Name: l.T("rs.target"), Values: target, Target: true}}})
	var years []string
	var overall, tgt []*float64
	for _, t := range m.Trend {
		years = append(years, itoa(t.Year))
		overall = append(overall, t.Point.Overall)
		x := m.Result.Target
		tgt = append(tgt, &x)
	}
	series := []charts.Series{{Name: l.T("rs.overall"), Values: overall}}
	for _, a := range m.Areas {
		var vs []*float64
		for _, t := range m.Trend {
			vs = append(vs, t.Point.Areas[a.ID])
		}
		series = append(series, charts.Series{Name: a.ID, Values: vs})
	}
	m.TrendC = view(l, &charts.Chart{ID: "trend", Kind: charts.Lines, Title: l.T("rs.chart.trend"), Desc: l.T("rs.chart.trend_desc"),
		Labels: years, LabelHead: l.T("rs.year"), Series: series[:1]})
	// The table under the trend chart has every area, not only the line drawn.
	m.TrendC.setTable(l, &charts.Chart{Kind: charts.Lines, Labels: years, LabelHead: l.T("rs.year"), Series: series})
	if len(m.Positions) > 0 {
		boxCols := []string{l.T("rs.n"), l.T("rs.p10"), l.T("rs.q1"), l.T("rs.median"), l.T("rs.q3"), l.T("rs.p90"), l.T("rs.mean"), l.T("rs.you")}
		p := m.Positions[0]
		var boxes []charts.Box
		for _, g := range p.Groups {
			boxes = append(boxes, box(g.Label, g.Summary, p.Score))
		}
		m.PosC = view(l, &charts.Chart{ID: "position", Kind: charts.Boxes, Title: l.T("rs.chart.position"), Desc: l.T("rs.chart.position_desc"),
			LabelHead: l.T("rs.group"), BoxCols: boxCols, SuppressedText: l.T("rs.suppressed_short"), Boxes: boxes})
		var areaBoxes []charts.Box
		for _, p := range m.Positions[1:] {
			if len(p.Groups) > 0 {
				areaBoxes = append(areaBoxes, box(p.Area, p.Groups[0].Summary, p.Score))
			}
		}
		m.AreaPosC = view(l, &charts.Chart{ID: "areapos", Kind: charts.Boxes, Title: l.T("rs.chart.area_position"), Desc: l.T("rs.chart.area_position_desc"),
			LabelHead: l.T("rs.area"), BoxCols: boxCols, SuppressedText: l.T("rs.suppressed_short"), Boxes: areaBoxes})
	}
}

func box(label string, s *results.Summary, marker *float64) charts.Box {
	if s == nil {
		return charts.Box{Label: label, Suppressed: true}
	}
	return charts.Box{Label: label, N: s.N, Min: s.P10, Q1: s.Q1, Median: s.Median, Q3: s.Q3, Max: s.P90, Mean: s.Mean, Marker: marker}
}
