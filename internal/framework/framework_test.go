package framework

import "testing"

func TestTextGet(t *testing.T) {
	for _, c := range []struct {
		text Text
		lang string
		want string
	}{
		{Text{"da": "da", "nb": "nb", "en": "en"}, "nb", "nb"},
		{Text{"da": "da", "nb": "nb", "en": "en"}, "sv", "en"},
		{Text{"da": "da", "nb": "nb"}, "en", "da"},
		{Text{"nb": "nb"}, "da", "nb"},
		{Text{"da": "", "en": "en"}, "da", "en"},
		{nil, "da", ""},
	} {
		if got := c.text.Get(c.lang); got != c.want {
			t.Errorf("%v.Get(%s) = %q, want %q", c.text, c.lang, got, c.want)
		}
	}
}

func TestQuestionHelpers(t *testing.T) {
	f, err := Parse("frameworks.md", docExample(t))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, q := range f.Questions() {
		ids = append(ids, q.ID)
	}
	if got := len(ids); got != 4 || ids[0] != "GOV-01" || ids[3] != "OPS-02" {
		t.Fatalf("Questions() = %v", ids)
	}
	if _, ok := f.Question("NOPE-01"); ok {
		t.Error("found a question that does not exist")
	}
	gov1, _ := f.Question("GOV-01")
	ops1, _ := f.Question("OPS-01")
	ops2, _ := f.Question("OPS-02")
	if a, ok := f.AreaOf("OPS-02"); !ok || a.ID != "OPS" {
		t.Errorf("AreaOf(OPS-02) = %v", a)
	}

	// Shared scale versus question-specific levels.
	if got := gov1.LevelText(3, "en"); got != "It is written down, approved and known to those concerned." {
		t.Errorf("GOV-01 level 3 = %q", got)
	}
	if got := ops1.LevelText(0, "nb"); got != "Gjenoppretting er aldri testet." {
		t.Errorf("OPS-01 level 0 = %q", got)
	}
	if got := ops1.LevelText(9, "en"); got != "" {
		t.Errorf("unknown level = %q", got)
	}

	if got := gov1.Recommendation("2", "da"); got != "Beskriv, hvem der ejer politikken, og hvornår den gennemgås næste gang." {
		t.Errorf("GOV-01 recommendation 2 = %q", got)
	}
	if got := gov1.RecommendationForLevel(3, "da"); got != "" {
		t.Errorf("recommendation at target = %q", got)
	}
	if got := ops2.Recommendation(RecommendNo, "en"); got != "Enrol the unit's staff in the shared course and follow up on attendance." {
		t.Errorf("OPS-02 recommendation no = %q", got)
	}

	if gov1.AllowsNotRelevant(f) {
		t.Error("GOV-01 follows the framework default (false)")
	}
	if !ops2.AllowsNotRelevant(f) {
		t.Error("OPS-02 overrides not_relevant to true")
	}
	f.NotRelevant = true
	if !gov1.AllowsNotRelevant(f) {
		t.Error("GOV-01 follows the framework default (true)")
	}
	if ops1.Weight != 1.5 || ops1.Target != 3 || ops2.Target != 0 || ops2.Scope != ScopeUnit {
		t.Errorf("decoded values: %+v %+v", ops1, ops2)
	}
	if got := gov1.Refs[1]; got != (Ref{Scheme: "nist-csf", ID: "GV.PO-01"}) {
		t.Errorf("ref = %v", got)
	}
	m := f.Supersedes.Mapping[2]
	if m.From != "GOV-02" || m.To != "" || m.Change != ChangeRemoved {
		t.Errorf("mapping[2] = %+v", m)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	f, err := Parse("small.yaml", []byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(f); err != nil {
		t.Fatal(err)
	}
	f.Areas[0].Questions[0].Weight = 0
	f.Areas[0].Questions[1].Audience = "nobody"
	err = Validate(f)
	if p := problemsOf(t, err); len(p) != 2 {
		t.Errorf("want 2 problems, got %v", err)
	}
}
