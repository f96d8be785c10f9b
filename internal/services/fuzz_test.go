package services

import (
	"testing"

	"github.com/vaern/vaern/internal/framework"
)

// FuzzMappingValue: whatever a member types, an accepted value is accepted again unchanged
// (normalising is idempotent), and nothing panics.
func FuzzMappingValue(f *testing.F) {
	for _, s := range []string{"", "12,5", "-0", "1e308", "own", " ESDH ", "\x00", "NaN", "0x10"} {
		f.Add(s)
	}
	qs := []*framework.Question{
		{ID: "T-01", Answer: framework.AnswerText},
		{ID: "C-01", Answer: framework.AnswerChoice, Choices: []framework.Choice{{ID: "own"}}},
		{ID: "N-01", Answer: framework.AnswerNumber},
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, q := range qs {
			v, err := MappingValue(q, in)
			if err != nil {
				continue
			}
			again, err := MappingValue(q, v)
			if err != nil || again != v {
				t.Fatalf("%s: %q → %q → %q, %v", q.ID, in, v, again, err)
			}
		}
	})
}
