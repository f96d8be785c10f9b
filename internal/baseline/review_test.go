package baseline

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/vaern/vaern/internal/framework"
)

func reviewFramework() *framework.Framework {
	return &framework.Framework{ID: "r", Version: "1", Areas: []*framework.Area{
		{ID: "GOV", Questions: []*framework.Question{maturity("GOV-01", org, 1, 3, false), maturity("GOV-02", unit, 1, 3, false)}},
		{ID: "TECH", Questions: []*framework.Question{ypn("TECH-01", org, 1, false), ypn("TECH-02", unit, 1, false)}},
	}}
}

func slotNames(sl []Slot) []string {
	out := []string{}
	for _, s := range sl {
		out = append(out, fmt.Sprintf("%s/%d", s.Q.ID, s.Unit))
	}
	return out
}

func TestPending(t *testing.T) {
	f := reviewFramework()
	statuses := map[SlotID]string{
		{"GOV-01", 0}: "answered", {"GOV-02", 7}: "answered", {"GOV-02", 8}: "approved",
		{"TECH-01", 0}: "returned", {"TECH-02", 7}: "answered", {"TECH-02", 8}: "answered",
	}
	status := func(q string, u int64) string { return statuses[SlotID{q, u}] }
	for _, tc := range []struct {
		name string
		sel  Selection
		want []string
	}{
		{"everything", Selection{}, []string{"GOV-01/0", "GOV-02/7", "TECH-02/7", "TECH-02/8"}},
		{"one area", Selection{Area: "TECH"}, []string{"TECH-02/7", "TECH-02/8"}},
		{"one unit", Selection{ForUnit: true, Unit: 7}, []string{"GOV-02/7", "TECH-02/7"}},
		{"the organisation", Selection{ForUnit: true}, []string{"GOV-01/0"}},
		{"area and unit", Selection{Area: "GOV", ForUnit: true, Unit: 8}, []string{}},
		{"ticked, approved and returned ones left out", Selection{Area: "GOV", Items: map[SlotID]bool{{"GOV-02", 8}: true,
			{"TECH-01", 0}: true, {"TECH-02", 8}: true}}, []string{"TECH-02/8"}},
		{"a unit that does not answer", Selection{Items: map[SlotID]bool{{"GOV-02", 9}: true}}, []string{}},
	} {
		if got := slotNames(Pending(f, []int64{7, 8}, status, tc.sel)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBlockers(t *testing.T) {
	f := reviewFramework()
	statuses := map[SlotID]string{{"GOV-01", 0}: "approved", {"GOV-02", 7}: "answered", {"TECH-02", 7}: "returned", {"TECH-01", 0}: "approved"}
	got := Blockers(f, []int64{7, 8}, func(q string, u int64) string { return statuses[SlotID{q, u}] })
	type row struct {
		area         string
		unit         int64
		un, pen, ret int
	}
	var rows []row
	total := 0
	for _, b := range got {
		rows = append(rows, row{b.Area.ID, b.Unit, b.Unanswered, b.Pending, b.Returned})
		total += b.Total()
	}
	want := []row{{"GOV", 7, 0, 1, 0}, {"GOV", 8, 1, 0, 0}, {"TECH", 7, 0, 0, 1}, {"TECH", 8, 1, 0, 0}}
	if !reflect.DeepEqual(rows, want) || total != 4 {
		t.Errorf("blockers %v (total %d), want %v (4)", rows, total, want)
	}
	all := map[SlotID]string{}
	for _, sl := range Slots(f, []int64{7}) {
		all[SlotID{sl.Q.ID, sl.Unit}] = "approved"
	}
	if b := Blockers(f, []int64{7}, func(q string, u int64) string { return all[SlotID{q, u}] }); len(b) != 0 {
		t.Errorf("all approved: blockers %v", b)
	}
}
