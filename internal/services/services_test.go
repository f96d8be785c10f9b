package services

import (
	"errors"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

func field(err error) string {
	var ve *vaern.ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}

func TestNext(t *testing.T) {
	for _, c := range []struct{ from, act, want string }{
		{vaern.SubRequested, ActApprove, vaern.SubActive},
		{vaern.SubRequested, ActDecline, vaern.SubDeclined},
		{vaern.SubRequested, ActEnd, vaern.SubEnded},
		{vaern.SubActive, ActEnd, vaern.SubEnding},
		{vaern.SubEnding, ActApprove, vaern.SubEnded},
		{vaern.SubEnding, ActDecline, vaern.SubActive},
		{vaern.SubActive, ActApprove, ""},
		{vaern.SubEnded, ActEnd, ""},
		{vaern.SubDeclined, ActApprove, ""},
		{vaern.SubActive, "delete", ""},
	} {
		got, err := Next(c.from, c.act)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("Next(%s, %s) = %q, %v; want %q", c.from, c.act, got, err, c.want)
		}
		if err != nil && field(err) != "action" {
			t.Errorf("Next(%s, %s): error names %q", c.from, c.act, field(err))
		}
	}
}

func TestCleanService(t *testing.T) {
	ok := vaern.Service{Name: vaern.Texts3{Da: " Overvågning ", Nb: "Overvåking", En: "Monitoring"}}
	if err := CleanService(&ok); err != nil || ok.Name.Da != "Overvågning" || ok.Status != vaern.ServiceOffered {
		t.Fatalf("%+v %v", ok, err)
	}
	for _, c := range []struct {
		s    vaern.Service
		want string
	}{
		{vaern.Service{Name: vaern.Texts3{Da: "a", Nb: "b"}}, "name_en"},
		{vaern.Service{Name: vaern.Texts3{Da: "a", Nb: "b", En: "c"}, Status: "gone"}, "status"},
		{vaern.Service{Name: vaern.Texts3{Da: "a", Nb: "b", En: "c"}, Contact: strings.Repeat("x", 501)}, "contact"},
	} {
		if err := CleanService(&c.s); field(err) != c.want {
			t.Errorf("%+v: %v, want field %s", c.s, err, c.want)
		}
	}
}

func TestProgress(t *testing.T) {
	items := []vaern.OnboardingItem{{ID: 1}, {ID: 2, Check: vaern.CheckUnits}, {ID: 3, Check: vaern.CheckTwoFactor}, {ID: 4}}
	f := vaern.OnboardingFacts{OrgID: 7, Units: 3, Coordinators: 2, Coordinators2FA: 1}
	ticks := []vaern.OnboardingTick{{ItemID: 1, OrgID: 7}, {ItemID: 4, OrgID: 8}, {ItemID: 2, OrgID: 7}}
	st, done := Progress(items, f, ticks)
	if done != 2 || !st[0].Done || !st[1].Done || !st[1].Auto || st[1].Tick != nil || st[2].Done || st[3].Done {
		t.Fatalf("progress %d: %+v", done, st)
	}
	f.Coordinators2FA = 2
	if _, done := Progress(items, f, ticks); done != 3 {
		t.Fatalf("with every coordinator on two-factor: %d", done)
	}
	for _, chk := range vaern.OnboardingChecks {
		if Auto(chk, vaern.OnboardingFacts{}) {
			t.Errorf("%s holds for a member with nothing", chk)
		}
	}
}

func TestCleanItem(t *testing.T) {
	base := func() vaern.OnboardingItem {
		return vaern.OnboardingItem{Title: vaern.Texts3{Da: "a", Nb: "b", En: "c"}}
	}
	for link, want := range map[string]string{"/org/units": "", "https://kl.dk/guide": "", "javascript:alert(1)": "link",
		"//evil.example": "link", "http://kl.dk": "link", "units": "link"} {
		it := base()
		it.Link = link
		if err := CleanItem(&it); field(err) != want {
			t.Errorf("link %q: %v", link, err)
		}
	}
	it := base()
	it.Check = "coffee"
	if err := CleanItem(&it); field(err) != "check" {
		t.Errorf("unknown check: %v", err)
	}
	for _, it := range DefaultChecklist() {
		if err := CleanItem(&it); err != nil {
			t.Errorf("default item %q: %v", it.Title.En, err)
		}
	}
}

func TestMappingValue(t *testing.T) {
	q := func(a framework.AnswerType) *framework.Question {
		return &framework.Question{ID: "Q-01", Answer: a, Choices: []framework.Choice{{ID: "own"}}}
	}
	for _, c := range []struct {
		a         framework.AnswerType
		in, out   string
		wantError bool
	}{
		{framework.AnswerText, " ESDH ", "ESDH", false},
		{framework.AnswerText, strings.Repeat("å", framework.MaxTextAnswer+1), "", true},
		{framework.AnswerChoice, "own", "own", false},
		{framework.AnswerChoice, "other", "", true},
		{framework.AnswerNumber, "12,5", "12.5", false},
		{framework.AnswerNumber, "1e3", "1000", false},
		{framework.AnswerNumber, "NaN", "", true},
		{framework.AnswerNumber, "many", "", true},
		{framework.AnswerNumber, "", "", false},
		{framework.AnswerMaturity, "3", "", true},
	} {
		got, err := MappingValue(q(c.a), c.in)
		if (err != nil) != c.wantError || (!c.wantError && got != c.out) {
			t.Errorf("%s %q = %q, %v", c.a, c.in, got, err)
		}
		if err != nil && field(err) != "Q-01" {
			t.Errorf("%s %q: error names %q", c.a, c.in, field(err))
		}
	}
}
