package framework

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// smallYAML is a valid framework kept short (English only, flow-style texts)
// so that validation cases can change one line of it.
const smallYAML = `format: vaern-framework/1
id: test
version: "2"
languages: [en]
title: {en: Test}
not_relevant: true
scale:
  - {level: 0, label: {en: L0}, description: {en: D0}}
  - {level: 1, label: {en: L1}, description: {en: D1}}
  - {level: 2, label: {en: L2}, description: {en: D2}}
  - {level: 3, label: {en: L3}, description: {en: D3}}
  - {level: 4, label: {en: L4}, description: {en: D4}}
  - {level: 5, label: {en: L5}, description: {en: D5}}
supersedes:
  version: "1"
  mapping:
    - {from: GOV-01, to: GOV-01, change: same}
    - {to: GOV-02, change: new}
    - {from: GOV-09, change: removed}
areas:
  - id: GOV
    title: {en: Governance}
    questions:
      - id: GOV-01
        text: {en: Is there a policy?}
        audience: management
        scope: organisation
        answer: maturity
        weight: 2
        target: 2
        recommendations:
          0: {en: Write one.}
          1: {en: Approve it.}
        refs: ["iso27001:A.5.1"]
      - id: GOV-02
        text: {en: Is there an owner?}
        audience: it
        scope: unit
        answer: yes-partly-no
        weight: 1
        recommendations:
          no: {en: Name one.}
          partly: {en: Write it down.}
`

// lineOf returns the 1-based line of the first occurrence of sub in doc.
func lineOf(t *testing.T, doc, sub string) int {
	t.Helper()
	i := strings.Index(doc, sub)
	if i < 0 {
		t.Fatalf("%q not found in document", sub)
	}
	return strings.Count(doc[:i], "\n") + 1
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	if err == nil {
		t.Fatal("expected a validation error, got none")
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("expected *ValidationError, got %T: %v", err, err)
	}
	if len(ve.Problems) == 0 {
		t.Fatal("ValidationError without problems")
	}
	return ve.Problems
}

func TestSmallYAMLIsValid(t *testing.T) {
	f, err := Parse("small.yaml", []byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.Questions()); got != 2 {
		t.Fatalf("questions = %d, want 2", got)
	}
	q, _ := f.Question("GOV-02")
	if _, ok := q.Recommendations["no"]; !ok {
		t.Fatal("bare YAML key no must be read as the string no")
	}
}

