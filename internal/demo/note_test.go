package demo

import (
	"strings"
	"testing"
)

// TestDelegationNoteOneLanguage checks that the demo's delegation note is written in the
// member's language only, not in Danish and Norwegian at once.
func TestDelegationNoteOneLanguage(t *testing.T) {
	for _, tc := range []struct{ country, want, not string }{
		{"DK", "afdeling", "enhet"}, {"NO", "enhet", "afdeling"}, {"no", "enhet", "afdeling"},
	} {
		n := delegationNote(tc.country)
		if !strings.Contains(n, tc.want) || strings.Contains(n, tc.not) || strings.Contains(n, "/") {
			t.Errorf("%s: note %q is not in the member's language alone", tc.country, n)
		}
	}
}
