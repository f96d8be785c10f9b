package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/framework"
)

const eps = 1e-9

// recs returns recommendation texts for the keys given; each text names the
// question and the key so that tests can see which one was picked.
func recs(id string, keys ...string) map[string]framework.Text {
	m := map[string]framework.Text{}
	for _, k := range keys {
		m[k] = framework.Text{"en": id + " from " + k, "da": id + " fra " + k}
	}
	return m
}

func maturity(id string, scope framework.Scope, weight float64, target int, na bool) *framework.Question {
	var keys []string
	for l := 0; l < target; l++ {
		keys = append(keys, strconv.Itoa(l))
	}
	q := &framework.Question{ID: id, Scope: scope, Answer: framework.AnswerMaturity, Weight: weight,
		Target: target, Recommendations: recs(id, keys...)}
	if na {
		q.NotRelevant = &na
	}
	return q
}

func ypn(id string, scope framework.Scope, weight float64, na bool) *framework.Question {
	q := &framework.Question{ID: id, Scope: scope, Answer: framework.AnswerYesPartlyNo, Weight: weight,
		Recommendations: recs(id, "no", "partly")}
	if na {
		q.NotRelevant = &na
	}
	return q
}

const (
	org  = framework.ScopeOrganisation
	unit = framework.ScopeUnit
)

// exampleFramework is the framework of the worked example in docs/scoring.md.
func exampleFramework() *framework.Framework {
	return &framework.Framework{
		ID: "example", Version: "1", NotRelevant: false,
		Areas: []*framework.Area{
			{ID: "GOV", Questions: []*framework.Question{
				maturity("GOV-01", org, 3, 3, false),
				ypn("GOV-02", org, 1, false),
				maturity("GOV-03", unit, 1.5, 4, true),
			}},
			{ID: "OPS", Questions: []*framework.Question{
				maturity("OPS-01", org, 1.5, 4, true),
				ypn("OPS-02", unit, 3, true),
				maturity("OPS-03", unit, 3, 3, false),
				ypn("OPS-04", org, 1, true),
			}},
		},
	}
}

var exampleUnits = []int64{11, 12, 13}

// exampleAnswers are the answers of the worked example; unit 13 answered nothing.
func exampleAnswers() []Answer {
	return []Answer{
		{"GOV-01", 0, "2"},
		{"GOV-02", 0, "partly"},
		{"GOV-03", 11, "3"},
		{"GOV-03", 12, "dontknow"},
		{"OPS-01", 0, "dontknow"},
		{"OPS-02", 11, "yes"},
		{"OPS-02", 12, "na"},
		{"OPS-03", 11, "4"},
		{"OPS-03", 12, "1"},
		{"OPS-04", 0, "na"},
	}
}

func p(x float64) *float64 { return &x }

func checkF(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > eps {
		t.Errorf("%s = %.12g, want %.12g", name, got, want)
	}
}

func checkP(t *testing.T, name string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", name, fmtP(got), fmtP(want))
	default:
		checkF(t, name, *got, *want)
	}
}

func fmtP(x *float64) string {
	if x == nil {
		return "nil"
	}
	return fmt.Sprintf("%.12g", *x)
}

func checkArea(t *testing.T, name string, got, want AreaResult) {
	t.Helper()
	if got.AreaID != want.AreaID {
		t.Errorf("%s: area %q, want %q", name, got.AreaID, want.AreaID)
	}
	checkP(t, name+" score", got.Score, want.Score)
	checkF(t, name+" target", got.Target, want.Target)
	checkP(t, name+" gap", got.Gap, want.Gap)
	if got.Answered != want.Answered || got.Total != want.Total || got.DontKnow != want.DontKnow {
		t.Errorf("%s: answered/total/dontknow = %d/%d/%d, want %d/%d/%d", name,
			got.Answered, got.Total, got.DontKnow, want.Answered, want.Total, want.DontKnow)
	}
}

