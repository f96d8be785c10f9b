package store_test

import (
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestSystemAIAndPatch covers the AI fields (issue 11.14) — stored, filtered and counted per
// member and per unit — and PatchSystem, which changes only the fields a request sends (9.4).
func TestSystemAIAndPatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		mk := func(sys vaern.ITSystem) vaern.ITSystem {
			sys.UnitID = f.A.Dept.ID
			return must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, sys))(t)
		}
		copilot := mk(vaern.ITSystem{Name: "Microsoft 365", AIUse: vaern.AIFeature, AIPurpose: "Copilot", AISupplier: "Microsoft",
			AIDPACovered: true, AIChecked: t0})
		chat := mk(vaern.ITSystem{Name: "Chatbot", AIUse: vaern.AIPurpose, AISupplier: "Puzzel", AIDPACovered: true})
		speech := mk(vaern.ITSystem{Name: "Nexus", AIUse: vaern.AIFeature})
		mk(vaern.ITSystem{Name: "SBSYS", AIUse: vaern.AINone})
		mk(vaern.ITSystem{Name: "Fasit"})
		got := must(s.System(f.ctx, f.A.Org.ID, copilot.ID))(t)
		if got.AIUse != vaern.AIFeature || got.AIPurpose != "Copilot" || got.AISupplier != "Microsoft" || !got.AIDPACovered || !got.AIChecked.Equal(t0) {
			t.Fatalf("stored %+v", got)
		}
		_, err := s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "x", AIUse: "maybe"})
		wantErr(t, err, invalid("ai_use"))

		list, n, err := s.Systems(f.ctx, f.A.Org.ID, vaern.SystemFilter{AIUnchecked: true})
		if err != nil || n != 2 || list[0].ID != chat.ID || list[1].ID != speech.ID {
			t.Fatalf("AI without a checked agreement: %d %+v %v", n, list, err)
		}
		c := must(s.RegisterCounts(f.ctx, f.A.Org.ID))(t)
		if c.AIUnchecked != 2 {
			t.Fatalf("counts: %+v", c)
		}
		units := must(s.UnitStatuses(f.ctx, f.A.Org.ID))(t)
		if len(units) != 1 || units[0].AIUnchecked != 2 || len(units[0].AIUncheckedSystems) != 2 {
			t.Fatalf("unit status: %+v", units)
		}

		// A patch of one field leaves the others; checking the agreement takes the system off the list.
		rec, err := register.FormRecord(map[string][]string{"ai_checked": {"2026-11-01"}})
		if err != nil {
			t.Fatal(err)
		}
		after := must(s.PatchSystem(f.ctx, f.coordA(), f.A.Org.ID, chat.ID, rec))(t)
		if after.AISupplier != "Puzzel" || after.AIUse != vaern.AIPurpose || after.UnitID != f.A.Dept.ID || after.AIUnchecked() {
			t.Fatalf("after the patch: %+v", after)
		}
		// A respondent who owns nothing may not patch; a foreign system is not found.
		_, err = s.PatchSystem(f.ctx, f.respA(), f.A.Org.ID, chat.ID, rec)
		wantErr(t, err, vaern.ErrForbidden)
		_, err = s.PatchSystem(f.ctx, f.coordB(), f.B.Org.ID, chat.ID, rec)
		wantErr(t, err, vaern.ErrNotFound)
	})
}
