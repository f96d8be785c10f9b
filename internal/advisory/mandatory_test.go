package advisory

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// csafSeed is a small valid security advisory that passes the schema and every mandatory test;
// the table below breaks one test at a time.
const csafSeed = `{
 "document": {
  "category": "csaf_security_advisory", "csaf_version": "2.0", "lang": "en", "title": "Acme Widget flaw",
  "publisher": {"category": "coordinator", "name": "Test CERT", "namespace": "https://cert.example"},
  "distribution": {"tlp": {"label": "WHITE"}},
  "notes": [{"category": "summary", "text": "A flaw in Acme Widget."}],
  "references": [{"category": "external", "summary": "Vendor notice", "url": "https://acme.example/notice"}],
  "tracking": {"id": "TEST-2025-1", "version": "1", "status": "final",
   "initial_release_date": "2025-01-01T00:00:00Z", "current_release_date": "2025-01-01T00:00:00Z",
   "revision_history": [{"date": "2025-01-01T00:00:00Z", "number": "1", "summary": "Initial"}]}
 },
 "product_tree": {
  "branches": [{"category": "vendor", "name": "Acme", "branches": [{"category": "product_name", "name": "Widget", "branches": [
   {"category": "product_version", "name": "1.0", "product": {"name": "Acme Widget 1.0", "product_id": "P1",
     "product_identification_helper": {"cpe": "cpe:/a:acme:widget:1.0", "purl": "pkg:npm/widget@1.0"}}},
   {"category": "product_version", "name": "2.0", "product": {"name": "Acme Widget 2.0", "product_id": "P2"}}]}]}],
  "product_groups": [{"group_id": "G1", "product_ids": ["P1", "P2"]}]
 },
 "vulnerabilities": [{
  "cve": "CVE-2025-0001", "cwe": {"id": "CWE-79", "name": "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"},
  "notes": [{"category": "description", "text": "Cross-site scripting."}],
  "product_status": {"known_affected": ["P1"], "fixed": ["P2"]},
  "remediations": [{"category": "vendor_fix", "details": "Update to 2.0.", "product_ids": ["P1"]}],
  "scores": [{"products": ["P1"], "cvss_v3": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "baseScore": 9.8, "baseSeverity": "CRITICAL"}}],
  "threats": [{"category": "exploit_status", "details": "Exploited in the wild.", "product_ids": ["P1"]}]
 }]
}`

// jdoc is a decoded JSON document the table mutates by JSON pointer.
type jdoc = map[string]any

func jv(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		panic(s + ": " + err.Error())
	}
	return v
}

// at walks to the parent of the pointer's last token.
func at(doc any, ptr string) (any, string) {
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	cur := doc
	for _, t := range toks[:len(toks)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[t]
		case []any:
			i, _ := strconv.Atoi(t)
			cur = c[i]
		}
	}
	return cur, toks[len(toks)-1]
}

func set(doc jdoc, ptr, value string) {
	parent, last := at(doc, ptr)
	switch p := parent.(type) {
	case map[string]any:
		p[last] = jv(value)
	case []any:
		i, _ := strconv.Atoi(last)
		p[i] = jv(value)
	}
}

func del(doc jdoc, ptr string) {
	parent, last := at(doc, ptr)
	delete(parent.(map[string]any), last)
}

func history(doc jdoc, version string, numbers ...string) {
	set(doc, "/document/tracking/version", strconv.Quote(version))
	var items []string
	for i, n := range numbers {
		items = append(items, `{"date":"2025-01-0`+strconv.Itoa(i+1)+`T00:00:00Z","number":"`+n+`","summary":"r"}`)
	}
	set(doc, "/document/tracking/revision_history", "["+strings.Join(items, ",")+"]")
}

