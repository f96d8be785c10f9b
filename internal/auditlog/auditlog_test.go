package auditlog

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

func TestDescribe(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	da := cat.For("da")
	names := Names{Users: map[int64]string{3: "Anna Holm", 4: "Bo Ravn"}, Units: map[int64]string{7: "Jobcenter"}, Systems: map[int64]string{9: "KMD Nexus"}}
	for _, tc := range []struct {
		name                 string
		e                    vaern.AuditEntry
		who, what, obj, href string
		detail               string
	}{
		{"sign-in", vaern.AuditEntry{ActorID: 3, ActorEmail: "anna@aarhus.dk", Action: "auth.login", ObjectType: "user", ObjectID: "3",
			Detail: `{"method":"password"}`}, "Anna Holm", "Loggede ind", "Bruger Anna Holm", "/org/users/3", "Metode: adgangskode"},
		{"a person who has left", vaern.AuditEntry{ActorID: 99, ActorEmail: "gone@aarhus.dk", Action: "unit.create", ObjectType: "unit", ObjectID: "7",
			Detail: `{"name":"Jobcenter","parent_id":0}`}, "gone@aarhus.dk", "Oprettede enhed", "Enhed Jobcenter", "/org/units/7", "Navn: Jobcenter; Overordnet enhed: ingen enhed"},
		{"approval", vaern.AuditEntry{ActorID: 4, Action: "answer.approve", ObjectType: "answer", ObjectID: "12",
			Detail: `{"assessment_id":5,"question":"GOV-09","unit_id":7,"comment":""}`}, "Bo Ravn", "Godkendte svar", "Svar GOV-09 – Jobcenter",
			"/baseline/5/history?q=GOV-09&unit=7", "Besvarelse: 5; Kommentar: –; Spørgsmål: GOV-09; Enhed: Jobcenter"},
		{"an older approval without its assessment", vaern.AuditEntry{Action: "answer.approve", ObjectType: "answer", ObjectID: "12",
			Detail: `{"question":"GOV-01","unit_id":0}`}, "Værn (systemet)", "Godkendte svar", "Svar GOV-01", "", "Spørgsmål: GOV-01; Enhed: ingen enhed"},
		{"system change", vaern.AuditEntry{ActorID: 3, Action: "system.update", ObjectType: "system", ObjectID: "9",
			Detail: `{"name":["Nexus","KMD Nexus"],"system_owner_id":[0,4],"internet_exposed":[false,true]}`}, "Anna Holm", "Ændrede system",
			"System KMD Nexus", "/register/systems/9", "Udsat mod internettet: nej → ja; Navn: Nexus → KMD Nexus; Systemejer: – → Bo Ravn"},
		{"deleted system", vaern.AuditEntry{ActorID: 3, Action: "system.delete", ObjectType: "system", ObjectID: "10", Detail: `{"name":"Gammelt"}`},
			"Anna Holm", "Slettede system", "System #10", "", "Navn: Gammelt"},
		{"an action this version does not know", vaern.AuditEntry{ActorID: 3, Action: "sensor.enrol", ObjectType: "sensor", ObjectID: "2", Detail: `[1,2]`},
			"Anna Holm", "sensor.enrol", "sensor #2", "", "Detaljer: [1,2]"},
	} {
		r := Describe(da, tc.e, names)
		if r.Who != tc.who || r.What != tc.what || r.ObjectText != tc.obj || r.ObjectHref != tc.href || r.DetailText() != tc.detail {
			t.Errorf("%s:\n got %q | %q | %q | %q | %q\nwant %q | %q | %q | %q | %q", tc.name, r.Who, r.What, r.ObjectText, r.ObjectHref, r.DetailText(),
				tc.who, tc.what, tc.obj, tc.href, tc.detail)
		}
	}
}

// TestEveryActionTranslated checks that every action the code records (Action: "x.y" in the
// store and the web handlers, and the actions built from a prefix) and every category has a text
// in every language.
func TestEveryActionTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{"answer.approve": true, "answer.return": true, "link.invite": true, "link.reset": true}
	lit := regexp.MustCompile(`Action: +"([a-z_]+\.[a-z_]+)"`)
	for _, dir := range []string{"../store", "../web"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
				actions[m[1]] = true
			}
		}
	}
	if len(actions) < 40 {
		t.Fatalf("found only %d actions in the code", len(actions))
	}
	for _, l := range i18n.Langs {
		for a := range actions {
			if c, _, _ := strings.Cut(a, "."); !KnownCategory(c) {
				t.Errorf("action %s is in no category", a)
			}
			if !cat.Has(l, "audit.action."+a) {
				t.Errorf("%s: no text for action %s", l, a)
			}
		}
		for _, c := range Categories {
			if !cat.Has(l, "audit.category."+c) {
				t.Errorf("%s: no text for category %s", l, c)
			}
		}
	}
}
