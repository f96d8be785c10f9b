package advisory

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

func TestCSAFRealFile(t *testing.T) {
	data := realFile(t, "csaf/icsa-25-010-02.json")
	res, err := Parse(context.Background(), "icsa-25-010-02.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != vaern.SourceCSAF || len(res.Advisories) != 1 || len(res.Failed) != 0 {
		t.Fatalf("%+v", res)
	}
	a := res.Advisories[0]
	t.Logf("%+v", a.Products)
	if a.SourceID != "ICSA-25-010-02" || a.SourceVersion != "1.0.0" || a.TLP != "CLEAR" || a.Audience != "all" ||
		a.CVSS != 8.8 || a.Severity != vaern.SeverityHigh || a.Vex || len(a.CVEs) != 1 || a.CVEs[0] != "CVE-2024-11999" {
		t.Errorf("advisory: %+v", a)
	}
	if len(a.Products) != 2 || a.Products[0].Key != "CSAFPID-0001" || a.Products[0].Vendor != "Schneider Electric" ||
		a.Products[0].Product != "Harmony with EcoStruxureTM Operator Terminal Expert runtime" ||
		a.Products[0].Status != vaern.StatusAffected || len(a.Products[0].Versions) != 0 {
		t.Errorf("products: %+v", a.Products)
	}
	if len(a.Actions) == 0 || a.Actions[0].Category != "mitigation" || len(a.Actions[0].ProductIDs) != 2 {
		t.Errorf("actions: %+v", a.Actions)
	}
	if a.Published.IsZero() || a.Summary == "" || len(a.References) == 0 || len(a.Raw) != len(data) {
		t.Errorf("dates/summary/refs: %v %q %d", a.Published, a.Summary, len(a.References))
	}
}

