package advisory

import (
	"context"
	"testing"
)

// Figures for docs/BENCHMARKS.md ("Advisory import"):
//
//	VAERN_TESTDATA=/work/shared/data go test -run '^$' -bench . -benchmem ./internal/advisory/

func BenchmarkParseKEV(b *testing.B) {
	data := realFile(b, "kev/known_exploited_vulnerabilities.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), "kev.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCSAF(b *testing.B) {
	data := realFile(b, "csaf/icsa-25-010-02.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), "icsa.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCVE(b *testing.B) {
	data := realFile(b, "cve/CVE-2024-3094.json")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), "cve.json", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExportCSAF(b *testing.B) {
	a := centreAdvisory()
	pub := Publisher{Name: "KommuneCERT", Namespace: "https://kommunecert.example"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ExportCSAF(a, pub); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMandatoryTests is the 43 tests alone, on the decoded CISA document.
func BenchmarkMandatoryTests(b *testing.B) {
	doc, err := decodeCSAF("icsa.json", realFile(b, "csaf/icsa-25-010-02.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if f := runMandatoryTests(doc); len(f) > 0 {
			b.Fatal(f)
		}
	}
}
