package baseline

import (
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// Covers reports whether delegation d covers question q answered for unit (0: the organisation).
// A question delegation covers that question; an area delegation every question of the area; a
// department delegation every unit question. Unit questions are covered only for the delegation's
// unit, organisation questions only at the organisation level.
func Covers(d vaern.Delegation, f *framework.Framework, q *framework.Question, unit int64) bool {
	switch d.ScopeKind {
	case vaern.DelegateQuestion:
		if d.ScopeRef != q.ID {
			return false
		}
	case vaern.DelegateArea:
		a, ok := f.AreaOf(q.ID)
		if !ok || a.ID != d.ScopeRef {
			return false
		}
	case vaern.DelegateDepartment:
		if q.Scope != framework.ScopeUnit {
			return false
		}
	default:
		return false
	}
	if q.Scope == framework.ScopeUnit {
		return unit != 0 && unit == d.UnitID
	}
	return unit == 0
}

// MayAnswer reports whether principal p may answer q for unit: coordinators answer everything;
// respondents what is delegated to them or to their unit.
func MayAnswer(p *vaern.Principal, mine []vaern.Delegation, f *framework.Framework, q *framework.Question, unit int64) bool {
	switch p.Role {
	case vaern.RoleCoordinator:
		return true
	case vaern.RoleRespondent:
		for _, d := range mine {
			if (d.AssigneeUserID == p.User.ID || (d.AssigneeUnitID != 0 && d.AssigneeUnitID == p.UnitID)) && Covers(d, f, q, unit) {
				return true
			}
		}
	}
	return false
}

// Slot is one answer an assessment needs: a question, for the organisation or for one unit.
type Slot struct {
	Q    *framework.Question
	Unit int64
}

// Slots lists every answer the assessment needs, in framework order: each organisation question
// once, each unit question once per answering unit.
func Slots(f *framework.Framework, units []int64) []Slot {
	var out []Slot
	for _, q := range f.Questions() {
		if q.Scope == framework.ScopeUnit {
			for _, u := range units {
				out = append(out, Slot{q, u})
			}
			continue
		}
		out = append(out, Slot{q, 0})
	}
	return out
}

// Covered lists the slots that delegations hand to the principal (for the "my tasks" page).
func Covered(p *vaern.Principal, mine []vaern.Delegation, f *framework.Framework, units []int64) []Slot {
	var out []Slot
	for _, s := range Slots(f, unitsWithDelegations(units, mine)) {
		for _, d := range mine {
			if (d.AssigneeUserID == p.User.ID || (d.AssigneeUnitID != 0 && d.AssigneeUnitID == p.UnitID)) && Covers(d, f, s.Q, s.Unit) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// unitsWithDelegations adds the units that delegations name to the answering units, so a delegation
// of a unit's questions counts even before the coordinator lists the unit as answering.
func unitsWithDelegations(units []int64, ds []vaern.Delegation) []int64 {
	seen := map[int64]bool{}
	out := append([]int64(nil), units...)
	for _, u := range units {
		seen[u] = true
	}
	for _, d := range ds {
		if d.UnitID != 0 && !seen[d.UnitID] {
			seen[d.UnitID] = true
			out = append(out, d.UnitID)
		}
	}
	return out
}

// AnsweringUnits is the assessment's answering units plus those its delegations name.
func AnsweringUnits(a vaern.Assessment, ds []vaern.Delegation) []int64 {
	return unitsWithDelegations(a.Units, ds)
}
