package indicators

import (
	"os"
	"path/filepath"
	"testing"
)

func seedFiles(f *testing.F, pattern string) {
	if dir := os.Getenv("VAERN_TESTDATA"); dir != "" {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}

// FuzzParseSTIX: any input gives indicators or an error, never a panic, and every indicator it
// gives is a valid one of its type.
func FuzzParseSTIX(f *testing.F) {
	f.Add([]byte(`{"type":"bundle","id":"bundle--1","objects":[{"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '1.2.3.4' OR url:value = 'http://a.example/']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"type":"indicator","id":"indicator--x","pattern":"[file:hashes.MD5 = '00']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"}`))
	seedFiles(f, "stix/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSTIX(data)
		if err != nil {
			if p != nil {
				t.Fatal("an error with a result")
			}
			return
		}
		checkItems(t, p)
	})
}

func FuzzParseMISP(f *testing.F) {
	f.Add([]byte(`{"Event":{"uuid":"e","info":"x","Attribute":[{"uuid":"a","type":"domain|ip","value":"a.example|1.2.3.4","to_ids":"1","timestamp":"1"}],"Tag":[{"name":"tlp:amber"}]}}`))
	seedFiles(f, "misp/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseMISP(data)
		if err != nil {
			if p != nil {
				t.Fatal("an error with a result")
			}
			return
		}
		checkItems(t, p)
	})
}

func checkItems(t *testing.T, p *Parsed) {
	seen := map[string]bool{}
	for _, it := range p.Items {
		if !isType(it.Type) || it.Value == "" || seen[it.Type+it.Value] {
			t.Fatalf("bad or repeated item %+v", it)
		}
		seen[it.Type+it.Value] = true
	}
}
