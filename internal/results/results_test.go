package results

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestSummarize(t *testing.T) {
	// Sorted: 1 2 4 7 8 10 (n 6). The median at rank 2.5 is the mean of the ordinary percentiles at
	// ranks 1.5, 2.5 and 3.5: (3 + 5.5 + 7.5) / 3; Q1 at rank 1.25 of those at 0.25, 1.25, 2.25;
	// P10 at rank 0.5 is shifted to 1: (1 + 2 + 4) / 3; P90 at 4.5 to 4: (7 + 8 + 10) / 3.
	s := Summarize([]float64{7, 1, 10, 4, 2, 8})
	xs := []float64{1, 2, 4, 7, 8, 10}
	q := func(r float64) float64 { return Quantile(xs, r/5) }
	if !near(s.Median, (q(1.5)+q(2.5)+q(3.5))/3) || !near(s.Q1, (q(0.25)+q(1.25)+q(2.25))/3) ||
		!near(s.P10, 7.0/3) || !near(s.P90, (7+8+10)/3.0) || !near(s.Mean, 32.0/6) || s.N != 6 {
		t.Errorf("Summarize = %+v", s)
	}
	// Three or fewer: every figure is their mean.
	s = Summarize([]float64{9, 3, 6})
	if s.Q1 != 6 || s.Median != 6 || s.Q3 != 6 || s.P10 != 6 || s.P90 != 6 {
		t.Errorf("three: %+v", s)
	}
	if s := Summarize(nil); s.N != 0 {
		t.Errorf("empty: %+v", s)
	}
}

// TestSmoothedNeverOneScore checks the promise of Smoothed: over many random groups of at least
// five distinct scores, no published figure equals one member's score unless three members share
// it, and no member weighs more than a third (so changing one score by d moves a figure by at
// most d/3).
func TestSmoothedNeverOneScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		n := 5 + rng.IntN(40)
		xs := make([]float64, n)
		for j := range xs {
			xs[j] = float64(j)*1.37 + rng.Float64()
		}
		sorted := append([]float64(nil), xs...)
		sort.Float64s(sorted)
		for _, p := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 1} {
			v := Smoothed(sorted, p)
			for _, x := range sorted {
				if math.Abs(v-x) < 1e-9 {
					t.Fatalf("n %d p %v: %v is a member's score", n, p, v)
				}
			}
			// Move one score up by 3 (keeping the order): the figure moves by at most 1.
			for j := range sorted {
				moved := append([]float64(nil), sorted...)
				moved[j] += 3
				sort.Float64s(moved)
				if d := math.Abs(Smoothed(moved, p) - v); d > 1+1e-9 {
					t.Fatalf("n %d p %v: one member moves the figure by %v", n, p, d)
				}
			}
		}
	}
}

func TestBandOf(t *testing.T) {
	s := Summary{Q1: 2, Median: 3, Q3: 4}
	for score, want := range map[float64]Band{1.9: BandBottom, 2: BandLowerMiddle, 2.99: BandLowerMiddle, 3: BandUpperMiddle,
		4: BandUpperMiddle, 4.01: BandTop} {
		if got := BandOf(score, s); got != want {
			t.Errorf("BandOf(%v) = %s, want %s", score, got, want)
		}
	}
}

func TestGroupsOf(t *testing.T) {
	got := GroupsOf(Member{Country: "DK", Region: "Region Midtjylland", SizeClass: "large"})
	want := []string{"all", "country:DK", "size:DK/large", "region:DK/Region Midtjylland"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GroupsOf = %v", got)
	}
	if k, v := GroupLabel("region:DK/Region Midtjylland"); k != "region" || v != "Region Midtjylland" {
		t.Errorf("GroupLabel = %s %s", k, v)
	}
}

