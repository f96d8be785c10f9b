package register

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata returns $VAERN_TESTDATA/sbom, or skips the test.
func testdata(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("SBOM corpus tests skipped: set VAERN_TESTDATA=/work/shared/data (the directory holding sbom/)")
	}
	return filepath.Join(dir, "sbom")
}

// countCycloneDX counts components the plain way: every entry of components, nested included.
func countCycloneDX(t *testing.T, b []byte) int {
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var count func(v any) int
	count = func(v any) int {
		list, _ := v.([]any)
		n := 0
		for _, c := range list {
			n++
			if m, ok := c.(map[string]any); ok {
				n += count(m["components"])
			}
		}
		return n
	}
	return count(doc["components"])
}

func TestParseSBOMCorpus(t *testing.T) {
	dir := testdata(t)
	var files []string
	filepath.WalkDir(filepath.Join(dir, "cyclonedx"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 5 {
		t.Fatalf("found only %d CycloneDX files under %s", len(files), dir)
	}
	// Counts stated by hand for the files the test knows, as a second check of the counting.
	known := map[string]int{"laravel-7.12.0/bom.1.4.json": 62, "dropwizard-1.3.15/bom.json": 167,
		"proton-bridge/proton-bridge-v1.8.0.bom.json": 201, "cern-lhc-vdm-editor-e564943/bom.json": 43,
		"PCIe-SATA-adapter-board/bom.json": 6}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseSBOM(strings.NewReader(string(b)))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		want := countCycloneDX(t, b)
		if len(got.Components) != want {
			t.Errorf("%s: %d components, want %d", f, len(got.Components), want)
		}
		for suffix, n := range known {
			if strings.HasSuffix(f, suffix) && n != want {
				t.Errorf("%s: independent count %d, stated %d", f, want, n)
			}
		}
		for _, c := range got.Components {
			if c.Name == "" {
				t.Errorf("%s: a component without a name", f)
			}
		}
	}
	// Spot checks on one file.
	b, _ := os.ReadFile(filepath.Join(dir, "cyclonedx/SBOM/laravel-7.12.0/bom.1.4.json"))
	got, _ := ParseSBOM(strings.NewReader(string(b)))
	if got.Format != "CycloneDX 1.4" || got.Subject.Name == "" {
		t.Errorf("laravel: format %q, subject %+v", got.Format, got.Subject)
	}
	withPURL := 0
	for _, c := range got.Components {
		if strings.HasPrefix(c.PURL, "pkg:composer/") {
			withPURL++
		}
	}
	if withPURL != len(got.Components) {
		t.Errorf("laravel: %d of %d components have a composer purl", withPURL, len(got.Components))
	}
}

func TestParseSPDXExample(t *testing.T) {
	dir := testdata(t)
	b, err := os.ReadFile(filepath.Join(dir, "spdx/SPDXJSONExample-v2.3.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Describes []string         `json:"documentDescribes"`
		Packages  []map[string]any `json:"packages"`
	}
	json.Unmarshal(b, &doc)
	described := map[string]bool{}
	for _, d := range doc.Describes {
		described[d] = true
	}
	want := 0
	for _, p := range doc.Packages {
		if !described[p["SPDXID"].(string)] {
			want++
		}
	}
	got, err := ParseSBOM(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Components) != want || want != 3 {
		t.Fatalf("%d components, want %d (and 3 by hand)", len(got.Components), want)
	}
	if got.Subject.Name != "glibc" || got.Subject.Version != "2.11.1" || !strings.HasPrefix(got.Subject.CPE, "cpe:2.3:a:") {
		t.Errorf("subject %+v", got.Subject)
	}
	var jena bool
	for _, c := range got.Components {
		if c.Name == "Jena" && c.Version == "3.12.0" && c.PURL == "pkg:maven/org.apache.jena/apache-jena@3.12.0" {
			jena = true
		}
	}
	if !jena {
		t.Errorf("Jena with its purl missing: %+v", got.Components)
	}
}

func TestParseSBOMErrors(t *testing.T) {
	cases := map[string]string{
		`{`:          "not valid JSON",
		`{"foo": 1}`: "neither",
		`{"bomFormat":"CycloneDX","specVersion":"1.1"}`:                                   "not supported",
		`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library"}]}`: "components[0] has no name",
		`{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"x"}]}`:                          "packages[0] has no name",
		`{"spdxVersion":"SPDX-3.0"}`:                                                      "not supported",
	}
	for in, want := range cases {
		_, err := ParseSBOM(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
	// Nested components are counted, and a bad purl is dropped, not fatal.
	got, err := ParseSBOM(strings.NewReader(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
		{"name":"a","purl":"not a purl","components":[{"name":"b","version":"1","licenses":[{"license":{"id":"MIT"}}]}]}]}`))
	if err != nil || len(got.Components) != 2 || got.Components[0].PURL != "" || got.Components[1].Licence != "MIT" {
		t.Fatalf("nested: %+v, %v", got, err)
	}
}

func FuzzSBOM(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"name":"x"}},"components":[{"name":"a","version":"1","purl":"pkg:npm/a@1","cpe":"cpe:2.3:a:a:a:1:*:*:*:*:*:*:*","components":[{"name":"b"}]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","documentDescribes":["SPDXRef-A"],"packages":[{"SPDXID":"SPDXRef-A","name":"a"},{"SPDXID":"SPDXRef-B","name":"b","externalRefs":[{"referenceType":"purl","referenceLocator":"pkg:pypi/b@2"}]}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.4","components":[{"name":""}]}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSBOM(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for _, c := range s.Components {
			if c.Name == "" {
				t.Fatalf("component without a name accepted")
			}
			if c.PURL != "" {
				if _, err := CleanPURL(c.PURL); err != nil {
					t.Fatalf("invalid purl kept: %q", c.PURL)
				}
			}
		}
	})
}
