package framework

import "testing"

func TestDisplayName(t *testing.T) {
	for _, tc := range []struct{ title, version, want string }{
		{"Værn Baseline 2026", "2026", "Værn Baseline 2026"},
		{"NIS2 artikel 21 – selvevaluering", "2024", "NIS2 artikel 21 – selvevaluering 2024"},
		{"Baseline (2025)", "2025", "Baseline (2025)"},
		{"Baseline 20256", "2025", "Baseline 20256 2025"},
		{"Eksempel", "", "Eksempel"},
		{"", "1.0", "1.0"},
	} {
		if got := DisplayName(tc.title, tc.version); got != tc.want {
			t.Errorf("DisplayName(%q, %q) = %q, want %q", tc.title, tc.version, got, tc.want)
		}
	}
}