// TestWorkedExample mirrors the worked example of docs/scoring.md number by
// number; the fractions are the ones computed by hand there.
func TestWorkedExample(t *testing.T) {
	res := Compute(exampleFramework(), exampleAnswers(), exampleUnits)

	questions := []QuestionResult{
		{QuestionID: "GOV-01", AreaID: "GOV", Score: p(2), Target: 3, Gap: p(1), Weight: 3},
		{QuestionID: "GOV-02", AreaID: "GOV", Score: p(2), Target: 5, Gap: p(3), Weight: 1},
		{QuestionID: "GOV-03", AreaID: "GOV", Score: p(1.5), Target: 4, Gap: p(2.5), Weight: 1.5, DontKnow: true},
		{QuestionID: "OPS-01", AreaID: "OPS", Score: p(0), Target: 4, Gap: p(4), Weight: 1.5, DontKnow: true},
		{QuestionID: "OPS-02", AreaID: "OPS", Score: p(5), Target: 5, Gap: p(0), Weight: 3},
		{QuestionID: "OPS-03", AreaID: "OPS", Score: p(2.5), Target: 3, Gap: p(0.5), Weight: 3},
		{QuestionID: "OPS-04", AreaID: "OPS", Score: nil, Target: 5, Gap: nil, Weight: 1},
	}
	if len(res.Questions) != len(questions) {
		t.Fatalf("%d question results, want %d", len(res.Questions), len(questions))
	}
	for i, want := range questions {
		got := res.Questions[i]
		name := want.QuestionID
		if got.QuestionID != want.QuestionID || got.AreaID != want.AreaID || got.DontKnow != want.DontKnow {
			t.Errorf("question %d = %s/%s dontknow %v, want %s/%s dontknow %v", i,
				got.QuestionID, got.AreaID, got.DontKnow, want.QuestionID, want.AreaID, want.DontKnow)
		}
		checkP(t, name+" score", got.Score, want.Score)
		checkF(t, name+" target", got.Target, want.Target)
		checkP(t, name+" gap", got.Gap, want.Gap)
		checkF(t, name+" weight", got.Weight, want.Weight)
	}

	areas := []AreaResult{
		// GOV: Σw = 3+1+1.5 = 5.5; Σw·s = 6+2+2.25 = 10.25; Σw·t = 9+5+6 = 20.
		{AreaID: "GOV", Score: p(10.25 / 5.5), Target: 20 / 5.5, Gap: p(9.75 / 5.5), Answered: 4, Total: 5, DontKnow: 1},
		// OPS: Σw = 1.5+3+3 = 7.5; Σw·s = 0+15+7.5 = 22.5; Σw·t = 6+15+9 = 30.
		{AreaID: "OPS", Score: p(3), Target: 4, Gap: p(1), Answered: 6, Total: 8, DontKnow: 1},
	}
	if len(res.Areas) != len(areas) {
		t.Fatalf("%d area results, want %d", len(res.Areas), len(areas))
	}
	for i, want := range areas {
		checkArea(t, "area "+want.AreaID, res.Areas[i], want)
	}

	// Overall: Σw = 13; Σw·s = 32.75; Σw·t = 50.
	checkP(t, "overall", res.Overall, p(32.75/13))
	checkF(t, "overall target", res.Target, 50.0/13)
	checkP(t, "overall gap", res.Gap, p(17.25/13))
	if res.Answered != 10 || res.Total != 13 {
		t.Errorf("completeness = %d/%d, want 10/13", res.Answered, res.Total)
	}
	// The weighted overall is not the mean of the area means.
	if mean := (*res.Areas[0].Score + *res.Areas[1].Score) / 2; math.Abs(mean-*res.Overall) < 0.05 {
		t.Errorf("example does not show the difference: mean of areas %v, overall %v", mean, *res.Overall)
	}

	units := []UnitResult{
		{UnitID: 11, Overall: p(31.5 / 7.5), Target: 4, Gap: p(-0.2), Answered: 3, Total: 3, Areas: []AreaResult{
			{AreaID: "GOV", Score: p(3), Target: 4, Gap: p(1), Answered: 1, Total: 1},
			{AreaID: "OPS", Score: p(4.5), Target: 4, Gap: p(-0.5), Answered: 2, Total: 2},
		}},
		{UnitID: 12, Overall: p(3 / 4.5), Target: 15 / 4.5, Gap: p(12 / 4.5), Answered: 3, Total: 3, Areas: []AreaResult{
			{AreaID: "GOV", Score: p(0), Target: 4, Gap: p(4), Answered: 1, Total: 1, DontKnow: 1},
			{AreaID: "OPS", Score: p(1), Target: 3, Gap: p(2), Answered: 2, Total: 2},
		}},
		// Nothing counts: no scores; targets over all the unit questions.
		{UnitID: 13, Overall: nil, Target: 30 / 7.5, Gap: nil, Answered: 0, Total: 3, Areas: []AreaResult{
			{AreaID: "GOV", Score: nil, Target: 4, Gap: nil, Answered: 0, Total: 1},
			{AreaID: "OPS", Score: nil, Target: 24.0 / 6, Gap: nil, Answered: 0, Total: 2},
		}},
	}
	if len(res.Units) != len(units) {
		t.Fatalf("%d unit results, want %d", len(res.Units), len(units))
	}
	for i, want := range units {
		got := res.Units[i]
		name := fmt.Sprintf("unit %d", want.UnitID)
		if got.UnitID != want.UnitID {
			t.Errorf("unit %d: id %d, want %d", i, got.UnitID, want.UnitID)
		}
		checkP(t, name+" overall", got.Overall, want.Overall)
		checkF(t, name+" target", got.Target, want.Target)
		checkP(t, name+" gap", got.Gap, want.Gap)
		if got.Answered != want.Answered || got.Total != want.Total {
			t.Errorf("%s: completeness %d/%d, want %d/%d", name, got.Answered, got.Total, want.Answered, want.Total)
		}
		if len(got.Areas) != len(want.Areas) {
			t.Errorf("%s: %d areas, want %d", name, len(got.Areas), len(want.Areas))
			continue
		}
		for j, wa := range want.Areas {
			checkArea(t, name+" area "+wa.AreaID, got.Areas[j], wa)
		}
	}

	wantFollow := []FollowUp{{"GOV-03", 12}, {"OPS-01", 0}}
	if !reflect.DeepEqual(res.FollowUps, wantFollow) {
		t.Errorf("follow-ups = %v, want %v", res.FollowUps, wantFollow)
	}
	if len(res.Ignored) != 0 {
		t.Errorf("ignored = %v, want none", res.Ignored)
	}

	// Displayed values, as in the table of docs/scoring.md.
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"GOV score", *res.Areas[0].Score, 1.86},
		{"GOV target", res.Areas[0].Target, 3.64},
		{"GOV gap", *res.Areas[0].Gap, 1.77},
		{"OPS score", *res.Areas[1].Score, 3.00},
		{"overall", *res.Overall, 2.52},
		{"overall target", res.Target, 3.85},
		{"overall gap", *res.Gap, 1.33},
		{"unit 12 overall", *res.Units[1].Overall, 0.67},
		{"unit 12 target", res.Units[1].Target, 3.33},
		{"unit 12 gap", *res.Units[1].Gap, 2.67},
		{"unit 11 gap", *res.Units[0].Gap, -0.2},
	} {
		if got := Round2(c.got); got != c.want {
			t.Errorf("Round2(%s) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRecommendationsWorkedExample(t *testing.T) {
	f := exampleFramework()
	res := Compute(f, exampleAnswers(), exampleUnits)
	want := []Recommendation{
		{QuestionID: "OPS-01", AreaID: "OPS", Score: 0, Target: 4, Key: "0", Weight: 1.5, Gap: 4, Priority: 6, Text: "OPS-01 from 0"},
		{QuestionID: "GOV-03", AreaID: "GOV", Score: 1.5, Target: 4, Key: "1", Weight: 1.5, Gap: 2.5, Priority: 3.75, Text: "GOV-03 from 1"},
		{QuestionID: "GOV-01", AreaID: "GOV", Score: 2, Target: 3, Key: "2", Weight: 3, Gap: 1, Priority: 3, Text: "GOV-01 from 2"},
		{QuestionID: "GOV-02", AreaID: "GOV", Score: 2, Target: 5, Key: "partly", Weight: 1, Gap: 3, Priority: 3, Text: "GOV-02 from partly"},
		{QuestionID: "OPS-03", AreaID: "OPS", Score: 2.5, Target: 3, Key: "2", Weight: 3, Gap: 0.5, Priority: 1.5, Text: "OPS-03 from 2"},
	}
	for _, c := range []struct {
		lang  string
		limit int
		want  []Recommendation
	}{
		{"en", 0, want},
		{"en", -1, want},
		{"en", 10, want},
		{"en", 2, want[:2]},
		{"nb", 3, want[:3]}, // no Norwegian text: falls back to English
	} {
		got := Recommendations(f, res, c.lang, c.limit)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Recommendations(%s, %d):\n got %+v\nwant %+v", c.lang, c.limit, got, c.want)
		}
	}
	da := Recommendations(f, res, "da", 1)
	if len(da) != 1 || da[0].Text != "OPS-01 fra 0" {
		t.Errorf("Danish recommendation = %+v", da)
	}
	if got := Recommendations(nil, res, "en", 0); got != nil {
		t.Errorf("Recommendations(nil framework) = %v", got)
	}
	// A result from another framework: unknown questions are left out.
	other := &framework.Framework{Areas: []*framework.Area{{ID: "X", Questions: []*framework.Question{maturity("X-01", org, 1, 3, false)}}}}
	if got := Recommendations(other, res, "en", 0); len(got) != 0 {
		t.Errorf("recommendations for unknown questions: %v", got)
	}
}

func TestRecommendationKey(t *testing.T) {
	m := maturity("Q-01", org, 1, 4, false)
	y := ypn("Q-02", unit, 1, false)
	for _, c := range []struct {
		q     *framework.Question
		score float64
		want  string
	}{
		{m, 0, "0"},
		{m, 0.99, "0"},
		{m, 1, "1"},
		{m, 2.5, "2"},
		{m, 3.9, "3"},
		{m, 4, "3"}, // at target there is no recommendation; clamped to the highest key
		{y, 0, "no"},
		{y, 1, "no"}, // partly + no: below partly
		{y, 2, "partly"},
		{y, 2.5, "partly"}, // yes + no
		{y, 3.5, "partly"}, // yes + partly
	} {
		if got := RecommendationKey(c.q, c.score); got != c.want {
			t.Errorf("RecommendationKey(%s, %v) = %q, want %q", c.q.ID, c.score, got, c.want)
		}
	}
}

func TestRecommendationsUnitYesPartlyNo(t *testing.T) {
	f := &framework.Framework{Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{
		ypn("A-01", unit, 2, false),
		ypn("A-02", unit, 1, false),
		maturity("A-03", org, 1, 5, false),
	}}}}
	res := Compute(f, []Answer{
		{"A-01", 1, "yes"}, {"A-01", 2, "no"}, // 2.5: gap 2.5, priority 5
		{"A-02", 1, "partly"}, {"A-02", 2, "no"}, // 1: gap 4, priority 4
		{"A-03", 0, "5"}, // at target
	}, []int64{1, 2})
	got := Recommendations(f, res, "en", 0)
	if len(got) != 2 || got[0].QuestionID != "A-01" || got[0].Key != "partly" || got[0].Priority != 5 ||
		got[1].QuestionID != "A-02" || got[1].Key != "no" || got[1].Priority != 4 {
		t.Errorf("recommendations = %+v", got)
	}
}

