package advisory

import (
	"os"
	"path/filepath"
	"testing"
)

// realFile reads a file below VAERN_TESTDATA, or skips the test when it is unset.
func realFile(t testing.TB, rel string) []byte {
	t.Helper()
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is unset; set it to the shared data directory to run the real-file tests")
	}
	b, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatalf("reading %s: %v", rel, err)
	}
	return b
}
