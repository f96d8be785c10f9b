package framework

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestBuiltinFrameworksValidate(t *testing.T) {
	fws, err := Builtin()
	if err != nil {
		t.Fatalf("built-in frameworks do not validate:\n%v", err)
	}
	for _, f := range fws {
		for _, l := range knownLanguages {
			if !contains(f.Languages, l) {
				t.Errorf("built-in %s %s lacks language %s", f.ID, f.Version, l)
			}
		}
		for _, q := range f.Questions() {
			if len(q.Help) == 0 {
				t.Logf("built-in %s %s: question %s has no help text", f.ID, f.Version, q.ID)
			}
		}
	}
}

func TestLoadFrameworksChecksMappings(t *testing.T) {
	next := []byte(smallYAML)
	prevDoc := strings.NewReplacer(`version: "2"`, `version: "1"`, "id: GOV-02", "id: GOV-08").Replace(smallYAML)
	prevDoc = prevDoc[:strings.Index(prevDoc, "supersedes:")] + prevDoc[strings.Index(prevDoc, "areas:"):]
	fsys := fstest.MapFS{
		"b/test-1.yaml": {Data: []byte(prevDoc)},
		"b/test-2.yaml": {Data: next},
		"b/README.md":   {Data: []byte("not a framework")},
	}
	_, err := loadFrameworks(fsys, "b")
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	got := err.Error()
	for _, want := range []string{
		"b/test-2.yaml:19: supersedes.mapping[2].from: there is no question GOV-09 in test 1",
		"question GOV-08 of test 1 is not mapped",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}

	fsys["b/test-1.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(prevDoc, "GOV-08", "GOV-09", 1))}
	fws, err := loadFrameworks(fsys, "b")
	if err != nil || len(fws) != 2 || fws[0].Version != "1" {
		t.Fatalf("loadFrameworks = %v, %v", fws, err)
	}

	fsys["b/test-3.yaml"] = &fstest.MapFile{Data: next}
	if _, err := loadFrameworks(fsys, "b"); err == nil || !strings.Contains(err.Error(), "test 2 is also defined in b/test-2.yaml") {
		t.Errorf("duplicate version not reported: %v", err)
	}
}
