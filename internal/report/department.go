package report

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
)

// Department is the management report of one department (unit) in one assessment. A department
// answers for itself and through its sub-units: its figures roll up the answers of the unit and
// of every unit below it, and so do its systems, recommendations and actions.
type Department struct {
	L          *i18n.Localizer      `json:"-"`
	Org        vaern.Org            `json:"-"`
	Unit       vaern.Unit           `json:"-"`
	Assessment *vaern.Assessment    `json:"-"` // nil when the organisation has no assessment yet
	F          *framework.Framework `json:"-"`
	// TakesPart is true when the unit or one of its sub-units answered the unit questions.
	TakesPart bool          `json:"takes_part"`
	Areas     []DeptAreaRow `json:"areas"`
	Overall   DeptAreaRow   `json:"overall"`
	// Units are the answering units the figures cover: the unit itself and those below it.
	Units     []UnitRow  `json:"units"`
	Recs      []Rec      `json:"recommendations"`
	FollowUps []FollowUp `json:"follow_ups"`
	// Status is the register's "system owners' status" over the systems owned by the unit and
	// its sub-units; nil without systems. StatusUnits breaks it down by owning unit.
	Status      *vaern.UnitStatus  `json:"systems,omitempty"`
	StatusUnits []vaern.UnitStatus `json:"systems_by_unit,omitempty"`
	Actions     []vaern.Action     `json:"-"`
	UnitNames   map[int64]string   `json:"-"` // the organisation's units, for the actions' units
	Bars        *ChartView         `json:"-"`
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
// assessment the unit or one of its sub-units takes part in when id is 0. A foreign unit or
// assessment answers vaern.ErrNotFound.
func (b *Builder) Department(ctx context.Context, l *i18n.Localizer, org vaern.Org, unitID, id int64) (*Department, error) {
	u, err := b.St.Unit(ctx, org.ID, unitID)
	if err != nil {
		return nil, err
	}
	units, err := b.St.Units(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	sub := vaern.Subtree(units, unitID)
	names := map[int64]string{}
	for _, x := range units {
		names[x.ID] = x.Name
	}
	d := &Department{L: l, Org: org, Unit: u, UnitNames: names}
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
			if sub[p] && a == nil {
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
	d.Status, d.StatusUnits = rollUpStatus(statuses, sub, unitID, u.Name)
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
	var mine, others []int64
	for _, ur := range res.Units {
		if ur.Total == 0 {
			continue // the framework has no department questions
		}
		if sub[ur.UnitID] {
			mine = append(mine, ur.UnitID)
			d.Units = append(d.Units, UnitRow{UnitID: ur.UnitID, Name: names[ur.UnitID], Overall: ur.Overall, Gap: ur.Gap, Answered: ur.Answered, Total: ur.Total})
		} else {
			others = append(others, ur.UnitID)
		}
	}
	actions, err := b.St.Actions(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range actions {
		if sub[x.UnitID] && (x.AssessmentID == a.ID || x.RoundYear <= a.Round.Year) {
			d.Actions = append(d.Actions, x)
		}
	}
	if len(mine) == 0 {
		d.bars()
		return d, nil
	}
	d.TakesPart = true
	lang := l.Lang
	answers, err := b.St.Answers(ctx, org.ID, a.ID)
	if err != nil {
		return nil, err
	}
	// The department's figures score its units' answers together (each unit question the mean of
	// the units' answers, as the municipality's own figures do); the rest of the organisation is
	// scored the same way over the other answering units.
	var own, rest []baseline.Answer
	for _, x := range answers {
		ba := baseline.Answer{QuestionID: x.QuestionID, UnitID: x.UnitID, Value: x.Value}
		switch {
		case x.UnitID == 0:
		case sub[x.UnitID]:
			own = append(own, ba)
		default:
			rest = append(rest, ba)
		}
	}
	ures := baseline.Compute(f, own, mine)
	var rres *baseline.Result
	if len(others) > 0 {
		r := baseline.Compute(f, rest, others)
		rres = &r
	}
	restOf := func(area string) *float64 {
		if rres == nil {
			return nil
		}
		if area == "" {
			return rres.Overall
		}
		for _, ar := range rres.Areas {
			if ar.AreaID == area {
				return ar.Score
			}
		}
		return nil
	}
	for _, ar := range ures.Areas {
		x, ok := f.Area(ar.AreaID)
		if !ok || !hasUnitQuestions(x) {
			continue
		}
		d.Areas = append(d.Areas, DeptAreaRow{ID: ar.AreaID, Title: x.Title.Get(lang), Unit: ar.Score, Rest: restOf(ar.AreaID), Target: ar.Target, Gap: ar.Gap,
			Below: ar.Gap != nil && *ar.Gap > 1e-9})
	}
	d.Overall = DeptAreaRow{Title: l.T("rs.overall"), Unit: ures.Overall, Rest: restOf(""), Target: ures.Target, Gap: ures.Gap}
	d.Recs = recs(f, ures, lang, 10, d.Actions, sub)
	d.FollowUps = followUps(f, ures, lang, names)
	d.bars()
	return d, nil
}

func hasUnitQuestions(a *framework.Area) bool {
	for _, q := range a.Questions {
		if q.Scope == framework.ScopeUnit {
			return true
		}
	}
	return false
}

// rollUpStatus sums the register status of the units in sub into one for the department, and
// returns the per-unit statuses it was made of (nil, nil when none of them owns a system).
func rollUpStatus(statuses []vaern.UnitStatus, sub map[int64]bool, unitID int64, name string) (*vaern.UnitStatus, []vaern.UnitStatus) {
	var parts []vaern.UnitStatus
	sum := vaern.UnitStatus{UnitID: unitID, UnitName: name}
	for _, s := range statuses {
		if !sub[s.UnitID] {
			continue
		}
		parts = append(parts, s)
		sum.Systems += s.Systems
		sum.NoOwner += s.NoOwner
		sum.DPAInvalid += s.DPAInvalid
		sum.OverdueReviews += s.OverdueReviews
		sum.Unassessed += s.Unassessed
		sum.HighRisks += s.HighRisks
		sum.AIUnchecked += s.AIUnchecked
		sum.AIUncheckedSystems = append(sum.AIUncheckedSystems, s.AIUncheckedSystems...)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	return &sum, parts
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
