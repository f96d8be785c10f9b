package report

import (
	"context"
	"sort"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// National is the centre's national report. It is built from participation counts and anonymous
// aggregates only: no member's row is ever read for it.
type National struct {
	L      *i18n.Localizer      `json:"-"`
	Centre vaern.Org            `json:"-"`
	K      int                  `json:"k"`
	Rounds []NationalRound      `json:"rounds"`
	Round  *NationalRound       `json:"-"` // the round shown in detail
	F      *framework.Framework `json:"-"`

	Participation *ChartView `json:"-"`
	Distribution  *ChartView `json:"-"`
	Development   *ChartView `json:"-"`
	BySize        *ChartView `json:"-"`
	ByRegion      *ChartView `json:"-"`
	ByCountry     *ChartView `json:"-"`
	ByGroup       *ChartView `json:"-"`
	// Names are the centre's own groups' names by id.
	Names map[int64]string `json:"-"`
}

// NationalRound is one round's participation and aggregates.
type NationalRound struct {
	store.RoundStats
	Aggregates []results.Aggregate `json:"aggregates"`
	by         map[string]results.Aggregate
}

func (r *NationalRound) get(area, group string) *results.Summary {
	a, ok := r.by[area+"|"+group]
	if !ok || a.Suppressed {
		return nil
	}
	return a.Summary
}

// National builds the centre's report; roundID chooses the round shown in detail (0: the newest
// with aggregates). A round of another centre answers vaern.ErrNotFound.
func (b *Builder) National(ctx context.Context, l *i18n.Localizer, centre vaern.Org, roundID int64) (*National, error) {
	n := &National{L: l, Centre: centre, K: b.k()}
	var err error
	if n.Names, err = b.St.MemberGroupNames(ctx, centre.ID); err != nil {
		return nil, err
	}
	stats, err := b.St.CentreRoundStats(ctx, centre.ID)
	if err != nil {
		return nil, err
	}
	all, err := results.CentreAggregatesAll(ctx, b.St, centre.ID, b.k())
	if err != nil {
		return nil, err
	}
	for _, s := range stats {
		r := NationalRound{RoundStats: s, Aggregates: all[s.RoundID], by: map[string]results.Aggregate{}}
		if r.Aggregates == nil {
			r.Aggregates = []results.Aggregate{}
		}
		for _, a := range r.Aggregates {
			r.by[a.Area+"|"+a.Group] = a
		}
		n.Rounds = append(n.Rounds, r)
	}
	for i := range n.Rounds {
		if n.Rounds[i].RoundID == roundID || roundID == 0 {
			n.Round = &n.Rounds[i]
		}
	}
	if roundID != 0 && n.Round == nil {
		return nil, vaern.ErrNotFound
	}
	if n.Round == nil {
		return n, nil
	}
	round, err := b.St.Round(ctx, centre.ID, n.Round.RoundID)
	if err != nil {
		return nil, err
	}
	if _, n.F, err = b.St.Framework(ctx, round.FrameworkID); err != nil {
		return nil, err
	}
	n.charts()
	return n, nil
}

func (n *National) boxCols() []string {
	l := n.L
	return []string{l.T("rs.n"), l.T("rs.p10"), l.T("rs.q1"), l.T("rs.median"), l.T("rs.q3"), l.T("rs.p90"), l.T("rs.mean")}
}

func (n *National) charts() {
	l := n.L
	lang := l.Lang
	r := n.Round
	// Participation per round.
	var years []string
	var invited, submitted, included []*float64
	mx := 1.0
	for _, x := range n.Rounds {
		years = append(years, itoa(x.Year))
		i, s, c := float64(x.Invited), float64(x.Submitted), float64(x.Included)
		invited, submitted, included = append(invited, &i), append(submitted, &s), append(included, &c)
		if i > mx {
			mx = i
		}
	}
	n.Participation = view(l, &charts.Chart{ID: "participation", Kind: charts.Bars, Title: l.T("rs.chart.participation"), Desc: l.T("rs.chart.participation_desc"),
		Labels: years, LabelHead: l.T("rs.year"), Max: mx, Counts: true, Series: []charts.Series{{Name: l.T("rs.invited"), Values: invited},
			{Name: l.T("rs.submitted"), Values: submitted}, {Name: l.T("rs.included"), Values: included}}})
	// Distribution per focus area in the chosen round.
	var boxes []charts.Box
	areas := []string{""}
	names := map[string]string{"": l.T("rs.overall")}
	for _, a := range n.F.Areas {
		areas = append(areas, a.ID)
		names[a.ID] = a.ID + " " + a.Title.Get(lang)
	}
	for _, a := range areas {
		boxes = append(boxes, box(names[a], r.get(a, results.GroupAll), nil))
	}
	n.Distribution = view(l, &charts.Chart{ID: "distribution", Kind: charts.Boxes, Title: l.T("rs.chart.distribution", r.Title),
		Desc: l.T("rs.chart.distribution_desc"), LabelHead: l.T("rs.area"), BoxCols: n.boxCols(), SuppressedText: l.T("rs.suppressed_short"), Boxes: boxes})
	// Development: the median of every round, overall and per area (areas by id, as frameworks
	// keep their area ids across versions).
	series := []charts.Series{{Name: l.T("rs.overall")}}
	for _, a := range areas[1:] {
		series = append(series, charts.Series{Name: a})
	}
	for _, x := range n.Rounds {
		for i, a := range areas {
			var v *float64
			if s := x.get(a, results.GroupAll); s != nil {
				m := s.Median
				v = &m
			}
			series[i].Values = append(series[i].Values, v)
		}
	}
	n.Development = view(l, &charts.Chart{ID: "development", Kind: charts.Lines, Title: l.T("rs.chart.development"), Desc: l.T("rs.chart.development_desc"),
		Labels: years, LabelHead: l.T("rs.year"), Series: series[:1]})
	n.Development.Head, n.Development.Rows = (&charts.Chart{Kind: charts.Lines, Labels: years, LabelHead: l.T("rs.year"), Series: series}).Table()
	// By size class, region and country: the overall score.
	groupsOf := func(prefix string) []string {
		var gs []string
		for _, a := range r.Aggregates {
			if a.Area == "" && len(a.Group) > len(prefix) && a.Group[:len(prefix)] == prefix {
				gs = append(gs, a.Group)
			}
		}
		sort.Strings(gs)
		return gs
	}
	groupChart := func(id, title, desc string, gs []string) *ChartView {
		var bs []charts.Box
		for _, g := range gs {
			bs = append(bs, box(groupLabel(l, n.Names, g), r.get("", g), nil))
		}
		return view(l, &charts.Chart{ID: id, Kind: charts.Boxes, Title: title, Desc: desc, LabelHead: l.T("rs.group"), BoxCols: n.boxCols(),
			SuppressedText: l.T("rs.suppressed_short"), Boxes: bs})
	}
	sizes := []string{}
	for _, c := range groupsOf(results.PrefixCountry) {
		for _, s := range []string{vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge} {
			for _, g := range groupsOf(results.PrefixSize) {
				if g == results.PrefixSize+results.RegionKey(c[len(results.PrefixCountry):], s) {
					sizes = append(sizes, g)
				}
			}
		}
	}
	n.BySize = groupChart("bysize", l.T("rs.chart.by_size"), l.T("rs.chart.by_size_desc"), sizes)
	n.ByRegion = groupChart("byregion", l.T("rs.chart.by_region"), l.T("rs.chart.by_region_desc"), groupsOf(results.PrefixRegion))
	n.ByCountry = groupChart("bycountry", l.T("rs.chart.by_country"), l.T("rs.chart.by_country_desc"), groupsOf(results.PrefixCountry))
	n.ByGroup = groupChart("bygroup", l.T("ind.chart.by_group"), l.T("ind.chart.by_group_desc"), groupsOf(results.PrefixNamed))
}