func suppressed(m map[string]bool) string {
	var out []string
	for g, ok := range m {
		if ok {
			out = append(out, g)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestSuppress(t *testing.T) {
	sizes := Partition{"all", []string{"size:large", "size:medium", "size:small"}}
	cases := []struct {
		name   string
		counts map[string]int
		parts  []Partition
		want   string
	}{
		{"nothing small", map[string]int{"all": 20, "size:small": 5, "size:medium": 7, "size:large": 8}, []Partition{sizes}, ""},
		// small (3) is under k; alone it could be computed as 20 − 9 − 8, so the smallest shown
		// sibling (large, 8) goes too: together 11 ≥ 5.
		{"one small class", map[string]int{"all": 20, "size:small": 3, "size:medium": 9, "size:large": 8}, []Partition{sizes},
			"size:large size:small"},
		// Two small classes (1 + 2 = 3 < 5) need a third to reach k; then all children are hidden
		// and 12 ≥ 5, so all stays.
		{"two small classes", map[string]int{"all": 12, "size:small": 1, "size:medium": 2, "size:large": 9}, []Partition{sizes},
			"size:large size:medium size:small"},
		// All three too small: together 4 < 5, so all itself is hidden (it is under k anyway).
		{"everything small", map[string]int{"all": 4, "size:small": 1, "size:medium": 1, "size:large": 2}, []Partition{sizes},
			"all size:large size:medium size:small"},
		// Empty groups are not suppressed and do not help.
		{"empty sibling", map[string]int{"all": 9, "size:small": 0, "size:medium": 2, "size:large": 7}, []Partition{sizes},
			"size:large size:medium"},
		// Cascade: NO (3) is small, so DK (8) is hidden as its complement. DK's region R1 (2) is
		// small; DK being hidden, R1 cannot be computed as DK − R2, and across all regions R1 and
		// R3 are hidden together (2 + 3 ≥ 5), so R2 stays.
		{"cascade", map[string]int{"all": 11, "country:DK": 8, "country:NO": 3, "region:DK/R1": 2, "region:DK/R2": 6, "region:NO/R3": 3},
			[]Partition{{"all", []string{"country:DK", "country:NO"}}, {"country:DK", []string{"region:DK/R1", "region:DK/R2"}},
				{"country:NO", []string{"region:NO/R3"}}},
			"country:DK country:NO region:DK/R1 region:NO/R3"},
		// A hidden parent whose children are all shown would be their sum: one child is hidden.
		{"hidden parent", map[string]int{"all": 30, "country:DK": 25, "country:NO": 5, "region:NO/A": 5},
			[]Partition{{"all", []string{"country:DK", "country:NO"}}, {"country:NO", []string{"region:NO/A"}}},
			""},
	}
	for _, c := range cases {
		if got := suppressed(Suppress(c.counts, c.parts, 5)); got != c.want {
			t.Errorf("%s: suppressed %q, want %q", c.name, got, c.want)
		}
	}
}

// TestSuppressNeverComputable checks the property the rules exist for, over many random groupings:
// no suppressed non-empty group can be computed as parent minus shown siblings, and every hidden
// set within a partition reaches k.
func TestSuppressNeverComputable(t *testing.T) {
	seed := uint64(1)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int((seed >> 33) % uint64(n))
	}
	for trial := 0; trial < 2000; trial++ {
		var ms []Member
		for i, n := 0, 1+rnd(40); i < n; i++ {
			c := []string{"DK", "NO"}[rnd(2)]
			ms = append(ms, Member{Country: c, Region: string(rune('A' + rnd(5))), SizeClass: []string{"small", "medium", "large"}[rnd(3)]})
		}
		counts := map[string]int{}
		for _, m := range ms {
			for _, g := range GroupsOf(m) {
				counts[g]++
			}
		}
		parts := Partitions(ms)
		k := 2 + rnd(5)
		hidden := Suppress(counts, parts, k)
		for g, n := range counts {
			if n < k && !hidden[g] {
				t.Fatalf("trial %d: group %s with %d < %d shown", trial, g, n, k)
			}
		}
		for _, p := range parts {
			if hidden[p.Parent] {
				continue
			}
			h, hn := 0, 0
			for _, c := range p.Children {
				if hidden[c] && counts[c] > 0 {
					h++
					hn += counts[c]
				}
			}
			if h == 1 || (h > 0 && hn < k) {
				t.Fatalf("trial %d: partition %s has %d hidden children with %d members (k %d)", trial, p.Parent, h, hn, k)
			}
		}
	}
}

func f64(v float64) *float64 { return &v }

func TestAggregateAll(t *testing.T) {
	var in []Scored
	// Six large DK members in one region with overall 1..6; one small NO member.
	for i := 1; i <= 6; i++ {
		in = append(in, Scored{Member{Country: "DK", Region: "R", SizeClass: "large"}, baseline.Result{Overall: f64(float64(i)),
			Areas: []baseline.AreaResult{{AreaID: "GOV", Score: f64(float64(i) / 2)}}}})
	}
	in = append(in, Scored{Member{Country: "NO", Region: "V", SizeClass: "small"}, baseline.Result{Overall: f64(4.5)}})
	got := map[string]Aggregate{}
	for _, a := range AggregateAll(in, 5) {
		got[a.Area+"|"+a.Group] = a
	}
	all := got["|all"]
	// Sorted 1 2 3 4 4.5 5 6: the median is the mean of the ranks 2, 3 and 4, never one score.
	if all.Suppressed || all.N != 7 || !near(all.Summary.Median, 11.5/3) {
		t.Errorf("overall all: %+v %+v", all, all.Summary)
	}
	// NO (1) is hidden, and so DK (6) as its complement; the regions and sizes likewise.
	for _, g := range []string{"country:NO", "country:DK", "size:NO/small", "size:DK/large", "region:NO/V"} {
		if a := got["|"+g]; !a.Suppressed || a.Summary != nil {
			t.Errorf("%s should be suppressed: %+v", g, a)
		}
	}
	// DK's only region equals DK, which is hidden: the region is hidden too.
	if a := got["|region:DK/R"]; !a.Suppressed {
		t.Errorf("region DK/R should be suppressed: %+v", a)
	}
	// GOV has scores for the six DK members only: all = DK = large = R, n 6, shown.
	if a := got["GOV|all"]; a.Suppressed || a.N != 6 || !near(a.Summary.Mean, 1.75) {
		t.Errorf("GOV all: %+v", a)
	}
}

func load(t *testing.T, src string) *framework.Framework {
	t.Helper()
	f, err := framework.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestQuestionMapAndTrendPoint(t *testing.T) {
	fws, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]*framework.Framework{}
	for _, f := range fws {
		if f.ID == "vaern-baseline" {
			versions[f.Version] = f
		}
	}
	cur, old := versions["2026"], versions["2025"]
	m, changed, ok := QuestionMap(cur, versions, old)
	if !ok {
		t.Fatal("no mapping from 2026 to 2025")
	}
	// From the mapping in vaern-baseline-2026.yaml: RISK-08 was RISK-06 (changed), OWN-01 was
	// RISK-10, GOV-08 is new.
	if m["RISK-08"] != "RISK-06" || !changed["RISK-08"] || m["OWN-01"] != "RISK-10" {
		t.Errorf("mapping: RISK-08→%s (changed %v), OWN-01→%s", m["RISK-08"], changed["RISK-08"], m["OWN-01"])
	}
	if _, ok := m["GOV-08"]; ok {
		t.Error("GOV-08 is new and has no predecessor")
	}
	if _, _, ok := QuestionMap(cur, versions, &framework.Framework{ID: "other", Version: "1"}); ok {
		t.Error("another framework must not map")
	}
	self, _, ok := QuestionMap(cur, versions, cur)
	if !ok || len(self) != len(cur.Questions()) {
		t.Errorf("identity mapping: %d of %d", len(self), len(cur.Questions()))
	}

	// A small framework pair by hand: v2 has A-1 (same as A-1, weight 2), A-2 (changed from A-3,
	// weight 1), A-3 new (weight 1); v1's A-2 was removed.
	v1 := &framework.Framework{ID: "x", Version: "1", Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{{ID: "A-1"}, {ID: "A-2"}, {ID: "A-3"}}}}}
	v2 := &framework.Framework{ID: "x", Version: "2", Supersedes: &framework.Supersedes{Version: "1", Mapping: []framework.Mapping{
		{From: "A-1", To: "A-1", Change: framework.ChangeSame}, {From: "A-3", To: "A-2", Change: framework.ChangeChanged},
		{From: "A-2", Change: framework.ChangeRemoved}, {To: "A-3", Change: framework.ChangeNew}}},
		Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{{ID: "A-1", Weight: 2}, {ID: "A-2", Weight: 1}, {ID: "A-3", Weight: 1}}}}}
	qm, ch, ok := QuestionMap(v2, map[string]*framework.Framework{"1": v1}, v1)
	if !ok || len(qm) != 2 || qm["A-2"] != "A-3" || !ch["A-2"] {
		t.Fatalf("hand mapping: %v %v %v", qm, ch, ok)
	}
	// In round 1: A-1 scored 4, A-2 (removed) 0, A-3 scored 1. In v2's terms: A-1 4 (w 2), A-2 ← 1
	// (w 1): (2·4 + 1·1) / 3 = 3. The removed question's 0 is dropped; A-3 (new) has no history.
	oldRes := baseline.Result{Questions: []baseline.QuestionResult{{QuestionID: "A-1", Score: f64(4)}, {QuestionID: "A-2", Score: f64(0)},
		{QuestionID: "A-3", Score: f64(1)}}}
	p := TrendPoint(v2, qm, ch, DecodeScores(EncodeScores(oldRes)))
	if p.Overall == nil || !near(*p.Overall, 3) || !near(*p.Areas["A"], 3) || p.Compared != 2 || p.Total != 3 || p.Changed != 1 {
		t.Errorf("TrendPoint = %+v (overall %v)", p, p.Overall)
	}
}