func TestValidationProblems(t *testing.T) {
	type tc struct {
		name     string
		old, new string // replace old (must occur exactly once) with new
		field    string
		at       string // the expected line is where this occurs in the changed document; default: new
		msg      string
	}
	cases := []tc{
		{name: "format", old: "format: vaern-framework/1", new: "format: vaern-framework/2", field: "format", msg: `must be "vaern-framework/1"`},
		{name: "format missing", old: "format: vaern-framework/1\n", new: "", field: "format", at: "id: test", msg: "is required"},
		{name: "id pattern", old: "id: test", new: "id: Test_1", field: "id", msg: "is not valid"},
		{name: "version pattern", old: `version: "2"`, new: `version: "2 beta"`, field: "version", msg: "is not valid"},
		{name: "unknown language", old: "languages: [en]", new: "languages: [en, sv]", field: "languages[1]", msg: `unknown language "sv"`},
		{name: "no languages", old: "languages: [en]", new: "languages: []", field: "languages", msg: "at least one"},
		{name: "text lacks declared language", old: "languages: [en]", new: "languages: [en, da]", field: "title.da", at: "title:", msg: "missing text"},
		{name: "text in undeclared language", old: "title: {en: Test}", new: "title: {en: Test, nb: Test}", field: "title.nb", msg: "not listed in languages"},
		{name: "empty text", old: "title: {en: Test}", new: `title: {en: " "}`, field: "title.en", msg: "must not be empty"},
		{name: "text not a mapping", old: "title: {en: Test}", new: "title: Test", field: "title", msg: "must be a mapping"},
		{name: "unknown top-level key", old: "not_relevant: true", new: "not_relevant: true\ncolour: red", field: "colour", at: "colour:", msg: "unknown key"},
		{name: "unknown question key", old: "weight: 2", new: "weight: 2\n        colour: red", field: "areas[0].questions[0].colour", at: "colour:", msg: "unknown key"},
		{name: "not_relevant not bool", old: "not_relevant: true", new: "not_relevant: sometimes", field: "not_relevant", msg: "true or false"},
		{name: "scale level missing", old: "  - {level: 5, label: {en: L5}, description: {en: D5}}\n", new: "", field: "scale", at: "scale:", msg: "level 5 is missing"},
		{name: "scale level duplicate", old: "{level: 5,", new: "{level: 4,", field: "scale[5].level", at: "{level: 4, label: {en: L5}", msg: "already defined on line 12"},
		{name: "scale level out of range", old: "{level: 5,", new: "{level: 6,", field: "scale[5].level", msg: "between 0 and 5"},
		{name: "scale label missing", old: "{level: 3, label: {en: L3}, ", new: "{level: 3, ", field: "scale[3].label", at: "{level: 3,", msg: "is required"},
		{name: "area id pattern", old: "id: GOV\n", new: "id: Gov\n", field: "areas[0].id", at: "id: Gov", msg: "is not valid"},
		{name: "duplicate area", old: "areas:\n", new: "areas:\n  - id: GOV\n    title: {en: Other}\n    questions:\n      - {id: GOV-03, text: {en: Q}, audience: it, scope: unit, answer: yes-partly-no, weight: 1, recommendations: {no: {en: a}, partly: {en: b}}}\n",
			field: "areas[1].id", at: "  - id: GOV\n    title: {en: Governance}", msg: "area GOV is already defined on line 21"},
		{name: "question id pattern", old: "id: GOV-02", new: "id: GOV-2", field: "areas[0].questions[1].id", msg: "is not valid"},
		{name: "question id prefix", old: "id: GOV-02", new: "id: OPS-02", field: "areas[0].questions[1].id", msg: "must start with its area id (GOV-)"},
		{name: "question id duplicate", old: "id: GOV-02", new: "id: GOV-01", field: "areas[0].questions[1].id", at: "- id: GOV-01\n        text: {en: Is there an owner?}", msg: "already defined on line 24"},
		{name: "audience", old: "audience: it", new: "audience: everyone", field: "areas[0].questions[1].audience", msg: `unknown audience "everyone"`},
		{name: "scope", old: "scope: unit", new: "scope: team", field: "areas[0].questions[1].scope", msg: `unknown scope "team"`},
		{name: "answer", old: "answer: maturity", new: "answer: scale", field: "areas[0].questions[0].answer", msg: `unknown answer type "scale"`},
		{name: "weight zero", old: "weight: 2", new: "weight: 0", field: "areas[0].questions[0].weight", msg: "greater than 0"},
		{name: "weight negative", old: "weight: 2", new: "weight: -1.5", field: "areas[0].questions[0].weight", msg: "greater than 0"},
		{name: "weight not a number", old: "weight: 2", new: "weight: heavy", field: "areas[0].questions[0].weight", msg: "must be a number"},
		{name: "weight infinite", old: "weight: 2", new: "weight: .inf", field: "areas[0].questions[0].weight", msg: "must be a number"},
		{name: "weight missing", old: "        weight: 2\n", new: "", field: "areas[0].questions[0].weight", at: "- id: GOV-01", msg: "is required"},
		{name: "target too high", old: "target: 2", new: "target: 6", field: "areas[0].questions[0].target", msg: "from 1 to 5"},
		{name: "target zero", old: "target: 2", new: "target: 0", field: "areas[0].questions[0].target", msg: "from 1 to 5"},
		{name: "target fraction", old: "target: 2", new: "target: 2.5", field: "areas[0].questions[0].target", msg: "whole number"},
		{name: "target missing", old: "        target: 2\n", new: "", field: "areas[0].questions[0].target", at: "- id: GOV-01", msg: "required for maturity"},
		{name: "target on yes-partly-no", old: "weight: 1", new: "weight: 1\n        target: 3", field: "areas[0].questions[1].target", at: "target: 3", msg: "must be left out"},
		{name: "recommendation missing", old: "          1: {en: Approve it.}\n", new: "", field: "areas[0].questions[0].recommendations.1", at: "recommendations:", msg: "is missing"},
		{name: "recommendation at target", old: "1: {en: Approve it.}", new: "1: {en: Approve it.}\n          2: {en: Too much.}", field: "areas[0].questions[0].recommendations.2", at: "2: {en: Too much.}", msg: "not below the target 2"},
		{name: "recommendation bad key", old: "1: {en: Approve it.}", new: "1: {en: Approve it.}\n          later: {en: Too much.}", field: "areas[0].questions[0].recommendations.later", at: "later:", msg: "unknown key"},
		{name: "yes-partly-no recommendation key", old: "partly: {en: Write it down.}", new: "maybe: {en: Write it down.}", field: "areas[0].questions[1].recommendations.maybe", msg: "unknown key"},
		{name: "yes-partly-no recommendation missing", old: "partly: {en: Write it down.}", new: "maybe: {en: Write it down.}", field: "areas[0].questions[1].recommendations.partly", at: "recommendations:\n          no:", msg: "is missing"},
		{name: "recommendation empty text", old: "Name one.", new: `""`, field: "areas[0].questions[1].recommendations.no.en", at: `no: {en: ""}`, msg: "must not be empty"},
		{name: "levels incomplete", old: "        recommendations:\n          0:", new: "        levels:\n          0: {en: Nothing}\n        recommendations:\n          0:", field: "areas[0].questions[0].levels.3", at: "levels:", msg: "is missing"},
		{name: "levels bad key", old: "        recommendations:\n          0:", new: "        levels: {0: {en: a}, 1: {en: a}, 2: {en: a}, 3: {en: a}, 4: {en: a}, 5: {en: a}, 6: {en: a}}\n        recommendations:\n          0:", field: "areas[0].questions[0].levels.6", at: "levels:", msg: "unknown level"},
		{name: "levels on yes-partly-no", old: "weight: 1", new: "weight: 1\n        levels: {0: {en: a}}", field: "areas[0].questions[1].levels", at: "levels:", msg: "only used by maturity"},
		{name: "ref scheme", old: `"iso27001:A.5.1"`, new: `"iso9001:4.1"`, field: "areas[0].questions[0].refs[0]", msg: `unknown reference scheme "iso9001"`},
		{name: "ref id", old: `"iso27001:A.5.1"`, new: `"iso27001:A.5.99"`, field: "areas[0].questions[0].refs[0]", msg: "not a valid iso27001 id"},
		{name: "ref syntax", old: `"iso27001:A.5.1"`, new: `"A.5.1"`, field: "areas[0].questions[0].refs[0]", msg: "write scheme:id"},
		{name: "ref duplicate", old: `"iso27001:A.5.1"`, new: `"iso27001:A.5.1", "nis2:21.2.a", "iso27001:A.5.1"`, field: "areas[0].questions[0].refs[2]", msg: "already listed"},
		{name: "change kind", old: "{to: GOV-02, change: new}", new: "{to: GOV-02, change: added}", field: "supersedes.mapping[1].change", msg: `unknown change "added"`},
		{name: "same without to", old: "{from: GOV-01, to: GOV-01, change: same}", new: "{from: GOV-01, change: same}", field: "supersedes.mapping[0].to", msg: "required for change same"},
		{name: "changed without from", old: "{from: GOV-01, to: GOV-01, change: same}", new: "{to: GOV-01, change: changed}", field: "supersedes.mapping[0].from", msg: "required for change changed"},
		{name: "removed with to", old: "{from: GOV-09, change: removed}", new: "{from: GOV-09, to: GOV-01, change: removed}", field: "supersedes.mapping[2].to", msg: "must be left out for change removed"},
		{name: "new with from", old: "{to: GOV-02, change: new}", new: "{from: GOV-05, to: GOV-02, change: new}", field: "supersedes.mapping[1].from", msg: "must be left out for change new"},
		{name: "to unknown", old: "{to: GOV-02, change: new}", new: "{to: GOV-03, change: new}", field: "supersedes.mapping[1].to", msg: "no question GOV-03"},
		{name: "question unmapped", old: "{to: GOV-02, change: new}", new: "{to: GOV-03, change: new}", field: "supersedes.mapping", at: "mapping:", msg: "question GOV-02 is not mapped"},
		{name: "to twice", old: "{to: GOV-02, change: new}", new: "{to: GOV-01, change: new}", field: "supersedes.mapping[1].to", msg: "GOV-01 is already mapped on line 17"},
		{name: "from twice", old: "{from: GOV-09, change: removed}", new: "{from: GOV-01, change: removed}", field: "supersedes.mapping[2].from", msg: "GOV-01 is already mapped on line 17"},
		{name: "supersedes itself", old: `version: "1"`, new: `version: "2"`, field: "supersedes.version", at: `  version: "2"`, msg: "cannot supersede itself"},
		{name: "mapping missing", old: "  mapping:\n    - {from: GOV-01, to: GOV-01, change: same}\n    - {to: GOV-02, change: new}\n    - {from: GOV-09, change: removed}\n", new: "", field: "supersedes.mapping", at: "supersedes:", msg: "is required"},
		{name: "yaml syntax", old: "title: {en: Test}", new: "title: {en: Test", field: "", at: "not_relevant:", msg: "YAML syntax"},
		{name: "duplicate key", old: `version: "2"`, new: "version: \"2\"\nid: other", field: "", at: "id: other", msg: "appears twice"},
		{name: "alias", old: "title: {en: Test}", new: "title: &t {en: Test}\ndescription: *t", field: "", at: "description:", msg: "aliases"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if n := strings.Count(smallYAML, c.old); n != 1 {
				t.Fatalf("old text occurs %d times, want 1", n)
			}
			doc := strings.Replace(smallYAML, c.old, c.new, 1)
			at := c.at
			if at == "" {
				at = strings.SplitN(c.new, "\n", 2)[0]
			}
			line := lineOf(t, doc, at)
			_, err := Parse("t.yaml", []byte(doc))
			problems := problemsOf(t, err)
			for _, p := range problems {
				if p.File == "t.yaml" && p.Line == line && p.Field == c.field && strings.Contains(p.Message, c.msg) {
					return
				}
			}
			t.Errorf("no problem at line %d, field %q, message containing %q; got:\n%v", line, c.field, c.msg, err)
		})
	}
}

