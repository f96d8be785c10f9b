package framework

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// docExample returns the first ```yaml block of docs/frameworks.md, so that
// the documented example is always a valid, canonical framework.
func docExample(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../../docs/frameworks.md")
	if err != nil {
		t.Fatalf("read docs: %v", err)
	}
	const open = "```yaml\n"
	i := bytes.Index(data, []byte(open))
	if i < 0 {
		t.Fatal("docs/frameworks.md has no ```yaml block")
	}
	rest := data[i+len(open):]
	j := bytes.Index(rest, []byte("```"))
	if j < 0 {
		t.Fatal("unterminated ```yaml block in docs/frameworks.md")
	}
	return rest[:j]
}

func TestDocExample(t *testing.T) {
	example := docExample(t)
	f, err := Parse("docs/frameworks.md", example)
	if err != nil {
		t.Fatalf("the example in docs/frameworks.md does not validate:\n%v", err)
	}
	if len(f.Areas) != 2 || len(f.Questions()) != 4 {
		t.Errorf("example has %d areas and %d questions, want 2 and 4", len(f.Areas), len(f.Questions()))
	}
	if len(f.Languages) != 3 || f.Supersedes == nil {
		t.Errorf("example must have all three languages and a supersedes mapping")
	}
	out, err := Marshal(f, "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, example) {
		t.Errorf("the example in docs/frameworks.md is not in canonical form; canonical:\n%s", out)
	}
}

// roundTrip checks that data, once parsed and written in format, is stable:
// parsing and writing that output again gives the same bytes.
func roundTrip(t testing.TB, name string, data []byte, format string) []byte {
	t.Helper()
	f, err := Parse(name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	first, err := Marshal(f, format)
	if err != nil {
		t.Fatalf("marshal %s as %s: %v", name, format, err)
	}
	g, err := Parse(name+"."+format, first)
	if err != nil {
		t.Fatalf("re-parse %s as %s: %v\n%s", name, format, err, first)
	}
	second, err := Marshal(g, format)
	if err != nil {
		t.Fatalf("re-marshal %s as %s: %v", name, format, err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("%s: %s output is not stable:\n--- first\n%s\n--- second\n%s", name, format, first, second)
	}
	return first
}

func TestMarshalRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"small":   []byte(smallYAML),
		"example": docExample(t),
		"tricky":  []byte(trickyYAML),
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			y := roundTrip(t, name, data, "yaml")
			j := roundTrip(t, name, data, "json")
			// YAML → JSON → YAML gives the same YAML, and the other way round.
			if got := roundTrip(t, name+".json", j, "yaml"); !bytes.Equal(got, y) {
				t.Errorf("YAML→JSON→YAML differs:\n%s\n---\n%s", got, y)
			}
			if got := roundTrip(t, name+".yaml", y, "json"); !bytes.Equal(got, j) {
				t.Errorf("JSON→YAML→JSON differs:\n%s\n---\n%s", got, j)
			}
		})
	}
}

// trickyYAML has texts that need quoting: YAML keywords, numbers, leading
// punctuation, quotes, backslashes, newlines, control characters, non-Latin
// scripts and emoji.
const trickyYAML = `format: vaern-framework/1
id: tricky
version: 1.10
languages: [en, da]
title: {en: "yes", da: "no"}
description:
  en: "null"
  da: |
    Line one: with a colon
    Line two # not a comment
scale:
  - {level: 0, label: {en: "0", da: "- dash"}, description: {en: "#hash", da: "a: b"}}
  - {level: 1, label: {en: "'quoted'", da: "\"double\""}, description: {en: "back\\slash", da: "tab\there"}}
  - {level: 2, label: {en: " leading space", da: "trailing space "}, description: {en: "two  spaces", da: "bell\a"}}
  - {level: 3, label: {en: "[flow]", da: "{flow}"}, description: {en: "&anchor", da: "*alias"}}
  - {level: 4, label: {en: "Ærø – Østfold «citat»", da: "日本語 テキスト"}, description: {en: "emoji 🙂 ok", da: "zero\u200bwidth"}}
  - {level: 5, label: {en: "~", da: "true"}, description: {en: "1e3", da: "0x1F"}}
areas:
  - id: A1
    title: {en: "@at", da: "%percent"}
    questions:
      - id: A1-01
        text: {en: "Question, with comma? And 'quote'!", da: "Spørgsmål?"}
        help: {en: "Multi\nline\n", da: "\u2028separator\uFEFF"}
        audience: system-owner
        scope: unit
        answer: maturity
        not_relevant: false
        weight: 0.125
        target: 5
        levels: {5: {en: five, da: fem}, 0: {en: zero, da: nul}, 1: {en: one, da: en}, 2: {en: two, da: to}, 3: {en: three, da: tre}, 4: {en: four, da: fire}}
        recommendations:
          4: {en: "4", da: fire}
          3: {en: three, da: tre}
          2: {en: two, da: to}
          1: {en: one, da: en}
          0: {en: zero, da: nul}
        refs: ["cis:1.1", "oscal:x#y"]
`

func TestMarshalCanonicalDetails(t *testing.T) {
	f, err := Parse("tricky.yaml", []byte(trickyYAML))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "1.10" {
		t.Errorf("unquoted version 1.10 read as %q, want the text as written", f.Version)
	}
	q, _ := f.Question("A1-01")
	if q.Weight != 0.125 {
		t.Errorf("weight = %v", q.Weight)
	}
	if got := q.Help.Get("da"); got != "\u2028separator\uFEFF" {
		t.Errorf("help.da = %q", got)
	}
	y, err := Marshal(f, "yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"version: \"1.10\"\n",
		"languages: [en, da]\n",
		"  en: \"yes\"\n",
		"  da: \"Line one: with a colon\\nLine two # not a comment\\n\"\n",
		"      da: \"zero\\u200Bwidth\"\n",
		"        text:\n          da: Spørgsmål?\n          en: Question, with comma? And 'quote'!\n",
		"        weight: 0.125\n",
		"        recommendations:\n          0:\n",
		"        refs: [\"cis:1.1\", \"oscal:x#y\"]\n",
	} {
		if !strings.Contains(string(y), want) {
			t.Errorf("canonical YAML lacks %q:\n%s", want, y)
		}
	}
	if _, err := Marshal(f, "xml"); err == nil {
		t.Error("Marshal accepted format xml")
	}
}
