// Package report builds Værn's reports from the store: the municipality report of one assessment,
// the management report of one department, and the centre's national report. A member's reports
// read only that member's rows and the anonymous aggregates of its rounds; the national report
// reads nothing but aggregates and participation counts (results.CentreAggregatesAll,
// store.CentreRoundStats), so it cannot show one member's figures. Each report renders to HTML
// (its fields), and to every export format through Doc and JSON.
package report

import (
	"context"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// DefaultK is the smallest group the benchmark shows when nothing else is configured.
const DefaultK = 5

// Builder builds reports over a store with the benchmark's k.
type Builder struct {
	St *store.Store
	K  int
}

func (b *Builder) k() int {
	if b.K < 1 {
		return DefaultK
	}
	return b.K
}

// AreaRow is one focus area's scores.
type AreaRow struct {
	ID       string   `json:"area_id"`
	Title    string   `json:"title"`
	Score    *float64 `json:"score"`
	Target   float64  `json:"target"`
	Gap      *float64 `json:"gap"`
	Answered int      `json:"answered"`
	Total    int      `json:"total"`
	DontKnow int      `json:"dont_know"`
	Below    bool     `json:"below_target"`
}

// Rec is a recommendation with its question's text.
type Rec struct {
	baseline.Recommendation
	Question string `json:"question"`
	AreaName string `json:"area"`
	// Actions already made from it.
	Actions int `json:"actions"`
}

// FollowUp is a "don't know" answer to follow up.
type FollowUp struct {
	QuestionID string `json:"question_id"`
	Question   string `json:"question"`
	UnitID     int64  `json:"unit_id"`
	Unit       string `json:"unit"`
}

// GroupPos is the member's place in one group's distribution.
type GroupPos struct {
	Group      string           `json:"group"`
	Label      string           `json:"label"`
	Suppressed bool             `json:"suppressed"`
	Summary    *results.Summary `json:"summary,omitempty"`
	Band       results.Band     `json:"band,omitempty"`
	BandText   string           `json:"-"`
}

// Position is the member's place for one score (Area "" is the overall score).
type Position struct {
	Area   string     `json:"area"`
	Title  string     `json:"title"`
	Score  *float64   `json:"score"`
	Groups []GroupPos `json:"groups"`
}

// ChartView is a chart ready for a page: the SVG and its data table.
type ChartView struct {
	Chart *charts.Chart
	SVG   string
	Head  []string
	Rows  [][]string // as the page shows them, in the reader's language
	Raw   [][]string // the same in canonical form, for the exports
}

// view renders a chart and its data table; the table's figures are written as the reader's language
// writes decimals.
func view(l *i18n.Localizer, c *charts.Chart) *ChartView {
	v := &ChartView{Chart: c, SVG: c.SVG()}
	v.setTable(l, c)
	return v
}

// setTable puts c's data table into the view: canonical for the exports, localized for the page.
func (v *ChartView) setTable(l *i18n.Localizer, c *charts.Chart) {
	h, raw := c.Table()
	rows := make([][]string, len(raw))
	for r, row := range raw {
		rows[r] = make([]string, len(row))
		for i, cell := range row {
			if i > 0 {
				cell, _ = i18n.LocalNumber(cell, l.Lang)
			}
			rows[r][i] = cell
		}
	}
	v.Head, v.Rows, v.Raw = h, rows, raw
}

func lbl(l *i18n.Localizer, key string) string { return l.T(key) }

// groupLabel says which group a figure is: all members (of every country), a country's members,
// a size class or region within a country, or one of the centre's groups (names by id).
func groupLabel(l *i18n.Localizer, names map[int64]string, key string) string {
	kind, v := results.GroupLabel(key)
	switch kind {
	case "all":
		return l.T("ind.group.all")
	case "size":
		return l.T("ind.group.size", l.T("size."+v), l.T("country."+results.GroupCountry(key)))
	case "region":
		return l.T("ind.group.region", v, l.T("country."+results.GroupCountry(key)))
	case "country":
		return l.T("ind.group.country", l.T("country."+v))
	case "group":
		id, _ := strconv.ParseInt(v, 10, 64)
		if n, ok := names[id]; ok {
			return l.T("ind.group.named", n)
		}
		return l.T("ind.group.named", v)
	}
	return v
}

func areaRows(f *framework.Framework, res baseline.Result, lang string) []AreaRow {
	var out []AreaRow
	for _, a := range res.Areas {
		title := a.AreaID
		if ar, ok := f.Area(a.AreaID); ok {
			title = ar.Title.Get(lang)
		}
		out = append(out, AreaRow{ID: a.AreaID, Title: title, Score: a.Score, Target: a.Target, Gap: a.Gap, Answered: a.Answered,
			Total: a.Total, DontKnow: a.DontKnow, Below: a.Gap != nil && *a.Gap > 1e-9})
	}
	return out
}

// recs turns a result's recommendations into the report's, counting the actions already made
// from each by the units in units.
func recs(f *framework.Framework, res baseline.Result, lang string, limit int, actions []vaern.Action, units map[int64]bool) []Rec {
	made := map[string]int{}
	for _, a := range actions {
		if units[a.UnitID] {
			made[a.QuestionID]++
		}
	}
	var out []Rec
	for _, r := range baseline.Recommendations(f, res, lang, limit) {
		x := Rec{Recommendation: r, Actions: made[r.QuestionID]}
		if q, ok := f.Question(r.QuestionID); ok {
			x.Question = q.Text.Get(lang)
		}
		if a, ok := f.Area(r.AreaID); ok {
			x.AreaName = a.Title.Get(lang)
		}
		out = append(out, x)
	}
	return out
}

func followUps(f *framework.Framework, res baseline.Result, lang string, unitName map[int64]string) []FollowUp {
	var out []FollowUp
	for _, fu := range res.FollowUps {
		x := FollowUp{QuestionID: fu.QuestionID, UnitID: fu.UnitID, Unit: unitName[fu.UnitID]}
		if q, ok := f.Question(fu.QuestionID); ok {
			x.Question = q.Text.Get(lang)
		}
		out = append(out, x)
	}
	return out
}

// versions returns every stored version of framework fid that the centre has, by version.
func (b *Builder) versions(ctx context.Context, centreID int64, fid string) (map[string]*framework.Framework, error) {
	infos, err := b.St.Frameworks(ctx, centreID)
	if err != nil {
		return nil, err
	}
	out := map[string]*framework.Framework{}
	for _, in := range infos {
		if in.FID != fid || in.Draft {
			continue
		}
		_, f, err := b.St.Framework(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		out[in.Version] = f
	}
	return out, nil
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func itoa(n int) string { return strconv.Itoa(n) }

var _ = fmt.Sprint
var _ = sort.Strings
var _ = strings.TrimSpace

// HTML returns the chart's SVG for inline use in a page. The SVG is built by internal/charts from
// escaped text and numbers only.
func (v *ChartView) HTML() template.HTML { return template.HTML(v.SVG) }
