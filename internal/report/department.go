package report

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
)

// Department is the management report of one department (unit) in one assessment.
type Department struct {
	L          *i18n.Localizer      `json:"-"`
	Org        vaern.Org            `json:"-"`
	Unit       vaern.Unit           `json:"-"`
	Assessment *vaern.Assessment    `json:"-"` // nil when the organisation has no assessment yet
	F          *framework.Framework `json:"-"`
	// Takes part is true when the unit answered the unit questions of the assessment.
	TakesPart bool          `json:"takes_part"`
	Areas     []DeptAreaRow `json:"areas"`
	Overall   DeptAreaRow   `json:"overall"`
	Recs      []Rec         `json:"recommendations"`
	FollowUps []FollowUp    `json:"follow_ups"`
	// Status is the register's "system owners' status" for the unit; nil without systems.
	Status  *vaern.UnitStatus `json:"systems,omitempty"`
	Actions []vaern.Action    `json:"-"`
	Bars    *ChartView        `json:"-"`
	// Others are the organisation's other assessments, for choosing the round.
	Others []vaern.Assessment `json:"-"`
}

// DeptAreaRow compares the department with the rest of its organisation in one focus area (over
// the questions each department answers for itself).
type DeptAreaRow struct {
	ID     string   `json:"area_id"`
	Title  string   `json:"title"`
	Unit   *float64 `json:"department"`
	Rest   *float64 `json:"rest_of_organisation"`
	Target float64  `json:"target"`
	Gap    *float64 `json:"gap"`
	Below  bool     `json:"below_target"`
}

// Department builds the management report of the member's unit in assessment id, or in the newest
// assessment the unit takes part in when id is 0. A foreign unit or assessment answers
// vaern.ErrNotFound.
func (b *Builder) Department(ctx context.Context, l *i18n.Localizer, org vaern.Org, unitID, id int64) (*Department, error) {
	u, err := b.St.Unit(ctx, org.ID, unitID)
	if err != nil {
		return nil, err
	}
	d := &Department{L: l, Org: org, Unit: u}
	list, err := b.St.Assessments(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	d.Others = list
	var a *vaern.Assessment
	for i := range list {
		x := &list[i]
		if id != 0 {
			if x.ID == id {
				a = x
			}
			continue
		}
		for _, p := range x.Units {
			if p == unitID && a == nil {
				a = x
			}
		}
	}
	if id != 0 && a == nil {
		return nil, vaern.ErrNotFound
	}
	if a == nil && len(list) > 0 {
		a = &list[0]
	}
	statuses, err := b.St.UnitStatuses(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for i := range statuses {
		if statuses[i].UnitID == unitID {
			d.Status = &statuses[i]
		}
	}
	if a == nil {
		return d, nil
	}
	d.Assessment = a
	_, f, err := b.St.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	d.F = f
	res, _, _, err := b.result(ctx, org.ID, *a)
	if err != nil {
		return nil, err
	}
	var mine *baseline.UnitResult
	var others []baseline.UnitResult
	for i, ur := range res.Units {
		if ur.UnitID == unitID {
			mine = &res.Units[i]
		} else {
			others = append(others, ur)
		}
	}
	actions, err := b.St.Actions(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range actions {
		if x.UnitID == unitID && (x.AssessmentID == a.ID || x.RoundYear <= a.Round.Year) {
			d.Actions = append(d.Actions, x)
		}
	}
	if mine == nil {
		d.bars()
		return d, nil
	}
	d.TakesPart = true
	lang := l.Lang
	restOf := func(area string) *float64 {
		sum, n := 0.0, 0
		for _, o := range others {
			for _, ar := range o.Areas {
				if (area == "" || ar.AreaID == area) && ar.Score != nil {
					if area == "" {
						continue
					}
					sum += *ar.Score
					n++
				}
			}
			if area == "" && o.Overall != nil {
				sum += *o.Overall
				n++
			}
		}
		if n == 0 {
			return nil
		}
		v := sum / float64(n)
		return &v
	}
	for _, ar := range mine.Areas {
		title := ar.AreaID
		if x, ok := f.Area(ar.AreaID); ok {
			title = x.Title.Get(lang)
		}
		d.Areas = append(d.Areas, DeptAreaRow{ID: ar.AreaID, Title: title, Unit: ar.Score, Rest: restOf(ar.AreaID), Target: ar.Target, Gap: ar.Gap,
			Below: ar.Gap != nil && *ar.Gap > 1e-9})
	}
	d.Overall = DeptAreaRow{Title: l.T("rs.overall"), Unit: mine.Overall, Rest: restOf(""), Target: mine.Target, Gap: mine.Gap}
	// The department's own recommendations: its answers to the unit questions, scored alone.
	answers, err := b.St.Answers(ctx, org.ID, a.ID)
	if err != nil {
		return nil, err
	}
	var own []baseline.Answer
	for _, x := range answers {
		if x.UnitID == unitID {
			own = append(own, baseline.Answer{QuestionID: x.QuestionID, UnitID: x.UnitID, Value: x.Value})
		}
	}
	ures := baseline.Compute(f, own, []int64{unitID})
	d.Recs = recs(f, ures, lang, 10, d.Actions, unitID)
	d.FollowUps = followUps(f, ures, lang, map[int64]string{unitID: u.Name})
	d.bars()
	return d, nil
}

func (d *Department) bars() {
	l := d.L
	var labels []string
	var unit, rest, target []*float64
	for _, a := range d.Areas {
		labels = append(labels, a.ID)
		unit = append(unit, a.Unit)
		rest = append(rest, a.Rest)
		t := a.Target
		target = append(target, &t)
	}
	d.Bars = view(l, &charts.Chart{ID: "dept", Kind: charts.Bars, Title: l.T("rs.chart.department"), Desc: l.T("rs.chart.department_desc"),
		Labels: labels, LabelHead: l.T("rs.area"), Series: []charts.Series{{Name: d.Unit.Name, Values: unit},
			{Name: l.T("rs.rest"), Values: rest}, {Name: l.T("rs.target"), Values: target, Target: true}}})
}
