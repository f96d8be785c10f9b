package register

import "testing"

// TestNameKey is the system-name identity that the store's unique key, spreadsheet imports and
// the import dry run all use.
func TestNameKey(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"Økonomisystem", "økonomisystem"},
		{"  KMD Opus ", "kmd opus"},
		{"ESDH\t", "esdh"},
	} {
		if NameKey(c.a) != NameKey(c.b) {
			t.Errorf("%q and %q are different systems", c.a, c.b)
		}
	}
	for _, c := range []struct{ a, b string }{
		{"KMD Opus", "KMD  Opus"}, // inner space is part of the name
		{"Sbsys", "Sbsys 2"},
	} {
		if NameKey(c.a) == NameKey(c.b) {
			t.Errorf("%q and %q are the same system", c.a, c.b)
		}
	}
}