func TestValidationReportsEverythingAtOnce(t *testing.T) {
	doc := smallYAML
	for _, r := range [][2]string{
		{"id: test", "id: Test"},
		{"audience: it", "audience: everyone"},
		{"weight: 2", "weight: 0"},
		{`"iso27001:A.5.1"`, `"cis:19.1"`},
		{"{to: GOV-02, change: new}", "{to: GOV-02, change: fresh}"},
		{"not_relevant: true", "not_relevant: true\nowner: me"},
	} {
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	_, err := Parse("many.yaml", []byte(doc))
	problems := problemsOf(t, err)
	want := []string{
		fmt.Sprintf("many.yaml:%d: id: ", lineOf(t, doc, "id: Test")),
		fmt.Sprintf("many.yaml:%d: owner: unknown key", lineOf(t, doc, "owner:")),
		fmt.Sprintf("many.yaml:%d: supersedes.mapping[1].change: ", lineOf(t, doc, "fresh")),
		fmt.Sprintf("many.yaml:%d: areas[0].questions[0].weight: ", lineOf(t, doc, "weight: 0")),
		fmt.Sprintf("many.yaml:%d: areas[0].questions[0].refs[0]: ", lineOf(t, doc, "cis:19.1")),
		fmt.Sprintf("many.yaml:%d: areas[0].questions[1].audience: ", lineOf(t, doc, "everyone")),
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(problems) || len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(problems), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestValidationJSONLines(t *testing.T) {
	f, err := Parse("small.yaml", []byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	js, err := Marshal(f, "json")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(js), `"weight": 2,`, `"weight": -2,`, 1)
	doc = strings.Replace(doc, `"audience": "it",`, `"audience": "everyone",`, 1)
	doc = strings.Replace(doc, `"scope": "unit",`, `"scope": "unit", "extra": 1,`, 1)
	_, err = Parse("small.json", []byte(doc))
	problems := problemsOf(t, err)
	want := map[string]int{
		"areas[0].questions[0].weight":   lineOf(t, doc, `"weight": -2`),
		"areas[0].questions[1].audience": lineOf(t, doc, `"everyone"`),
		"areas[0].questions[1].extra":    lineOf(t, doc, `"extra"`),
	}
	if len(problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(problems), len(want), err)
	}
	for _, p := range problems {
		if want[p.Field] != p.Line {
			t.Errorf("%s reported at line %d, want %d", p.Field, p.Line, want[p.Field])
		}
	}

	// JSON-specific input errors.
	for _, c := range []struct {
		name, doc, msg string
		line           int
	}{
		{"syntax", "{\n  \"id\": \"x\",\n  \"version\" \"1\"\n}", "JSON syntax", 3},
		{"truncated", "{\n  \"id\": \"x\",\n", "JSON syntax", 3},
		{"duplicate key", "{\n  \"id\": \"x\",\n  \"id\": \"y\"\n}", "appears twice", 3},
		{"trailing data", "{}\n{}", "after the top-level object", 2},
		{"string for number", strings.Replace(string(js), `"weight": 2,`, `"weight": "2",`, 1), "must be a number", lineOf(t, string(js), `"weight": 2,`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.json", []byte(c.doc))
			problems := problemsOf(t, err)
			for _, p := range problems {
				if p.Line == c.line && strings.Contains(p.Message, c.msg) {
					return
				}
			}
			t.Errorf("no problem at line %d containing %q; got:\n%v", c.line, c.msg, err)
		})
	}
}

func TestParseInputErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc, msg string
		line           int
	}{
		{"empty", "", "empty", 1},
		{"only comments", "# nothing here\n", "empty", 1},
		{"list", "- a\n- b\n", "must be a mapping", 1},
		{"two documents", "id: a\n---\nid: b\n", "one YAML document", 3},
		{"invalid utf-8", "id: a\ntitle: {en: \xff}\n", "UTF-8", 2},
		{"tag", "id: !!str a\n", "tags", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.doc))
			problems := problemsOf(t, err)
			if problems[0].Line != c.line || !strings.Contains(problems[0].Message, c.msg) {
				t.Errorf("got %v, want line %d containing %q", err, c.line, c.msg)
			}
		})
	}
}

