package results

import (
	"testing"
	"time"

	"github.com/vaern/vaern/internal/baseline"
)

func TestIndependent(t *testing.T) {
	ref := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		joined time.Time
		want   bool
	}{
		{"never reached by the centre", time.Time{}, true},
		{"first coordinator 91 days before", ref.AddDate(0, 0, -91), true},
		{"exactly 90 days before", ref.AddDate(0, 0, -90), false},
		{"a week before", ref.AddDate(0, 0, -7), false},
		{"after the close", ref.Add(time.Hour), false},
	} {
		if got := Independent(c.joined, ref, DefaultIndependenceDays); got != c.want {
			t.Errorf("%s: Independent = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNamedGroups(t *testing.T) {
	for _, c := range []struct {
		n, minDiff, k int
		hidden        bool
	}{{5, 0, 5, false}, {4, 0, 5, true}, {8, 1, 5, true}, {8, 4, 5, true}, {8, 5, 5, false}, {10, 7, 5, false}} {
		if got := NamedHidden(c.n, c.minDiff, c.k); got != c.hidden {
			t.Errorf("NamedHidden(%d, %d, %d) = %v", c.n, c.minDiff, c.k, got)
		}
	}
	// Twelve DK members in one region; the centre defines G1 = the first eleven (all minus one)
	// and G2 = the first six. G1 would give the twelfth member away as all − G1: hidden. G2
	// differs from all by 6 ≥ 5 (and G1, hidden, does not count): shown.
	var in []Scored
	for i := 0; i < 12; i++ {
		var named []int64
		if i < 11 {
			named = append(named, 1)
		}
		if i < 6 {
			named = append(named, 2)
		}
		in = append(in, Scored{Member{Country: "DK", Region: "R", SizeClass: "large", Named: named}, baseline.Result{Overall: f64(float64(i))}})
	}
	got := map[string]Aggregate{}
	for _, a := range AggregateAll(in, 5) {
		got[a.Area+"|"+a.Group] = a
	}
	if a := got["|group:1"]; !a.Suppressed || a.MinDiff != 1 {
		t.Errorf("all minus one member must be hidden: %+v", a)
	}
	if a := got["|group:2"]; a.Suppressed || a.MinDiff != 6 || a.Summary == nil {
		t.Errorf("a group of six differing by ≥ 5: %+v", a)
	}
	if a := got["|all"]; a.Suppressed {
		t.Errorf("all: %+v", a)
	}
}

// TestRestOfPartition: six DK members, five in region R and one without a region. Publishing DK
// and R would give the one member away as DK − R, so R is suppressed although it has five.
func TestRestOfPartition(t *testing.T) {
	var in []Scored
	for i := 0; i < 6; i++ {
		m := Member{Country: "DK", SizeClass: "large"}
		if i < 5 {
			m.Region = "R"
		}
		in = append(in, Scored{m, baseline.Result{Overall: f64(float64(i))}})
	}
	got := map[string]Aggregate{}
	for _, a := range AggregateAll(in, 5) {
		got[a.Area+"|"+a.Group] = a
	}
	if a := got["|region:DK/R"]; !a.Suppressed {
		t.Errorf("the region next to one member without region: %+v", a)
	}
	if a := got["|country:DK"]; a.Suppressed {
		t.Errorf("DK: %+v", a)
	}
	for g := range got {
		if g[1] == '~' {
			t.Errorf("an internal rest group is published: %s", g)
		}
	}
}

// TestNamedGroupsLargestFirst: of two groups too close to each other, the larger is shown.
func TestNamedGroupsLargestFirst(t *testing.T) {
	sets := map[string][]int{"all": {0, 1, 2, 3, 4, 5, 6}, "group:1": {0, 1, 2, 3, 4, 5, 6}, "group:2": {0, 1, 2, 3, 4}}
	hidden := map[string]bool{}
	NamedSuppress(sets, hidden, 5)
	if hidden["group:1"] || !hidden["group:2"] {
		t.Errorf("hidden: %v", hidden)
	}
}
