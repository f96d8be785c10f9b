package framework

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// checkStable is the property both fuzz targets rely on: whatever is accepted
// can be written in both formats, read back, and written again identically.
func checkStable(t *testing.T, f *Framework) {
	t.Helper()
	var yamlOut []byte
	for _, format := range []string{"yaml", "json"} {
		out, err := Marshal(f, format)
		if err != nil {
			t.Fatalf("marshal %s: %v", format, err)
		}
		g, err := Parse("again."+format, out)
		if err != nil {
			t.Fatalf("accepted input does not re-parse as %s: %v\n%s", format, err, out)
		}
		again, err := Marshal(g, format)
		if err != nil {
			t.Fatalf("re-marshal %s: %v", format, err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("%s output not stable:\n%s\n---\n%s", format, out, again)
		}
		if format == "yaml" {
			yamlOut = out
		} else {
			// JSON → YAML gives the YAML written directly.
			viaJSON, err := Marshal(g, "yaml")
			if err != nil || !bytes.Equal(viaJSON, yamlOut) {
				t.Fatalf("YAML via JSON differs (%v):\n%s\n---\n%s", err, viaJSON, yamlOut)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(smallYAML))
	f.Add([]byte(trickyYAML))
	f.Add([]byte(mappingYAML))
	f.Add(docExample(f))
	if fw, err := Parse("small.yaml", []byte(smallYAML)); err == nil {
		if js, err := Marshal(fw, "json"); err == nil {
			f.Add(js)
			f.Add(js[:len(js)/2])
		}
	}
	f.Add([]byte(strings.Replace(smallYAML, "weight: 2", "weight: -1", 1)))
	f.Add([]byte(strings.Replace(smallYAML, "{to: GOV-02, change: new}", "{to: GOV-02, change: same}", 1)))
	f.Add([]byte(smallYAML[:len(smallYAML)/3]))
	for _, s := range []string{
		"", "{}", "[]", "null", "format: vaern-framework/1\n", "a: &x 1\nb: *x\n", "? [a]\n: b\n",
		"{\"format\": 1e999}", "title: {en: \"\\u00\"}", "---\n---\n", "key: |\n  literal\n", "\xef\xbb\xbf{}",
		"areas:\n  - questions:\n      - weight: .nan\n", "scale: [{level: 99999999999999999999}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error is not a ValidationError with problems: %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.yaml:") {
					t.Fatalf("problem line %q does not start with the file name", line)
				}
			}
			return
		}
		checkStable(t, fw)
	})
}

func FuzzImportOSCAL(f *testing.F) {
	f.Add([]byte(`{"catalog": {"uuid": "u", "metadata": {"title": "Tiny", "version": "1.0"},
	  "groups": [{"id": "ac", "title": "Access", "controls": [{"id": "ac-1", "title": "Policy",
	    "params": [{"id": "p1", "label": "frequency"}],
	    "parts": [{"name": "statement", "prose": "Review {{ insert: param, p1 }}.",
	      "parts": [{"name": "item", "props": [{"name": "label", "value": "a."}], "prose": "Item"}]}],
	    "controls": [{"id": "ac-1.1", "title": "Enhancement"}]}]}]}}`))
	f.Add([]byte(`{"catalog": {"metadata": {"title": ""}, "controls": [{"id": "", "title": ""}]}}`))
	f.Add([]byte(`{"catalog": {"groups": [{"groups": [{"groups": [{"controls": [{}]}]}]}]}}`))
	f.Add([]byte(`{"catalog": {"metadata": {"title": "\u0000\ud800", "version": "+++"}, "controls": [{"title": "{{ insert: param, x }}"}]}}`))
	f.Add([]byte(`{"catalog": null}`))
	f.Add([]byte(`{"catalog": {"groups": "x"}}`))
	f.Add([]byte(`[1, 2`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := ImportOSCAL("fuzz.json", data)
		if err != nil {
			return
		}
		if err := Validate(fw); err != nil {
			t.Fatalf("imported draft does not validate: %v", err)
		}
		checkStable(t, fw)
	})
}