func TestValidValue(t *testing.T) {
	f := exampleFramework()
	get := func(id string) *framework.Question {
		q, ok := f.Question(id)
		if !ok {
			t.Fatalf("no question %s", id)
		}
		return q
	}
	for _, c := range []struct {
		q       string
		v       string
		wantErr string // "" for valid
	}{
		{"GOV-01", "", ""},
		{"GOV-01", "0", ""},
		{"GOV-01", "5", ""},
		{"GOV-01", "dontknow", ""},
		{"GOV-01", "na", `question GOV-01 cannot be answered "na": "not relevant" is not allowed for it`},
		{"GOV-01", "6", `question GOV-01 takes a maturity level "0" to "5", "dontknow", not "6"`},
		{"GOV-01", "-1", `not "-1"`},
		{"GOV-01", "03", `not "03"`},
		{"GOV-01", " 3", `not " 3"`},
		{"GOV-01", "yes", `not "yes"`},
		{"GOV-01", "2.5", `not "2.5"`},
		{"GOV-03", "na", ""},
		{"GOV-03", "x", `question GOV-03 takes a maturity level "0" to "5", "dontknow" or "na", not "x"`},
		{"GOV-02", "yes", ""},
		{"GOV-02", "partly", ""},
		{"GOV-02", "no", ""},
		{"GOV-02", "dontknow", ""},
		{"GOV-02", "Yes", `question GOV-02 takes "yes", "partly", "no", "dontknow", not "Yes"`},
		{"GOV-02", "3", `not "3"`},
		{"GOV-02", "na", `cannot be answered "na"`},
		{"OPS-02", "na", ""},
		{"OPS-02", "maybe", `"dontknow" or "na", not "maybe"`},
	} {
		err := ValidValue(get(c.q), f, c.v)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("ValidValue(%s, %q) = %v, want nil", c.q, c.v, err)
		case c.wantErr != "" && err == nil:
			t.Errorf("ValidValue(%s, %q) = nil, want error", c.q, c.v)
		case c.wantErr != "" && (!strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, ErrInvalidValue)):
			t.Errorf("ValidValue(%s, %q) = %v, want it to contain %q and wrap ErrInvalidValue", c.q, c.v, err, c.wantErr)
		}
	}
	// The framework default applies when the question does not override it.
	q := maturity("Z-01", org, 1, 3, false)
	if err := ValidValue(q, &framework.Framework{NotRelevant: true}, "na"); err != nil {
		t.Errorf("na with framework default true: %v", err)
	}
	if err := ValidValue(q, nil, "na"); err == nil {
		t.Error("na without framework accepted")
	}
	if err := ValidValue(nil, f, "3"); !errors.Is(err, ErrInvalidValue) {
		t.Errorf("nil question: %v", err)
	}
	bad := &framework.Question{ID: "Z-02", Answer: "free-text"}
	if err := ValidValue(bad, f, "3"); err == nil || !strings.Contains(err.Error(), "unknown answer type") {
		t.Errorf("unknown answer type: %v", err)
	}
}