var mandatoryTable = []struct {
	test   string
	path   string // where the failure must point, "" to skip that check
	mutate func(d jdoc)
}{
	{"6.1.1", "/vulnerabilities/0/product_status/known_affected/0", func(d jdoc) {
		set(d, "/vulnerabilities/0/product_status/known_affected", `["P9"]`)
	}},
	{"6.1.2", "/product_tree/branches/0/branches/0/branches/1/product/product_id", func(d jdoc) {
		set(d, "/product_tree/branches/0/branches/0/branches/1/product/product_id", `"P1"`)
	}},
	{"6.1.3", "/product_tree/relationships/0/full_product_name/product_id", func(d jdoc) {
		set(d, "/product_tree/relationships", `[{"category":"installed_on","full_product_name":{"name":"x","product_id":"P3"},
			"product_reference":"P3","relates_to_product_reference":"P1"}]`)
	}},
	{"6.1.4", "/vulnerabilities/0/remediations/0/group_ids/0", func(d jdoc) {
		set(d, "/vulnerabilities/0/remediations/0/group_ids", `["G9"]`)
	}},
	{"6.1.5", "/product_tree/product_groups/1/group_id", func(d jdoc) {
		set(d, "/product_tree/product_groups", `[{"group_id":"G1","product_ids":["P1","P2"]},{"group_id":"G1","product_ids":["P1","P2"]}]`)
	}},
	{"6.1.6", "/vulnerabilities/0/product_status/known_not_affected/0", func(d jdoc) {
		set(d, "/vulnerabilities/0/product_status/known_not_affected", `["P1"]`)
	}},
	{"6.1.7", "/vulnerabilities/0/scores/1/products/0", func(d jdoc) {
		s := `{"products":["P1"],"cvss_v3":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}}`
		set(d, "/vulnerabilities/0/scores", "["+s+","+s+"]")
	}},
	{"6.1.8", "", func(d jdoc) { set(d, "/vulnerabilities/0/scores/0/cvss_v3/baseSeverity", `"HUGE"`) }},
	{"6.1.9", "/vulnerabilities/0/scores/0/cvss_v3/baseScore", func(d jdoc) {
		set(d, "/vulnerabilities/0/scores/0/cvss_v3/baseScore", `5`)
	}},
	{"6.1.10", "/vulnerabilities/0/scores/0/cvss_v3/attackVector", func(d jdoc) {
		set(d, "/vulnerabilities/0/scores/0/cvss_v3/attackVector", `"LOCAL"`)
	}},
	{"6.1.11", "/vulnerabilities/0/cwe/name", func(d jdoc) { set(d, "/vulnerabilities/0/cwe/name", `" "`) }},
	{"6.1.12", "/document/lang", func(d jdoc) { set(d, "/document/lang", `"zz"`) }},
	{"6.1.13", "/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/purl", func(d jdoc) {
		set(d, "/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/purl", `"pkg:npm/%zz"`)
	}},
	{"6.1.14", "/document/tracking/revision_history/1/number", func(d jdoc) { history(d, "1", "2", "1") }},
	{"6.1.15", "/document/source_lang", func(d jdoc) { set(d, "/document/publisher/category", `"translator"`) }},
	{"6.1.16", "/document/tracking/version", func(d jdoc) { history(d, "2", "1") }},
	{"6.1.17", "/document/tracking/status", func(d jdoc) { history(d, "0", "0") }},
	{"6.1.18", "/document/tracking/revision_history/0/number", func(d jdoc) { history(d, "1", "0", "1") }},
	{"6.1.19", "/document/tracking/revision_history/0/number", func(d jdoc) { history(d, "1.0.0", "1.0.0-rc1", "1.0.0") }},
	{"6.1.20", "/document/tracking/version", func(d jdoc) { history(d, "1.0.0-rc1", "1.0.0-rc1") }},
	{"6.1.21", "/document/tracking/revision_history/1/number", func(d jdoc) { history(d, "3", "1", "3") }},
	{"6.1.22", "/document/tracking/revision_history/1/number", func(d jdoc) { history(d, "1", "1", "1") }},
	{"6.1.23", "/vulnerabilities/1/cve", func(d jdoc) {
		vs := d["vulnerabilities"].([]any)
		b, _ := json.Marshal(vs[0])
		d["vulnerabilities"] = append(vs, jv(string(b)))
	}},
	{"6.1.24", "/vulnerabilities/0/involvements/1", func(d jdoc) {
		i := `{"party":"vendor","status":"completed","date":"2025-01-01T00:00:00Z"}`
		set(d, "/vulnerabilities/0/involvements", "["+i+","+strings.Replace(i, "completed", "in_progress", 1)+"]")
	}},
	{"6.1.25", "/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/hashes/0/file_hashes/1/algorithm", func(d jdoc) {
		h := `{"algorithm":"sha256","value":"` + strings.Repeat("ab", 32) + `"}`
		set(d, "/product_tree/branches/0/branches/0/branches/0/product/product_identification_helper/hashes",
			`[{"filename":"widget.bin","file_hashes":[`+h+","+h+`]}]`)
	}},
	{"6.1.26", "/document/category", func(d jdoc) { set(d, "/document/category", `"Security_Advisory"`) }},
	{"6.1.27.1", "/document/notes", func(d jdoc) {
		set(d, "/document/category", `"csaf_informational_advisory"`)
		del(d, "/document/notes")
		delete(d, "vulnerabilities")
	}},
	{"6.1.27.2", "/document/references", func(d jdoc) {
		set(d, "/document/category", `"csaf_informational_advisory"`)
		del(d, "/document/references")
		delete(d, "vulnerabilities")
	}},
	{"6.1.27.3", "/vulnerabilities", func(d jdoc) { set(d, "/document/category", `"csaf_informational_advisory"`) }},
	{"6.1.27.4", "/product_tree", func(d jdoc) { delete(d, "product_tree") }},
	{"6.1.27.5", "/vulnerabilities/0/notes", func(d jdoc) { del(d, "/vulnerabilities/0/notes") }},
	{"6.1.27.6", "/vulnerabilities/0/product_status", func(d jdoc) { del(d, "/vulnerabilities/0/product_status") }},
	{"6.1.27.7", "/vulnerabilities/0/product_status", func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		set(d, "/vulnerabilities/0/product_status", `{"recommended":["P2"]}`)
	}},
	{"6.1.27.8", "/vulnerabilities/0", func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		del(d, "/vulnerabilities/0/cve")
	}},
	{"6.1.27.9", "/vulnerabilities/0/product_status/known_not_affected/0", func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		set(d, "/vulnerabilities/0/product_status", `{"known_affected":["P1"],"known_not_affected":["P2"]}`)
	}},
	{"6.1.27.10", "/vulnerabilities/0/product_status/known_affected/0", func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		del(d, "/vulnerabilities/0/remediations")
	}},
	{"6.1.27.11", "/vulnerabilities", func(d jdoc) { delete(d, "vulnerabilities") }},
	{"6.1.28", "/document/source_lang", func(d jdoc) { set(d, "/document/source_lang", `"en"`) }},
	{"6.1.29", "/vulnerabilities/0/remediations/0", func(d jdoc) { del(d, "/vulnerabilities/0/remediations/0/product_ids") }},
	{"6.1.30", "/document/tracking/revision_history/0/number", func(d jdoc) { history(d, "2.0.0", "1", "2.0.0") }},
	{"6.1.31", "/product_tree/branches/0/branches/0/branches/1/name", func(d jdoc) {
		set(d, "/product_tree/branches/0/branches/0/branches/1/name", `"prior to 2.0"`)
	}},
	{"6.1.32", "/vulnerabilities/0/flags/0", func(d jdoc) {
		set(d, "/vulnerabilities/0/flags", `[{"label":"component_not_present"}]`)
	}},
	{"6.1.33", "/vulnerabilities/0/flags/1", func(d jdoc) {
		set(d, "/vulnerabilities/0/flags", `[{"label":"component_not_present","product_ids":["P2"]},{"label":"vulnerable_code_not_present","group_ids":["G1"]}]`)
	}},
}