func TestRefValid(t *testing.T) {
	for _, c := range []struct {
		ref   string
		valid bool
	}{
		{"iso27001:A.5.1", true},
		{"iso27001:A.5.37", true},
		{"iso27001:A.5.38", false},
		{"iso27001:A.6.8", true},
		{"iso27001:A.6.9", false},
		{"iso27001:A.7.14", true},
		{"iso27001:A.8.34", true},
		{"iso27001:A.8.35", false},
		{"iso27001:A.9.1", false},
		{"iso27001:5.1", false},
		{"nist-csf:GV.OC-01", true},
		{"nist-csf:RC.RP-01", true},
		{"nist-csf:XX.OC-01", false},
		{"nist-csf:GV.OC-1", false},
		{"nis2:21.2.a", true},
		{"nis2:21.2.j", true},
		{"nis2:21.2.k", false},
		{"nis2:21.3.a", false},
		{"nsm:1.1.1", true},
		{"nsm:4.3.12", true},
		{"nsm:5.1.1", false},
		{"nsm:1.1", false},
		{"cis:1.1", true},
		{"cis:18.5", true},
		{"cis:19.1", false},
		{"cis:0.1", false},
		{"oscal:nist-sp-800-53#ac-2.1", true},
		{"oscal:74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724#s1.1.1", true},
		{"oscal:ac-2", false},
		{"oscal:#ac-2", false},
		{"cobit:APO01", false},
	} {
		r, ok := ParseRef(c.ref)
		if !ok {
			t.Fatalf("ParseRef(%q) failed", c.ref)
		}
		if err := r.Valid(); (err == nil) != c.valid {
			t.Errorf("%s: Valid() = %v, want valid=%v", c.ref, err, c.valid)
		}
	}
}

