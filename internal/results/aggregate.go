package results

import (
	"sort"
	"strings"
	"time"

	"github.com/vaern/vaern"

	"github.com/vaern/vaern/internal/baseline"
)

// Scored is one member's result as aggregation sees it: which groups it is in, and its scores.
// Only submitted assessments of members that have not opted out of the benchmark and are
// independent of the centre (Independent) are passed in.
type Scored struct {
	Member Member
	Result baseline.Result
}

// Aggregate is one group's distribution of one score (Area "" is the overall score). When
// Suppressed, Summary is nil: N is kept for the suppression rules and is never shown. MinDiff is,
// for a centre-defined group, the smallest non-zero difference in members between it and a group
// it contains or is contained in (0: none), kept so that a larger k can hide it when read again.
type Aggregate struct {
	Group      string   `json:"group"`
	Area       string   `json:"area"`
	N          int      `json:"n"`
	Suppressed bool     `json:"suppressed"`
	Summary    *Summary `json:"summary,omitempty"`
	MinDiff    int      `json:"-"`
}

// DefaultIndependenceDays is how long a member does not count toward k (and is left out of the
// aggregates) after a person last entered it through the centre: its first coordinator invited by
// the centre, a recovery, or an operator command. The domain holds the number, so that the store's
// notices count the same period.
const DefaultIndependenceDays = vaern.IndependenceDays

// Independent reports whether a member counts in the aggregates of a round computed at ref: no
// person entered it through the centre within days before ref (nor after it). centreJoined is
// zero when that never happened.
func Independent(centreJoined, ref time.Time, days int) bool {
	if centreJoined.IsZero() {
		return true
	}
	return centreJoined.Before(ref.AddDate(0, 0, -days))
}

// AggregateAll computes every group's distribution of the overall score and of each focus area,
// applying Suppress with k to each score separately (an area that some members left unanswered
// has smaller groups than the overall score) and NamedSuppress to the centre's groups. Members
// without a score for an area are not counted in it. The result is sorted by area, then group.
func AggregateAll(in []Scored, k int) []Aggregate {
	// area → group → values; area → group → the members (indexes into in), for the centre's groups
	vals := map[string]map[string][]float64{}
	sets := map[string]map[string][]int{}
	add := func(area string, i int, groups []string, v *float64) {
		if v == nil {
			return
		}
		if vals[area] == nil {
			vals[area], sets[area] = map[string][]float64{}, map[string][]int{}
		}
		for _, g := range groups {
			vals[area][g] = append(vals[area][g], *v)
			sets[area][g] = append(sets[area][g], i)
		}
	}
	for i, s := range in {
		groups := GroupsOf(s.Member)
		add("", i, groups, s.Result.Overall)
		for _, a := range s.Result.Areas {
			add(a.AreaID, i, groups, a.Score)
		}
	}
	var out []Aggregate
	for area, byGroup := range vals {
		counts := make(map[string]int, len(byGroup))
		for g, xs := range byGroup {
			counts[g] = len(xs)
		}
		hidden := Suppress(counts, PartitionsOfCounts(counts), k)
		diffs := NamedSuppress(sets[area], hidden, k)
		for g, xs := range byGroup {
			a := Aggregate{Group: g, Area: area, N: len(xs), Suppressed: hidden[g], MinDiff: diffs[g]}
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

// IsNamed reports whether g is a group the centre defined.
func IsNamed(g string) bool { return strings.HasPrefix(g, PrefixNamed) }

// NamedHidden is the rule for a group the centre defined: the centre chooses its members, so it
// could define two groups that differ by one member and read that member's score as the
// difference. Such a group is shown only with at least k members and when every group it contains
// or is contained in differs from it by no member or by at least k (minDiff 0 or ≥ k).
func NamedHidden(n, minDiff, k int) bool {
	return n < k || (minDiff > 0 && minDiff < k)
}

// NamedSuppress applies NamedHidden to the centre's groups in sets (group → member indexes),
// adding those it hides to hidden (which already holds the built-in groups' suppression). The
// groups are taken largest first; each is compared with the groups shown so far (built-in ones
// and the centre's groups already accepted), so that of two groups too close to each other only
// the second is hidden. It returns each centre group's smallest non-zero difference to a shown
// group it contains or is contained in (absent: none).
func NamedSuppress(sets map[string][]int, hidden map[string]bool, k int) map[string]int {
	members := map[string]map[int]bool{}
	var named []string
	for g, ix := range sets {
		m := make(map[int]bool, len(ix))
		for _, i := range ix {
			m[i] = true
		}
		members[g] = m
		if IsNamed(g) {
			named = append(named, g)
		}
	}
	sort.Slice(named, func(i, j int) bool {
		if len(members[named[i]]) != len(members[named[j]]) {
			return len(members[named[i]]) > len(members[named[j]])
		}
		return named[i] < named[j]
	})
	accepted := map[string]bool{}
	for g := range members {
		if !IsNamed(g) && !hidden[g] {
			accepted[g] = true
		}
	}
	out := map[string]int{}
	for _, g := range named {
		mg := members[g]
		for h := range accepted {
			small, big := mg, members[h]
			if len(small) > len(big) {
				small, big = big, small
			}
			if !subset(small, big) {
				continue
			}
			if d := len(big) - len(small); d > 0 && (out[g] == 0 || d < out[g]) {
				out[g] = d
			}
		}
		if NamedHidden(len(mg), out[g], k) {
			hidden[g] = true
		} else {
			accepted[g] = true
		}
	}
	return out
}

func subset(a, b map[int]bool) bool {
	for i := range a {
		if !b[i] {
			return false
		}
	}
	return true
}
