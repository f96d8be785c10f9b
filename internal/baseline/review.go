package baseline

import (
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// Selection says which answers a bulk approval is about. Items, when given, are the ticked
// answers and win over the rest; otherwise Area ("" for every area) and Unit (with ForUnit: only
// that unit's answers, 0 being the organisation's) narrow the assessment down.
type Selection struct {
	Area    string
	ForUnit bool
	Unit    int64
	Items   map[SlotID]bool
}

// SlotID names a slot by value, for forms and maps.
type SlotID struct {
	Q    string
	Unit int64
}

// Pending returns the slots of the selection whose answer waits for approval (status "answered"),
// in framework order. status gives an answer's status, "" when there is none.
func Pending(f *framework.Framework, units []int64, status func(q string, unit int64) string, sel Selection) []Slot {
	var out []Slot
	for _, sl := range Slots(f, units) {
		if status(sl.Q.ID, sl.Unit) != vaern.AnswerAnswered {
			continue
		}
		if sel.Items != nil {
			if sel.Items[SlotID{sl.Q.ID, sl.Unit}] {
				out = append(out, sl)
			}
			continue
		}
		if sel.ForUnit && sl.Unit != sel.Unit {
			continue
		}
		if sel.Area != "" {
			if a, ok := f.AreaOf(sl.Q.ID); !ok || a.ID != sel.Area {
				continue
			}
		}
		out = append(out, sl)
	}
	return out
}

// Blocker is one place that keeps an assessment from being submitted: a focus area, for the
// organisation (Unit 0) or one unit, with answers that are not approved yet.
type Blocker struct {
	Area       *framework.Area
	Unit       int64
	Unanswered int // no answer yet
	Pending    int // waiting for approval
	Returned   int // sent back to the respondent
}

// Total is the number of answers of the blocker that are not approved.
func (b Blocker) Total() int { return b.Unanswered + b.Pending + b.Returned }

// Blockers lists, in framework order and per area and unit, the answers that are not approved, so
// that the coordinator sees what still stands between the assessment and its submission.
func Blockers(f *framework.Framework, units []int64, status func(q string, unit int64) string) []Blocker {
	var out []Blocker
	at := map[SlotID]int{} // area id and unit → index in out
	for _, sl := range Slots(f, units) {
		st := status(sl.Q.ID, sl.Unit)
		if st == vaern.AnswerApproved {
			continue
		}
		a, ok := f.AreaOf(sl.Q.ID)
		if !ok {
			continue
		}
		k := SlotID{a.ID, sl.Unit}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, Blocker{Area: a, Unit: sl.Unit})
		}
		switch st {
		case vaern.AnswerAnswered:
			out[i].Pending++
		case vaern.AnswerReturned:
			out[i].Returned++
		default:
			out[i].Unanswered++
		}
	}
	return out
}
