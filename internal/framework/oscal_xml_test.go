package framework

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// The same small catalogue in OSCAL's two forms, written for this test in the shape NIST's
// published catalogues have: a default namespace, markup in titles, prose as <p> and <ol>,
// parameters inserted into prose and into choices.
const catalogXML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment before the root -->
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="0b2d4c6e-0000-4000-8000-000000000001">
  <metadata>
    <title>Town Hall Controls <em>for Testing</em></title>
    <last-modified>2026-01-01T00:00:00Z</last-modified>
    <version>2.1</version>
    <remarks><p>Not read.</p></remarks>
  </metadata>
  <param id="top-prm"><label>a period</label></param>
  <group id="pl">
    <title>Planning</title>
    <prop name="label" value="1"/>
    <group id="pl.1">
      <title>Plans &amp; Policies</title>
      <part id="pl.1_obj" name="objective"><p>Group prose is not read.</p></part>
      <control id="pl-1">
        <title>Written policy</title>
        <param id="pl-1_prm1">
          <label>a choice</label>
          <select how-many="one-or-more">
            <choice>review every <insert type="param" id-ref="top-prm"/></choice>
            <choice>review after changes</choice>
          </select>
        </param>
        <prop name="label" value="PL-1"/>
        <part id="pl-1_smt" name="statement">
          <p>The town hall keeps a written policy and <insert type="param" id-ref="pl-1_prm1"/>.</p>
          <part id="pl-1_smt.a" name="item">
            <prop name="label" value="a."/>
            <p>Each   department
               knows it:</p>
            <ol>
              <li>by reading it;</li>
              <li>by <em>signing</em> it.</li>
            </ol>
          </part>
        </part>
        <part id="pl-1_gdn" name="guidance"><p>Guidance is not part of the help.</p></part>
        <control id="pl-1.1">
          <title>Policy owner</title>
          <part id="pl-1.1_smt" name="statement"><p>One person owns the policy.</p></part>
        </control>
      </control>
    </group>
  </group>
  <control id="gen-1"><title>Outside any group</title></control>
</catalog>
`

const catalogJSON = `{"catalog": {"uuid": "0b2d4c6e-0000-4000-8000-000000000001",
  "metadata": {"title": "Town Hall Controls for Testing", "version": "2.1"},
  "params": [{"id": "top-prm", "label": "a period"}],
  "groups": [{"id": "pl", "title": "Planning", "groups": [{"id": "pl.1", "title": "Plans & Policies",
    "controls": [{"id": "pl-1", "title": "Written policy",
      "params": [{"id": "pl-1_prm1", "label": "a choice", "select": {"how-many": "one-or-more",
        "choice": ["review every {{ insert: param, top-prm }}", "review after changes"]}}],
      "parts": [{"name": "statement", "prose": "The town hall keeps a written policy and {{ insert: param, pl-1_prm1 }}.",
        "parts": [{"name": "item", "props": [{"name": "label", "value": "a."}],
          "prose": "Each department knows it:\nby reading it;\nby signing it."}]},
        {"name": "guidance", "prose": "Guidance is not part of the help."}],
      "controls": [{"id": "pl-1.1", "title": "Policy owner",
        "parts": [{"name": "statement", "prose": "One person owns the policy."}]}]}]}]}],
  "controls": [{"id": "gen-1", "title": "Outside any group"}]}}`

func TestImportOSCALXMLMatchesJSON(t *testing.T) {
	fx, err := ImportOSCAL("controls.xml", []byte(catalogXML))
	if err != nil {
		t.Fatal(err)
	}
	fj, err := ImportOSCAL("controls.json", []byte(catalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	yx, err := Marshal(fx, "yaml")
	if err != nil {
		t.Fatal(err)
	}
	yj, err := Marshal(fj, "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(yx, yj) {
		t.Errorf("the XML catalogue gives another draft than the same catalogue in JSON:\n--- XML\n%s\n--- JSON\n%s", yx, yj)
	}
	q, ok := fx.Question("PL1-01")
	if !ok {
		t.Fatalf("no question PL1-01; areas %v", fx.Areas)
	}
	help := q.Help.Get("en")
	for _, want := range []string{
		"The town hall keeps a written policy and [Selection (one or more): review every [Assignment: a period]; review after changes].",
		"a. Each department knows it:\nby reading it;\nby signing it.",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help = %q\nwant it to contain %q", help, want)
		}
	}
	if fx.Title.Get("en") != "Town Hall Controls for Testing" || fx.Version != "2.1" {
		t.Errorf("title %q version %q", fx.Title.Get("en"), fx.Version)
	}
}

func TestImportOSCALXMLErrors(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`<profile xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata/></profile>`, "not an OSCAL catalogue (the root element is <profile>, not <catalog>)"},
		{"<catalog>\n<group id=\"a\">\n<title>x</group>", "bad.xml:3: XML syntax"},
		{`<catalog><metadata><title>No controls</title></metadata></catalog>`, "no controls"},
		{`<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY a "aaaa">]><catalog/>`, "document type"},
		{"<catalog>" + strings.Repeat("<group>", 100000), "nested more than 64 levels"},
		{"  \n<catalog>", "bad.xml"},
	} {
		_, err := ImportOSCAL("bad.xml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ImportOSCAL(%.60q) = %v\nwant an error containing %q", c.doc, err, c.want)
		}
	}
}

// A catalogue whose draft would not fit in a framework file is refused with what it holds, since
// the draft must be imported again after editing.
func TestImportOSCALTooLargeDraft(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"catalog": {"metadata": {"title": "Huge"}, "groups": [{"id": "g", "title": "G", "controls": [`)
	for i := range 4000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id": "c-` + strconv.Itoa(i) + `", "title": "Control ` + strconv.Itoa(i) + `"}`)
	}
	b.WriteString(`]}]}}`)
	_, err := ImportOSCAL("huge.json", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "the draft (4000 questions) would be larger than a framework file may be: the document holds more than 100000 values") {
		t.Errorf("ImportOSCAL(4000 controls) = %v", err)
	}
}