func TestScore(t *testing.T) {
	m := maturity("M-01", org, 1, 3, true)
	y := ypn("Y-01", org, 1, true)
	for _, c := range []struct {
		q       *framework.Question
		v       string
		score   float64
		counts  bool
		flagged bool
	}{
		{m, "0", 0, true, false},
		{m, "1", 1, true, false},
		{m, "4", 4, true, false},
		{m, "5", 5, true, false},
		{m, "dontknow", 0, true, true},
		{m, "na", 0, false, false},
		{m, "", 0, false, false},
		{m, "yes", 0, false, false},
		{m, "6", 0, false, false},
		{y, "yes", 5, true, false},
		{y, "partly", 2, true, false},
		{y, "no", 0, true, false},
		{y, "dontknow", 0, true, true},
		{y, "na", 0, false, false},
		{y, "", 0, false, false},
		{y, "3", 0, false, false},
		{nil, "3", 0, false, false},
	} {
		s, cnt, fl := Score(c.q, c.v)
		if s != c.score || cnt != c.counts || fl != c.flagged {
			id := "<nil>"
			if c.q != nil {
				id = c.q.ID
			}
			t.Errorf("Score(%s, %q) = %v, %v, %v; want %v, %v, %v", id, c.v, s, cnt, fl, c.score, c.counts, c.flagged)
		}
	}
	if Target(m) != 3 || Target(y) != 5 || Target(nil) != 0 {
		t.Errorf("Target = %v, %v, %v", Target(m), Target(y), Target(nil))
	}
}

