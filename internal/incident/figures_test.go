package incident

import (
	"testing"
	"time"
)

func TestFiguresKAnonymous(t *testing.T) {
	var rows []Timing
	for org := int64(1); org <= 4; org++ {
		rows = append(rows, Timing{OrgID: org, Country: "DK", Independent: true, Ack: time.Duration(org) * time.Hour, Contain: -1,
			Steps: map[string]time.Duration{"nis2-dk/early_warning": time.Duration(10+org) * time.Hour}})
	}
	// Four members: the sector figure is suppressed, the member's own is shown.
	f := Figures(rows, 1, "DK", 5)
	if len(f) != 2 || !f[0].Suppressed || f[0].Own != 1 || f[0].Measure != "ack" {
		t.Fatalf("%+v", f)
	}
	// A fifth member the centre controls does not count toward k.
	rows = append(rows, Timing{OrgID: 5, Country: "DK", Independent: false, Ack: 5 * time.Hour, Contain: -1})
	if f := Figures(rows, 1, "DK", 5); !f[0].Suppressed {
		t.Fatalf("dependent member counted: %+v", f[0])
	}
	// An independent fifth: shown, and smoothed (not one member's value).
	rows[4].Independent = true
	f = Figures(rows, 1, "DK", 5)
	if f[0].Suppressed || f[0].SectorMembers != 5 || f[0].Sector != 3 {
		t.Fatalf("%+v", f[0])
	}
	// Other countries are another sector; the centre's view has sector figures only.
	if f := Figures(rows, 0, "NO", 5); len(f) != 0 {
		t.Fatalf("NO figures from DK rows: %+v", f)
	}
}