func TestCheckMapping(t *testing.T) {
	next, err := Parse("next.yaml", []byte(smallYAML))
	if err != nil {
		t.Fatal(err)
	}
	prevDoc := strings.NewReplacer(`version: "2"`, `version: "1"`, "id: GOV-02", "id: GOV-09").Replace(smallYAML)
	prevDoc = prevDoc[:strings.Index(prevDoc, "supersedes:")] + prevDoc[strings.Index(prevDoc, "areas:"):]
	prev, err := Parse("prev.yaml", []byte(prevDoc))
	if err != nil {
		t.Fatal(err)
	}
	if p := CheckMapping(prev, next); len(p) != 0 {
		t.Fatalf("unexpected problems: %v", p)
	}

	// A previous version with a question the mapping does not know, and
	// without one it names.
	otherDoc := strings.Replace(prevDoc, "id: GOV-09", "id: GOV-07", 1)
	other, err := Parse("prev.yaml", []byte(otherDoc))
	if err != nil {
		t.Fatal(err)
	}
	problems := CheckMapping(other, next)
	var msgs []string
	for _, p := range problems {
		msgs = append(msgs, p.String())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{
		fmt.Sprintf("next.yaml:%d: supersedes.mapping[2].from: there is no question GOV-09 in test 1", lineOf(t, smallYAML, "{from: GOV-09")),
		"supersedes.mapping: question GOV-07 of test 1 is not mapped",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}

	// Wrong version.
	wrong := strings.Replace(prevDoc, `version: "1"`, `version: "0"`, 1)
	wf, err := Parse("prev.yaml", []byte(wrong))
	if err != nil {
		t.Fatal(err)
	}
	if p := CheckMapping(wf, next); len(p) != 1 || p[0].Field != "supersedes.version" {
		t.Errorf("want one supersedes.version problem, got %v", p)
	}

	// No supersedes at all.
	if p := CheckMapping(next, prev); len(p) != 1 || p[0].Field != "supersedes" {
		t.Errorf("want one supersedes problem, got %v", p)
	}
}
