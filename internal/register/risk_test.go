package register

import (
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

func TestDefaultMatrix(t *testing.T) {
	m := DefaultMatrix()
	if err := ValidateMatrix(&m, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		l, c int
		want string
	}{{1, 1, vaern.RiskLow}, {1, 4, vaern.RiskLow}, {1, 5, vaern.RiskMedium}, {3, 3, vaern.RiskMedium},
		{2, 5, vaern.RiskHigh}, {4, 4, vaern.RiskCritical}, {5, 5, vaern.RiskCritical}, {0, 3, vaern.RiskNone}}
	for _, c := range cases {
		if got := m.Level(c.l, c.c); got != c.want {
			t.Errorf("%d×%d: %s, want %s", c.l, c.c, got, c.want)
		}
	}
}

func TestMemberMatrixMapsOntoReference(t *testing.T) {
	ref := DefaultMatrix()
	own := vaern.RiskMatrix{
		Likelihood:  []vaern.LevelLabel{{EN: "Low"}, {DA: "Middel"}, {EN: "High"}},
		Consequence: []vaern.LevelLabel{{EN: "Small"}, {EN: "Medium"}, {EN: "Large"}, {EN: "Huge"}},
		Medium:      3, High: 6, Critical: 9,
		LikelihoodMap: []int{1, 3, 5}, ConsequenceMap: DefaultMap(4, 5),
	}
	if err := ValidateMatrix(&own, &ref); err != nil {
		t.Fatal(err)
	}
	if own.Likelihood[1].EN != "Middel" || own.Likelihood[0].DA != "Low" {
		t.Errorf("labels not filled in: %+v", own.Likelihood)
	}
	if got := DefaultMap(4, 5); got[0] != 1 || got[3] != 5 {
		t.Errorf("DefaultMap(4,5) = %v", got)
	}
	if l, c := ToReference(own, 2, 4); l != 3 || c != 5 {
		t.Errorf("ToReference = %d,%d", l, c)
	}
	bad := []struct {
		mutate func(m *vaern.RiskMatrix)
		field  string
	}{
		{func(m *vaern.RiskMatrix) { m.LikelihoodMap = []int{1, 3} }, "likelihood_map"},
		{func(m *vaern.RiskMatrix) { m.LikelihoodMap = []int{1, 4, 3} }, "likelihood_map"},
		{func(m *vaern.RiskMatrix) { m.LikelihoodMap = []int{2, 3, 5} }, "likelihood_map"},
		{func(m *vaern.RiskMatrix) { m.ConsequenceMap = []int{1, 2, 3, 6} }, "consequence_map"},
		{func(m *vaern.RiskMatrix) { m.High = 2 }, "thresholds"},
		{func(m *vaern.RiskMatrix) { m.Likelihood = m.Likelihood[:1] }, "likelihood"},
		{func(m *vaern.RiskMatrix) { m.Consequence[2] = vaern.LevelLabel{} }, "consequence_3"},
	}
	for _, b := range bad {
		m := own
		m.Likelihood = append([]vaern.LevelLabel{}, own.Likelihood...)
		m.Consequence = append([]vaern.LevelLabel{}, own.Consequence...)
		b.mutate(&m)
		err := ValidateMatrix(&m, &ref)
		if ve, ok := err.(*vaern.ValidationError); !ok || ve.Field != b.field {
			t.Errorf("want a problem with %s, got %v", b.field, err)
		}
	}
}

func TestThreatCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, lang := range []string{"da", "nb", "en"} {
		ts := Threats(lang)
		if len(ts) < 15 {
			t.Fatalf("%s: only %d threats", lang, len(ts))
		}
		for _, th := range ts {
			if th.Title == "" || len(th.Description) < 30 || strings.ContainsAny(th.Key, " :") {
				t.Errorf("%s: threat %+v incomplete", lang, th)
			}
			if lang == "en" {
				if seen[th.Key] {
					t.Errorf("key %s twice", th.Key)
				}
				seen[th.Key] = true
			}
		}
	}
	da, _ := BuiltinThreat("ransomware", "da")
	nb, _ := BuiltinThreat("ransomware", "nb")
	if da.Title == nb.Title {
		t.Errorf("Danish and Norwegian titles of ransomware are the same: %q", da.Title)
	}
}
