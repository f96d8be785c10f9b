package framework

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oscalFile reads a catalogue from $VAERN_TESTDATA/oscal; the data files
// stay outside the repository.
func oscalFile(t *testing.T, name string) []byte {
	t.Helper()
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: skipping the test on real OSCAL catalogues (set it to the directory holding oscal/*.json)")
	}
	data, err := os.ReadFile(filepath.Join(dir, "oscal", name))
	if err != nil {
		t.Fatalf("read test data: %v", err)
	}
	return data
}

// oscalCounts walks the catalogue independently of the importer: the number
// of groups (at any depth) with controls of their own, plus one for controls
// outside any group, and every control id including enhancements.
func oscalCounts(t *testing.T, data []byte) (areas int, controlIDs []string) {
	t.Helper()
	var doc struct {
		Catalog map[string]any `json:"catalog"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	list := func(m map[string]any, key string) []map[string]any {
		raw, _ := m[key].([]any)
		var out []map[string]any
		for _, r := range raw {
			if mm, ok := r.(map[string]any); ok {
				out = append(out, mm)
			}
		}
		return out
	}
	var controls func(m map[string]any)
	controls = func(m map[string]any) {
		for _, c := range list(m, "controls") {
			id, _ := c["id"].(string)
			controlIDs = append(controlIDs, id)
			controls(c)
		}
	}
	var groups func(m map[string]any)
	groups = func(m map[string]any) {
		for _, g := range list(m, "groups") {
			if len(list(g, "controls")) > 0 {
				areas++
			}
			controls(g)
			groups(g)
		}
	}
	if len(list(doc.Catalog, "controls")) > 0 {
		areas++
	}
	controls(doc.Catalog)
	groups(doc.Catalog)
	return areas, controlIDs
}

func TestImportOSCALCatalogues(t *testing.T) {
	for _, c := range []struct {
		file     string
		id       string
		version  string
		refSlug  string
		areaIDs  []string
		knownIDs []string
	}{
		{
			file:     "basic-catalog.json",
			id:       "oscal-sample-security-catalog-for-demonstration-and-testing",
			version:  "1.1",
			refSlug:  "sample-security-catalog-for-demonstration-and-testing",
			areaIDs:  []string{"S11", "S21"},
			knownIDs: []string{"s1.1.1", "s1.1.2", "s2.1.1"},
		},
		{
			file:     "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json",
			id:       "oscal-nist-special-publication-800-53-revision-5-1-1-low-impact-baseline",
			version:  "5.1.1-u4",
			refSlug:  "nist-special-publication-800-53-revision-5-1-1-low-impact-baseline",
			areaIDs:  []string{"AC", "AT", "IA", "SR"},
			knownIDs: []string{"ac-1", "ac-2", "ia-2.1", "ia-2.12", "sr-11.2"},
		},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := oscalFile(t, c.file)
			wantAreas, wantIDs := oscalCounts(t, data)
			f, err := ImportOSCAL(c.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if f.ID != c.id || f.Version != c.version {
				t.Errorf("id, version = %s, %s; want %s, %s", f.ID, f.Version, c.id, c.version)
			}
			if len(f.Areas) != wantAreas {
				t.Errorf("areas = %d, want %d", len(f.Areas), wantAreas)
			}
			qs := f.Questions()
			if len(qs) != len(wantIDs) {
				t.Errorf("questions = %d, want %d (controls including enhancements)", len(qs), len(wantIDs))
			}
			refs := map[string]bool{}
			for _, q := range qs {
				for _, r := range q.Refs {
					refs[r.String()] = true
				}
				if strings.Contains(q.Help.Get("en"), "{{") {
					t.Errorf("%s: parameter insertion left in help: %q", q.ID, q.Help.Get("en"))
				}
				if q.Recommendation("0", "en") == "" || q.Target != 3 || q.Answer != AnswerMaturity {
					t.Errorf("%s: not a maturity draft with recommendations", q.ID)
				}
			}
			for _, id := range wantIDs {
				if !refs["oscal:"+c.refSlug+"#"+id] {
					t.Errorf("no question refers to control %s", id)
				}
			}
			for _, id := range c.knownIDs {
				if !refs["oscal:"+c.refSlug+"#"+id] {
					t.Errorf("known control %s missing", id)
				}
			}
			for _, id := range c.areaIDs {
				if _, ok := f.Area(id); !ok {
					t.Errorf("area %s missing", id)
				}
			}
			if err := Validate(f); err != nil {
				t.Fatal(err)
			}
			y, err := Marshal(f, "yaml")
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, c.file+".yaml", y, "yaml")
			roundTrip(t, c.file+".yaml", y, "json")
		})
	}
}

func TestImportOSCALDetails(t *testing.T) {
	data := oscalFile(t, "basic-catalog.json")
	f, err := ImportOSCAL("basic-catalog.json", data)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Area("S11")
	if got := a.Title.Get("en"); got != "Organization of Information Security / Internal Organization" {
		t.Errorf("nested group title = %q, want the group path", got)
	}
	q := a.Questions[0]
	if q.ID != "S11-01" || q.Text.Get("en") != "Information security roles and responsibilities" {
		t.Errorf("first question = %s %q", q.ID, q.Text.Get("en"))
	}
	help := q.Help.Get("en")
	if !strings.Contains(help, "All information security responsibilities should be defined and allocated.") ||
		!strings.Contains(help, "[Selection (one or more): initiating a device lock after [Assignment: a duration] of inactivity; ") {
		t.Errorf("help = %q", help)
	}
	if got := q.Recommendation("0", "en"); got != "Implement: Information security roles and responsibilities" {
		t.Errorf("recommendation 0 = %q", got)
	}
	if got := q.LevelText(3, "da"); got != "It is written down, approved and known to those concerned." {
		t.Errorf("LevelText from the generic scale = %q", got)
	}
}

func TestImportOSCALSynthetic(t *testing.T) {
	doc := `{"catalog": {"uuid": "u", "metadata": {"title": "Små Kontroller: Test!", "version": ""},
  "controls": [{"id": "top-1", "title": "Top level"}],
  "groups": [
    {"id": "general", "title": "Clashes with GENERAL", "controls": [{"id": "g-1", "title": "In group"}]},
    {"id": "1x", "title": "Digit first", "controls": [{"id": "d 1", "title": "", "controls": [{"id": "d-1.1", "title": "Enhancement"}]}]},
    {"id": "1x", "title": "Same id", "groups": [{"id": "", "title": "No id", "controls": [{"id": "n-1", "title": "Deep"}]}]}
  ]}}`
	f, err := ImportOSCAL("synthetic.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.ID != "oscal-smaa-kontroller-test" {
		t.Errorf("id = %s", f.ID)
	}
	if f.Version != "draft" {
		t.Errorf("version = %s, want draft", f.Version)
	}
	var ids []string
	for _, a := range f.Areas {
		ids = append(ids, a.ID)
	}
	if got := strings.Join(ids, ","); got != "GENERAL,G1X,G1XX2,GENERALX2" {
		t.Errorf("area ids = %s", got)
	}
	if n := len(f.Questions()); n != 5 {
		t.Errorf("questions = %d, want 5", n)
	}
	q, _ := f.Question("G1X-01")
	if q.Text.Get("en") != "d 1" || q.Refs[0].ID != f.ID[len("oscal-"):]+"#d_1" {
		t.Errorf("untitled control: text %q ref %v", q.Text.Get("en"), q.Refs)
	}

	for _, bad := range []struct{ doc, msg string }{
		{`{"catalog": {"metadata": {"title": "x"}}}`, "no controls"},
		{`{"profile": {}}`, "not an OSCAL catalogue"},
		{"{\n\"catalog\": [\n", "synthetic.json:"},
		{`{"catalog": {"groups": {"id": 1}}}`, "synthetic.json:1:"},
	} {
		_, err := ImportOSCAL("synthetic.json", []byte(bad.doc))
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("ImportOSCAL(%s) = %v, want error containing %q", bad.doc, err, bad.msg)
		}
	}
}
