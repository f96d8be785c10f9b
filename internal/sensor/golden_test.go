package sensor

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	json "github.com/goccy/go-json"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current parser")

// TestRealEVEFilesGolden pins what the parser makes of the real Suricata files (alerts, rejects,
// other types and the derived sightings) to a file written by the parser before its speed work,
// so that a faster parser is known to read them identically.
func TestRealEVEFilesGolden(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the real EVE files are not available")
	}
	for _, tc := range []struct{ file, golden string }{
		{"suricata/honeypot-2018/alerts-only.json", "honeypot-2018.golden.json"},
		{"suricata/tenzir-vast/eve.json", "tenzir-vast.golden.json"},
		{"", "unit-ndjson.golden.json"},
	} {
		data := []byte(ndjson) // the unit test's lines: every kind of rejected line
		if tc.file != "" {
			var err error
			if data, err = os.ReadFile(filepath.Join(dir, tc.file)); err != nil {
				t.Fatal(err)
			}
		}
		var got bytes.Buffer
		for _, payload := range []bool{false, true} {
			res, err := Parse(data, DefaultLimits, Options{Pseudo: testPseudo(t, "147.32.84.0/24"), KeepPayload: payload})
			if err != nil {
				t.Fatal(err)
			}
			out, err := json.MarshalIndent(map[string]any{"keep_payload": payload, "alerts": res.Alerts, "rejected": res.Rejected,
				"errors": res.Errors, "other": res.Other, "sightings": Sightings(42, res.Alerts)}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			got.Write(out)
			got.WriteByte('\n')
		}
		path := filepath.Join("testdata", tc.golden)
		if *updateGolden {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: the parser's output differs from %s", tc.file, path)
		}
	}
}