func TestTrend(t *testing.T) {
	v1 := &framework.Framework{ID: "x", Version: "1", Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{{ID: "A-1", Weight: 1}}}}}
	v2 := &framework.Framework{ID: "x", Version: "2", Supersedes: &framework.Supersedes{Version: "1", Mapping: []framework.Mapping{
		{From: "A-1", To: "A-1", Change: framework.ChangeSame}, {To: "A-2", Change: framework.ChangeNew}}},
		Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{{ID: "A-1", Weight: 1}, {ID: "A-2", Weight: 1}}}}}
	other := &framework.Framework{ID: "y", Version: "1"}
	rows := Trend(v2, map[string]*framework.Framework{"1": v1}, []History{
		{Year: 2024, F: v1, Scores: map[string]float64{"A-1": 2}},
		{Year: 2024, F: other, Scores: map[string]float64{"A-1": 5}},
		{Year: 2025, F: v2, Scores: map[string]float64{"A-1": 3, "A-2": 5}},
	})
	// 2024 compares A-1 only (2); 2025 is the current version: (3 + 5) / 2 = 4; the other framework is left out.
	if len(rows) != 2 || *rows[0].Point.Overall != 2 || *rows[1].Point.Overall != 4 || rows[0].Point.Compared != 1 || rows[1].Point.Compared != 2 {
		t.Errorf("Trend = %+v", rows)
	}
	if got := DecodeScores("A-1=2.5;bad;A-2=x;A-3=1e-3"); len(got) != 2 || got["A-1"] != 2.5 || got["A-3"] != 0.001 {
		t.Errorf("DecodeScores = %v", got)
	}
}