func TestCSAFMapping(t *testing.T) {
	var d jdoc
	if err := json.Unmarshal([]byte(csafSeed), &d); err != nil {
		t.Fatal(err)
	}
	// A VEX document: a product version range in vers, a relationship onto a platform, a
	// not-affected product with its justification, and a first_fixed version.
	set(d, "/document/category", `"csaf_vex"`)
	set(d, "/document/distribution/tlp/label", `"AMBER"`)
	set(d, "/product_tree/branches/0/branches/0/branches", `[
		{"category":"product_version_range","name":"vers:npm/>=1.0.0|<1.4.2","product":{"name":"Widget 1.x","product_id":"R1",
		  "product_identification_helper":{"purl":"pkg:npm/widget"}}},
		{"category":"product_version_range","name":"<= 4.2 (all editions)","product":{"name":"Widget old","product_id":"R2"}},
		{"category":"product_version","name":"1.4.2","product":{"name":"Widget 1.4.2","product_id":"P2"}},
		{"category":"product_version","name":"3.0","product":{"name":"Widget 3.0","product_id":"P3"}}]`)
	set(d, "/product_tree/full_product_names", `[{"name":"Windows Server 2016","product_id":"OS1",
		"product_identification_helper":{"cpe":"cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*"}}]`)
	set(d, "/product_tree/relationships", `[{"category":"installed_on","product_reference":"R1","relates_to_product_reference":"OS1",
		"full_product_name":{"name":"Widget 1.x on Windows Server 2016","product_id":"R1-OS1"}}]`)
	set(d, "/product_tree/product_groups", `[{"group_id":"G1","product_ids":["R1-OS1","R2"]}]`)
	set(d, "/vulnerabilities/0/product_status", `{"known_affected":["R1-OS1","R2"],"first_fixed":["P2"],"known_not_affected":["P3"]}`)
	set(d, "/vulnerabilities/0/scores/0/products", `["R1-OS1"]`)
	set(d, "/vulnerabilities/0/threats", `[{"category":"exploit_status","details":"No known public exploitation."}]`)
	set(d, "/vulnerabilities/0/flags", `[{"label":"vulnerable_code_not_in_execute_path","product_ids":["P3"]}]`)
	set(d, "/vulnerabilities/0/remediations", `[{"category":"vendor_fix","details":"Update to 1.4.2.","group_ids":["G1"]}]`)
	data, _ := json.Marshal(d)
	res, err := Parse(context.Background(), "vex.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Advisories[0]
	if !a.Vex || a.TLP != "AMBER" || a.Audience != "" || a.KnownExploited {
		t.Errorf("vex %v tlp %q audience %q exploited %v", a.Vex, a.TLP, a.Audience, a.KnownExploited)
	}
	byKey := map[string]vaern.AdvisoryProduct{}
	for _, p := range a.Products {
		byKey[p.Key] = p
	}
	r1 := byKey["R1-OS1"]
	if r1.PURL != "pkg:npm/widget" || r1.Vendor != "Acme" || r1.Product != "Widget" || r1.Platform || len(r1.Versions) != 1 ||
		r1.Versions[0].Introduced != "1.0.0" || r1.Versions[0].Fixed != "1.4.2" || r1.Versions[0].Scheme != "npm" {
		t.Errorf("R1-OS1: %+v", r1)
	}
	pl := byKey["R1-OS1@platform"]
	if !pl.Platform || pl.CPE != "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*" || pl.Status != vaern.StatusAffected {
		t.Errorf("platform: %+v", pl)
	}
	if r2 := byKey["R2"]; len(r2.Versions) != 1 || r2.Versions[0].Expr != "<= 4.2 (all editions)" || r2.Versions[0].LastAffected != "" {
		t.Errorf("R2 free text: %+v", r2)
	}
	if p2 := byKey["P2"]; p2.Status != vaern.StatusFixed || p2.Versions[0].Introduced != "1.4.2" {
		t.Errorf("P2 first_fixed: %+v", p2)
	}
	if p3 := byKey["P3"]; p3.Status != vaern.StatusNotAffected || p3.Justification != "vulnerable_code_not_in_execute_path" {
		t.Errorf("P3: %+v", p3)
	}
	if len(a.Actions) != 1 || !slices.Equal(a.Actions[0].ProductIDs, []string{"R1-OS1", "R2"}) {
		t.Errorf("actions: %+v", a.Actions)
	}
}

func TestVers(t *testing.T) {
	for in, want := range map[string][]vaern.VersionRange{
		"vers:all/*":                   nil,
		"vers:generic/>=1.0|<2.0":      {{Scheme: "generic", Introduced: "1.0", Fixed: "2.0", Expr: "vers:generic/>=1.0|<2.0"}},
		"vers:npm/1.2.3|>=2.0.0|<=2.1": {{Scheme: "npm", Exact: "1.2.3", Expr: "vers:npm/1.2.3|>=2.0.0|<=2.1"}, {Scheme: "npm", Introduced: "2.0.0", LastAffected: "2.1", Expr: "vers:npm/1.2.3|>=2.0.0|<=2.1"}},
		"vers:maven/<3.0":              {{Scheme: "maven", Fixed: "3.0", Expr: "vers:maven/<3.0"}},
		"vers:pypi/>=4.0":              {{Scheme: "pypi", Introduced: "4.0", Expr: "vers:pypi/>=4.0"}},
	} {
		got, err := parseVers(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseVers(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"vers:", "vers:npm/", "1.0", "vers:npm/>=|<2"} {
		if _, err := parseVers(bad); err == nil {
			t.Errorf("parseVers(%q) accepted", bad)
		}
	}
}

func TestCSAFSchemaErrors(t *testing.T) {
	for _, tc := range []struct {
		mutate func(d jdoc)
		want   string
	}{
		{func(d jdoc) { del(d, "/document/title") }, "s.json: /document: does not follow the CSAF 2.0 schema: missing property 'title'"},
		{func(d jdoc) { set(d, "/product_tree/branches/0/branches/0/branches/1/product/product_id", `""`) },
			"s.json: /product_tree/branches/0/branches/0/branches/1/product/product_id: does not follow the CSAF 2.0 schema (the value's type"},
		{func(d jdoc) { set(d, "/vulnerabilities/0/cve", `"CVE-1"`) }, "s.json: /vulnerabilities/0/cve: does not follow the CSAF 2.0 schema: 'CVE-1' does not match"},
		{func(d jdoc) { set(d, "/document/tracking/current_release_date", `"yesterday"`) }, "/document/tracking/current_release_date: does not follow the CSAF 2.0 schema"},
	} {
		var d jdoc
		_ = json.Unmarshal([]byte(csafSeed), &d)
		tc.mutate(d)
		b, _ := json.Marshal(d)
		// Schema errors are refused even with the override.
		res, err := Parse(context.Background(), "s.json", b, Options{Override: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "validation failed") || len(res.Advisories) > 0 {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestVersionPhrases(t *testing.T) {
	for in, want := range map[string][]vaern.VersionRange{
		"All versions":              nil,
		"vers:all/*":                nil,
		"prior to V5.1":             {{Fixed: "V5.1", Expr: "prior to V5.1"}},
		"All versions before 2.4":   {{Fixed: "2.4", Expr: "All versions before 2.4"}},
		"V3.2 and earlier":          {{LastAffected: "V3.2", Expr: "V3.2 and earlier"}},
		"up to and including 10.1":  {{LastAffected: "10.1", Expr: "up to and including 10.1"}},
		"4.0 and later":             {{Introduced: "4.0", Expr: "4.0 and later"}},
		"<=4.2":                     {{LastAffected: "4.2", Expr: "<=4.2"}},
		"2019 R2 and Windows 10":    {{Expr: "2019 R2 and Windows 10"}},
		"firmware prior to 1.2 SP3": {{Expr: "firmware prior to 1.2 SP3"}},
	} {
		if got := versionRange(in); !slices.Equal(got, want) {
			t.Errorf("versionRange(%q) = %+v, want %+v", in, got, want)
		}
	}
}
