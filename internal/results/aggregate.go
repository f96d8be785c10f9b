package results

import (
	"sort"

	"github.com/vaern/vaern/internal/baseline"
)

// Scored is one member's result as aggregation sees it: which groups it is in, and its scores.
// Only submitted assessments of members that have not opted out of the benchmark are passed in.
type Scored struct {
	Member Member
	Result baseline.Result
}

// Aggregate is one group's distribution of one score (Area "" is the overall score). When
// Suppressed, Summary is nil: N is kept for the suppression rules and is never shown.
type Aggregate struct {
	Group      string   `json:"group"`
	Area       string   `json:"area"`
	N          int      `json:"n"`
	Suppressed bool     `json:"suppressed"`
	Summary    *Summary `json:"summary,omitempty"`
}

// AggregateAll computes every group's distribution of the overall score and of each focus area,
// applying Suppress with k to each score separately (an area that some members left unanswered
// has smaller groups than the overall score). Members without a score for an area are not counted
// in it. The result is sorted by area, then group.
func AggregateAll(in []Scored, k int) []Aggregate {
	members := make([]Member, len(in))
	for i, s := range in {
		members[i] = s.Member
	}
	parts := Partitions(members)
	// area → group → values
	vals := map[string]map[string][]float64{}
	add := func(area string, groups []string, v *float64) {
		if v == nil {
			return
		}
		m := vals[area]
		if m == nil {
			m = map[string][]float64{}
			vals[area] = m
		}
		for _, g := range groups {
			m[g] = append(m[g], *v)
		}
	}
	for _, s := range in {
		groups := GroupsOf(s.Member)
		add("", groups, s.Result.Overall)
		for _, a := range s.Result.Areas {
			add(a.AreaID, groups, a.Score)
		}
	}
	var out []Aggregate
	for area, byGroup := range vals {
		counts := make(map[string]int, len(byGroup))
		for g, xs := range byGroup {
			counts[g] = len(xs)
		}
		hidden := Suppress(counts, parts, k)
		for g, xs := range byGroup {
			a := Aggregate{Group: g, Area: area, N: len(xs), Suppressed: hidden[g]}
			if !a.Suppressed {
				s := Summarize(xs)
				a.Summary = &s
			}
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Area != out[j].Area {
			return out[i].Area < out[j].Area
		}
		return out[i].Group < out[j].Group
	})
	return out
}