func TestRound2(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{
		{0, 0},
		{1, 1},
		{1.004, 1},
		{1.005, 1.01},
		{2.675, 2.68},
		{2.665, 2.67},
		{-2.675, -2.68},
		{-1.005, -1.01},
		{-0.004, 0},
		{41.0 / 22, 1.86},
		{2.0 / 3, 0.67},
		{-2.0 / 3, -0.67},
		{4.999, 5},
		{0.125, 0.13},
		{-0.125, -0.13},
	} {
		got := Round2(c.in)
		if got != c.want || math.Signbit(got) != math.Signbit(c.want) {
			t.Errorf("Round2(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if !math.IsNaN(Round2(math.NaN())) || !math.IsInf(Round2(math.Inf(-1)), -1) {
		t.Error("Round2 of NaN or Inf changed")
	}
}

func TestEdgeCases(t *testing.T) {
	f := exampleFramework()
	t.Run("nothing answered", func(t *testing.T) {
		for _, units := range [][]int64{nil, exampleUnits} {
			res := Compute(f, nil, units)
			if res.Overall != nil || res.Gap != nil {
				t.Errorf("overall %v gap %v, want nil", fmtP(res.Overall), fmtP(res.Gap))
			}
			for _, a := range res.Areas {
				if a.Score != nil || a.Gap != nil || a.Answered != 0 {
					t.Errorf("area %s = %+v", a.AreaID, a)
				}
			}
			for _, q := range res.Questions {
				if q.Score != nil || q.Gap != nil {
					t.Errorf("question %s has a score", q.QuestionID)
				}
			}
			// Targets fall back to all questions: Σw·t / Σw = (20+30+5)/(5.5+8.5).
			checkF(t, "target", res.Target, 55.0/14)
			wantTotal := 4 + 3*len(units)
			if res.Answered != 0 || res.Total != wantTotal {
				t.Errorf("completeness %d/%d, want 0/%d", res.Answered, res.Total, wantTotal)
			}
			if len(res.FollowUps) != 0 || len(res.Ignored) != 0 || len(res.Units) != len(units) {
				t.Errorf("follow-ups %v, ignored %v, units %d", res.FollowUps, res.Ignored, len(res.Units))
			}
			if len(Recommendations(f, res, "en", 0)) != 0 {
				t.Error("recommendations without scores")
			}
		}
	})
	t.Run("nil framework", func(t *testing.T) {
		res := Compute(nil, []Answer{{"GOV-01", 0, "3"}}, []int64{1})
		if res.Overall != nil || len(res.Areas) != 0 || len(res.Questions) != 0 || len(res.Ignored) != 1 || len(res.Units) != 1 {
			t.Errorf("result = %+v", res)
		}
	})
	t.Run("all na", func(t *testing.T) {
		nf := &framework.Framework{NotRelevant: true, Areas: []*framework.Area{{ID: "A", Questions: []*framework.Question{
			maturity("A-01", org, 1, 3, false), ypn("A-02", unit, 3, false),
		}}}}
		nf.Areas[0].Questions[0].NotRelevant = nil // framework default
		nf.Areas[0].Questions[1].NotRelevant = nil
		res := Compute(nf, []Answer{{"A-01", 0, "na"}, {"A-02", 1, "na"}, {"A-02", 2, "na"}}, []int64{1, 2})
		if res.Overall != nil || res.Areas[0].Score != nil || res.Units[0].Overall != nil || len(res.Ignored) != 0 {
			t.Errorf("all na: %+v", res)
		}
		checkF(t, "target", res.Target, 18.0/4)
		if res.Answered != 3 || res.Total != 3 || res.Units[1].Answered != 1 || res.Units[1].Total != 1 {
			t.Errorf("na counts as answered: %d/%d, unit %d/%d", res.Answered, res.Total, res.Units[1].Answered, res.Units[1].Total)
		}
	})
	t.Run("unit question without units", func(t *testing.T) {
		res := Compute(f, []Answer{{"GOV-01", 0, "4"}, {"GOV-03", 11, "5"}, {"OPS-02", 0, "yes"}}, nil)
		checkP(t, "GOV-01", res.Questions[0].Score, p(4))
		if res.Questions[2].Score != nil {
			t.Errorf("GOV-03 scored without units: %v", fmtP(res.Questions[2].Score))
		}
		checkP(t, "GOV", res.Areas[0].Score, p(4))      // only GOV-01 counts
		checkF(t, "GOV target", res.Areas[0].Target, 3) // and only its target
		if res.Areas[0].Total != 2 || res.Areas[1].Total != 2 || res.Total != 4 {
			t.Errorf("totals %d %d %d, want 2 2 4", res.Areas[0].Total, res.Areas[1].Total, res.Total)
		}
		if len(res.Units) != 0 || len(res.Ignored) != 2 {
			t.Errorf("units %v ignored %v", res.Units, res.Ignored)
		}
		// An area whose only question is a unit question.
		uf := &framework.Framework{Areas: []*framework.Area{{ID: "U", Questions: []*framework.Question{maturity("U-01", unit, 1, 3, false)}}}}
		res = Compute(uf, nil, nil)
		if res.Areas[0].Score != nil || res.Areas[0].Total != 0 || res.Overall != nil {
			t.Errorf("unit-only area: %+v", res.Areas[0])
		}
		checkF(t, "U target", res.Areas[0].Target, 3)
	})
	t.Run("ignored answers", func(t *testing.T) {
		answers := append(exampleAnswers(),
			Answer{"NOPE-01", 0, "5"},   // unknown question
			Answer{"GOV-03", 99, "5"},   // unit not taking part
			Answer{"GOV-03", 0, "5"},    // unit question without a unit
			Answer{"GOV-01", 11, "5"},   // organisation question with a unit
			Answer{"GOV-01", 0, "na"},   // na not allowed
			Answer{"GOV-02", 0, "4"},    // not a yes-partly-no value
			Answer{"OPS-03", 12, "yes"}, // not a maturity value
		)
		res := Compute(exampleFramework(), answers, exampleUnits)
		want := answers[len(exampleAnswers()):]
		if !reflect.DeepEqual(res.Ignored, want) {
			t.Errorf("ignored = %v, want %v", res.Ignored, want)
		}
		// Ignored answers change nothing: the numbers are those of the example.
		base := Compute(exampleFramework(), exampleAnswers(), exampleUnits)
		res.Ignored = nil
		if !reflect.DeepEqual(res, base) {
			t.Errorf("ignored answers changed the result")
		}
	})
	t.Run("duplicates: last wins", func(t *testing.T) {
		res := Compute(f, []Answer{
			{"GOV-01", 0, "1"}, {"GOV-01", 0, "4"}, // 4
			{"GOV-02", 0, "yes"}, {"GOV-02", 0, ""}, // cleared: unanswered
			{"OPS-01", 0, "2"}, {"OPS-01", 0, "7"}, // invalid later value is ignored: 2 stays
			{"GOV-03", 11, "dontknow"}, {"GOV-03", 11, "3"}, // no follow-up left
		}, exampleUnits)
		checkP(t, "GOV-01", res.Questions[0].Score, p(4))
		checkP(t, "GOV-02", res.Questions[1].Score, nil)
		checkP(t, "OPS-01", res.Questions[3].Score, p(2))
		checkP(t, "GOV-03", res.Questions[2].Score, p(3))
		if res.Areas[0].Answered != 2 || res.Areas[0].DontKnow != 0 || len(res.FollowUps) != 0 {
			t.Errorf("GOV completeness %+v, follow-ups %v", res.Areas[0], res.FollowUps)
		}
		if len(res.Ignored) != 1 || res.Ignored[0].Value != "7" {
			t.Errorf("ignored = %v", res.Ignored)
		}
	})
	t.Run("units: repeats and 0 dropped", func(t *testing.T) {
		res := Compute(f, exampleAnswers(), []int64{11, 0, 12, 11, 13})
		base := Compute(f, exampleAnswers(), exampleUnits)
		if !reflect.DeepEqual(res, base) {
			t.Errorf("repeated units changed the result: %+v", res.Units)
		}
	})
	t.Run("unit order", func(t *testing.T) {
		res := Compute(f, exampleAnswers(), []int64{13, 12, 11})
		if res.Units[0].UnitID != 13 || res.Units[2].UnitID != 11 {
			t.Errorf("units not in the order given: %v", res.Units)
		}
		want := []FollowUp{{"GOV-03", 12}, {"OPS-01", 0}}
		if !reflect.DeepEqual(res.FollowUps, want) {
			t.Errorf("follow-ups %v", res.FollowUps)
		}
		checkP(t, "GOV-03", res.Questions[2].Score, p(1.5))
	})
}

func TestResultJSON(t *testing.T) {
	res := Compute(exampleFramework(), append(exampleAnswers(), Answer{"X", 0, "1"}), exampleUnits)
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"overall":`, `"follow_ups":[{"question_id":"GOV-03","unit_id":12}`, `"dont_know":true`,
		`"ignored":[{"question_id":"X","unit_id":0,"value":"1"}]`, `"score":null`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("JSON lacks %s:\n%s", key, data)
		}
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, res) {
		t.Errorf("JSON round trip changed the result")
	}
	empty, _ := json.Marshal(Compute(exampleFramework(), nil, nil))
	if !strings.Contains(string(empty), `"units":[]`) || strings.Contains(string(empty), "ignored") {
		t.Errorf("empty result JSON: %s", empty)
	}
}

func baseline2026(t testing.TB) *framework.Framework {
	t.Helper()
	fws, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fws {
		if f.ID == "vaern-baseline" && f.Version == "2026" {
			return f
		}
	}
	t.Fatal("built-in framework vaern-baseline 2026 not found")
	return nil
}

// answerAll answers every question of f, once for organisation questions and
// once per unit for unit questions, with value(q).
func answerAll(f *framework.Framework, units []int64, value func(*framework.Question) string) []Answer {
	var as []Answer
	for _, q := range f.Questions() {
		if q.Scope == framework.ScopeUnit {
			for _, u := range units {
				as = append(as, Answer{q.ID, u, value(q)})
			}
		} else {
			as = append(as, Answer{q.ID, 0, value(q)})
		}
	}
	return as
}

func TestBuiltinAllThree(t *testing.T) {
	f := baseline2026(t)
	units := []int64{101, 102, 103}
	res := Compute(f, answerAll(f, units, func(*framework.Question) string { return "3" }), units)

	// "3" is not a yes-partly-no answer: those are ignored, the rest count.
	ypnAnswers := 0
	for _, q := range f.Questions() {
		if q.Answer == framework.AnswerYesPartlyNo {
			if q.Scope == framework.ScopeUnit {
				ypnAnswers += len(units)
			} else {
				ypnAnswers++
			}
		}
	}
	if len(res.Ignored) != ypnAnswers {
		t.Errorf("%d ignored, want %d (the yes-partly-no answers)", len(res.Ignored), ypnAnswers)
	}
	checkP(t, "overall", res.Overall, p(3))
	if len(res.Areas) != len(f.Areas) {
		t.Fatalf("%d areas, want %d", len(res.Areas), len(f.Areas))
	}
	for i, a := range res.Areas {
		if a.AreaID != f.Areas[i].ID {
			t.Errorf("area %d is %s, want %s", i, a.AreaID, f.Areas[i].ID)
		}
		checkP(t, "area "+a.AreaID, a.Score, p(3))
	}
	for _, u := range res.Units {
		checkP(t, fmt.Sprintf("unit %d", u.UnitID), u.Overall, p(3))
		if u.Answered+ypnUnitQuestions(f) != u.Total {
			t.Errorf("unit %d: %d/%d answered", u.UnitID, u.Answered, u.Total)
		}
	}
	if res.Answered+ypnAnswers != res.Total || len(res.FollowUps) != 0 {
		t.Errorf("completeness %d/%d, follow-ups %d", res.Answered, res.Total, len(res.FollowUps))
	}
}

func ypnUnitQuestions(f *framework.Framework) int {
	n := 0
	for _, q := range f.Questions() {
		if q.Answer == framework.AnswerYesPartlyNo && q.Scope == framework.ScopeUnit {
			n++
		}
	}
	return n
}

func TestBuiltinAllAtTarget(t *testing.T) {
	f := baseline2026(t)
	units := []int64{7, 8}
	res := Compute(f, answerAll(f, units, func(q *framework.Question) string {
		if q.Answer == framework.AnswerYesPartlyNo {
			return "yes"
		}
		return strconv.Itoa(q.Target)
	}), units)
	if len(res.Ignored) != 0 || res.Answered != res.Total || res.Total == 0 {
		t.Fatalf("ignored %v, completeness %d/%d", res.Ignored, res.Answered, res.Total)
	}
	checkP(t, "overall gap", res.Gap, p(0))
	for _, a := range res.Areas {
		checkP(t, "gap of "+a.AreaID, a.Gap, p(0))
	}
	for _, q := range res.Questions {
		checkP(t, "gap of "+q.QuestionID, q.Gap, p(0))
	}
	for _, u := range res.Units {
		checkP(t, fmt.Sprintf("unit %d gap", u.UnitID), u.Gap, p(0))
		for _, a := range u.Areas {
			checkP(t, fmt.Sprintf("unit %d gap of %s", u.UnitID, a.AreaID), a.Gap, p(0))
		}
	}
	if recs := Recommendations(f, res, "da", 0); len(recs) != 0 {
		t.Errorf("recommendations at target: %v", recs)
	}
	// One step below target everywhere: every recommendation has a text.
	res = Compute(f, answerAll(f, units, func(q *framework.Question) string {
		if q.Answer == framework.AnswerYesPartlyNo {
			return "partly"
		}
		return strconv.Itoa(q.Target - 1)
	}), units)
	recs := Recommendations(f, res, "da", 0)
	if len(recs) != len(f.Questions()) {
		t.Errorf("%d recommendations, want %d", len(recs), len(f.Questions()))
	}
	for i, r := range recs {
		if r.Text == "" {
			t.Errorf("%s: no text for key %s", r.QuestionID, r.Key)
		}
		if i > 0 && r.Priority > recs[i-1].Priority {
			t.Errorf("recommendations not ranked at %d", i)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	f := baseline2026(b)
	units := make([]int64, 30)
	for i := range units {
		units[i] = int64(i + 1)
	}
	values := []string{"0", "1", "2", "3", "4", "5", "dontknow", ""}
	n := 0
	answers := answerAll(f, units, func(q *framework.Question) string {
		n++
		if q.Answer == framework.AnswerYesPartlyNo {
			return []string{"yes", "partly", "no", "dontknow"}[n%4]
		}
		return values[n%len(values)]
	})
	b.ReportAllocs()
	for b.Loop() {
		Compute(f, answers, units)
	}
}
