package framework

import (
	"strings"
	"testing"
)

// mappingYAML is a small mapping framework in canonical form.
const mappingYAML = `format: vaern-framework/1
id: test-mapping
version: "1"
kind: mapping
languages: [en]
title:
  en: IT structure
not_relevant: false
areas:
  - id: NET
    title:
      en: Network
    questions:
      - id: NET-01
        text:
          en: Connection?
        audience: it
        scope: organisation
        answer: choice
        choices:
          - id: own
            label:
              en: Own
          - id: shared
            label:
              en: Shared
      - id: NET-02
        text:
          en: Sites?
        audience: it
        scope: organisation
        answer: number
      - id: NET-03
        text:
          en: Zones?
        audience: it
        scope: organisation
        answer: text
`

func TestMappingFramework(t *testing.T) {
	f, err := Parse("m.yaml", []byte(mappingYAML))
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsMapping() || len(f.Scale) != 0 || len(f.Questions()) != 3 {
		t.Fatalf("parsed: %+v", f)
	}
	q, _ := f.Question("NET-01")
	if c, ok := q.Choice("shared"); !ok || c.Label.Get("en") != "Shared" {
		t.Fatalf("choice: %+v", q.Choices)
	}
	out, err := Marshal(f, "yaml")
	if err != nil || string(out) != mappingYAML {
		t.Fatalf("not canonical (%v):\n%s", err, out)
	}
	checkStable(t, f)
}

func TestMappingFrameworkProblems(t *testing.T) {
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"scored key", "        answer: number\n", "        answer: number\n        weight: 1\n", "areas[0].questions[1].weight: must be left out in a mapping framework"},
		{"maturity answer", "answer: text", "answer: maturity", "unknown answer type \"maturity\" for a mapping question"},
		{"choices missing", "        choices:\n          - id: own\n            label:\n              en: Own\n          - id: shared\n            label:\n              en: Shared\n", "", "choices: is required for choice questions"},
		{"choices on text", "        answer: text\n", "        answer: text\n        choices:\n          - id: a\n            label:\n              en: A\n", "choices are only used by choice questions"},
		{"unit scope", "        scope: organisation\n        answer: text", "        scope: unit\n        answer: text", "a mapping question is answered once per member"},
		{"duplicate choice", "- id: shared", "- id: own", "choice own is already defined"},
		{"scale given", "not_relevant: false\n", "not_relevant: false\nscale: []\n", "scale: must be left out in a mapping framework"},
		{"unknown kind", "kind: mapping", "kind: survey", "unknown kind \"survey\""},
	} {
		doc := strings.Replace(mappingYAML, c.old, c.new, 1)
		_, err := Parse("m.yaml", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", c.name, c.want, err)
		}
	}
	// A baseline framework takes no choices and no mapping answer types.
	if _, err := Parse("s.yaml", []byte(strings.Replace(smallYAML, "answer: yes-partly-no", "answer: text", 1))); err == nil ||
		!strings.Contains(err.Error(), "unknown answer type \"text\"") {
		t.Errorf("a text answer in a baseline framework: %v", err)
	}
}
