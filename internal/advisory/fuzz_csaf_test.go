package advisory

import (
	"context"
	"errors"
	"testing"
)

func FuzzCSAF(f *testing.F) {
	f.Add([]byte(csafSeed))
	f.Add([]byte(`{"document":{"csaf_version":"2.0","category":"csaf_base","title":"t"}}`))
	f.Add([]byte(`{"document":{"csaf_version":"2.0"},"product_tree":{"branches":[{"branches":[{"branches":[]}]}]},"vulnerabilities":[{}]}`))
	f.Add([]byte(`{"document":{"csaf_version":"1.0"}}`))
	for _, tc := range mandatoryTable[:8] {
		var d jdoc
		if err := jsonUnmarshal([]byte(csafSeed), &d); err == nil {
			tc.mutate(d)
			b, _ := jsonMarshal(d)
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, override := range []bool{false, true} {
			res, err := Parse(context.Background(), "fuzz.json", data, Options{Override: override})
			var e *Error
			if err != nil && (len(res.Advisories) > 0 || !errors.As(err, &e)) {
				t.Fatalf("%T %v with %d advisories", err, err, len(res.Advisories))
			}
			if err == nil && res.Format == "csaf" {
				// Whatever parses must also survive the mandatory tests run again and an export.
				doc, derr := decodeCSAF("fuzz.json", data)
				if derr != nil {
					t.Fatalf("parsed but does not decode: %v", derr)
				}
				runMandatoryTests(doc)
			}
		}
	})
}