func TestMandatoryTestsTableCoversAll(t *testing.T) {
	var got []string
	for _, tc := range mandatoryTable {
		got = append(got, tc.test)
	}
	if !slices.Equal(got, mandatoryTestIDs) || len(got) != 43 {
		t.Fatalf("table covers %v, want the 43 tests %v", got, mandatoryTestIDs)
	}
}

func TestMandatorySeedPasses(t *testing.T) {
	res, err := Parse(context.Background(), "seed.json", []byte(csafSeed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 || len(res.Advisories) != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestMandatoryTests(t *testing.T) {
	for _, tc := range mandatoryTable {
		t.Run(tc.test, func(t *testing.T) {
			var d jdoc
			if err := json.Unmarshal([]byte(csafSeed), &d); err != nil {
				t.Fatal(err)
			}
			tc.mutate(d)
			data, _ := json.Marshal(d)
			_, err := Parse(context.Background(), "doc.json", data, Options{})
			var e *Error
			if !errors.As(err, &e) || e.Test == "" {
				t.Fatalf("err = %v, want a failed mandatory test", err)
			}
			if !strings.Contains(err.Error(), "doc.json: /") || !strings.Contains(err.Error(), "(CSAF test 6.1.") {
				t.Errorf("error text %q lacks the file, path or test", err)
			}
			res, err := Parse(context.Background(), "doc.json", data, Options{Override: true})
			if err != nil {
				t.Fatalf("with override: %v", err)
			}
			var found bool
			for _, f := range res.Failed {
				if f.Test == tc.test && (tc.path == "" || f.Path == tc.path) {
					found = true
				}
			}
			if !found {
				t.Errorf("failures %+v lack test %s at %q", res.Failed, tc.test, tc.path)
			}
			if !slices.Contains(res.Advisories[0].Override, tc.test) {
				t.Errorf("advisory Override %v lacks %s", res.Advisories[0].Override, tc.test)
			}
		})
	}
}

// passingVariants are changes a valid document may have that the tests must not mistake for
// failures (a false positive would refuse a real advisory).
var passingVariants = map[string]func(d jdoc){
	"semantic history":  func(d jdoc) { history(d, "2.0.0", "1.0.0", "1.1.0", "2.0.0") },
	"draft pre-release": func(d jdoc) { set(d, "/document/tracking/status", `"draft"`); history(d, "0.1.0-rc1", "0.1.0") },
	"draft zero":        func(d jdoc) { set(d, "/document/tracking/status", `"draft"`); history(d, "0", "0") },
	"build metadata":    func(d jdoc) { history(d, "1.0.0+build.7", "1.0.0") },
	"history from zero": func(d jdoc) { set(d, "/document/tracking/status", `"draft"`); history(d, "1", "0", "1") },
	"same date history": func(d jdoc) {
		history(d, "2", "1", "2")
		set(d, "/document/tracking/revision_history/1/date", `"2025-01-01T00:00:00Z"`)
	},
	"translation": func(d jdoc) {
		set(d, "/document/publisher/category", `"translator"`)
		set(d, "/document/source_lang", `"de"`)
	},
	"base category": func(d jdoc) { set(d, "/document/category", `"Vendor bulletin"`) },
	"range as range": func(d jdoc) {
		set(d, "/product_tree/branches/0/branches/0/branches/1/category", `"product_version_range"`)
		set(d, "/product_tree/branches/0/branches/0/branches/1/name", `"vers:generic/<2.0"`)
	},
	"version word": func(d jdoc) { set(d, "/product_tree/branches/0/branches/0/branches/1/name", `"2019 R2"`) },
	"group remediation": func(d jdoc) {
		set(d, "/vulnerabilities/0/remediations/0", `{"category":"vendor_fix","details":"x","group_ids":["G1"]}`)
	},
	"two CVSS versions": func(d jdoc) {
		set(d, "/vulnerabilities/0/scores/0/cvss_v2", `{"version":"2.0","vectorString":"AV:N/AC:L/Au:N/C:C/I:C/A:C","baseScore":10.0}`)
	},
	"temporal score": func(d jdoc) {
		set(d, "/vulnerabilities/0/scores/0/cvss_v3", `{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C","baseScore":9.8,"baseSeverity":"CRITICAL","temporalScore":8.8,"temporalSeverity":"HIGH","attackVector":"NETWORK","exploitCodeMaturity":"PROOF_OF_CONCEPT"}`)
	},
	"relationship chain": func(d jdoc) {
		set(d, "/product_tree/relationships", `[{"category":"installed_on","full_product_name":{"name":"a","product_id":"P3"},"product_reference":"P1","relates_to_product_reference":"P2"},
			{"category":"installed_on","full_product_name":{"name":"b","product_id":"P4"},"product_reference":"P3","relates_to_product_reference":"P2"}]`)
	},
	"vex with flag": func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		set(d, "/vulnerabilities/0/product_status", `{"known_affected":["P1"],"known_not_affected":["P2"]}`)
		set(d, "/vulnerabilities/0/flags", `[{"label":"component_not_present","product_ids":["P2"]}]`)
	},
	"vex with impact threat": func(d jdoc) {
		set(d, "/document/category", `"csaf_vex"`)
		set(d, "/vulnerabilities/0/product_status", `{"known_affected":["P1"],"known_not_affected":["P2"]}`)
		set(d, "/vulnerabilities/0/threats", `[{"category":"impact","details":"The flawed code is never reached.","group_ids":["G1"]}]`)
	},
	"informational": func(d jdoc) {
		set(d, "/document/category", `"csaf_informational_advisory"`)
		delete(d, "vulnerabilities")
	},
}

func TestMandatoryTestsPassingVariants(t *testing.T) {
	for name, mutate := range passingVariants {
		t.Run(name, func(t *testing.T) {
			var d jdoc
			if err := json.Unmarshal([]byte(csafSeed), &d); err != nil {
				t.Fatal(err)
			}
			mutate(d)
			data, _ := json.Marshal(d)
			if _, err := Parse(context.Background(), "ok.json", data, Options{}); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

func TestCircularThroughTwoRelationships(t *testing.T) {
	var d jdoc
	_ = json.Unmarshal([]byte(csafSeed), &d)
	set(d, "/product_tree/relationships", `[
		{"category":"installed_on","full_product_name":{"name":"a","product_id":"P3"},"product_reference":"P4","relates_to_product_reference":"P1"},
		{"category":"installed_on","full_product_name":{"name":"b","product_id":"P4"},"product_reference":"P3","relates_to_product_reference":"P2"}]`)
	data, _ := json.Marshal(d)
	res, err := Parse(context.Background(), "c.json", data, Options{Override: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, f := range res.Failed {
		if f.Test == "6.1.3" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("6.1.3 failures: %+v", res.Failed)
	}
}

// TestLargeDocumentBounds: a long chain of relationships is checked in one pass, and a document
// above the bounds is refused before any test runs.
func TestLargeDocumentBounds(t *testing.T) {
	var d jdoc
	_ = json.Unmarshal([]byte(csafSeed), &d)
	var rels []string
	prev := "P1"
	for i := 0; i < 5000; i++ {
		id := "R" + strconv.Itoa(i)
		rels = append(rels, `{"category":"installed_on","full_product_name":{"name":"`+id+`","product_id":"`+id+`"},"product_reference":"`+prev+`","relates_to_product_reference":"P2"}`)
		prev = id
	}
	set(d, "/product_tree/relationships", "["+strings.Join(rels, ",")+"]")
	data, _ := json.Marshal(d)
	if _, err := Parse(context.Background(), "chain.json", data, Options{}); err != nil {
		t.Fatalf("chain: %v", err)
	}
	vulns := make([]string, maxVulnerabilities+1)
	for i := range vulns {
		vulns[i] = `{"cve":"CVE-2025-` + strconv.Itoa(10000+i) + `","notes":[{"category":"description","text":"x"}],"product_status":{"fixed":["P2"]}}`
	}
	_ = json.Unmarshal([]byte(csafSeed), &d)
	set(d, "/vulnerabilities", "["+strings.Join(vulns, ",")+"]")
	data, _ = json.Marshal(d)
	_, err := Parse(context.Background(), "many.json", data, Options{})
	if err == nil || !strings.Contains(err.Error(), "many.json: /vulnerabilities: more than 10000 vulnerabilities") {
		t.Errorf("too many vulnerabilities: %v", err)
	}
}

func TestOverrideUndefinedProductNamesNothing(t *testing.T) {
	var d jdoc
	_ = json.Unmarshal([]byte(csafSeed), &d)
	set(d, "/vulnerabilities/0/product_status/known_affected", `["P1","P9"]`)
	data, _ := json.Marshal(d)
	res, err := Parse(context.Background(), "o.json", data, Options{Override: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Advisories[0].Products {
		if p.Key == "P9" {
			t.Errorf("undefined product imported: %+v", p)
		}
	}
	if len(res.Failed) != 1 || res.Failed[0].Test != "6.1.1" || !slices.Equal(res.Advisories[0].Override, []string{"6.1.1"}) {
		t.Errorf("failed %+v, override %v", res.Failed, res.Advisories[0].Override)
	}
}
