package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestImportOwnersOutsideVaern: an owner the import does not know as a user becomes a contact,
// found again on a re-import, instead of refusing the row (issue 11.9).
func TestImportOwnersOutsideVaern(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		csv := "Systemnavn;Systemejer;Dataejer\n" +
			"Aula;Kirsten Lund;kirsten.lund@leverandor.dk\n" +
			"KMD Nexus;respondent@aarhus.dk;Kirsten Lund\n"
		tab := must(register.ReadCSV([]byte(csv)))(t)
		check := func() []register.Record {
			recs, probs := register.Check(tab, register.GuessMapping(tab.Header), must(s.Resolver(f.ctx, f.A.Org.ID))(t), nil)
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			return recs
		}
		recs := check()
		plan := must(s.PlanImport(f.ctx, f.A.Org.ID, recs))(t)
		if len(plan.NewContacts) != 2 || plan.NewContacts[0] != "Kirsten Lund" {
			t.Fatalf("dry run contacts = %q", plan.NewContacts)
		}
		r := must(s.ImportSystems(f.ctx, f.coordA(), f.A.Org.ID, recs, "owners.csv", nil))(t)
		if r.Created != 2 {
			t.Fatalf("result %+v", r)
		}
		contacts := must(s.Contacts(f.ctx, f.A.Org.ID))(t)
		if len(contacts) != 2 {
			t.Fatalf("contacts = %+v, want Kirsten Lund once by name and once by e-mail", contacts)
		}
		aula := must(s.SystemByName(f.ctx, f.A.Org.ID, "Aula"))(t)
		nexus := must(s.SystemByName(f.ctx, f.A.Org.ID, "KMD Nexus"))(t)
		if aula.SystemOwnerID != 0 || aula.SystemOwnerContactID == 0 || aula.SystemOwnerName != "Kirsten Lund" ||
			aula.DataOwnerMail != "kirsten.lund@leverandor.dk" || nexus.SystemOwnerID != f.A.Respondent.ID ||
			nexus.DataOwnerContactID != aula.SystemOwnerContactID {
			t.Fatalf("owners: aula %+v nexus %+v", aula, nexus)
		}
		if _, n, err := s.Systems(f.ctx, f.A.Org.ID, vaern.SystemFilter{NoOwner: true}); err != nil || n != 0 {
			t.Fatalf("%d systems listed without an owner, want 0: a contact is an owner", n)
		}
		// The same file again finds the contacts and changes nothing.
		recs = check()
		if p := must(s.PlanImport(f.ctx, f.A.Org.ID, recs))(t); len(p.NewContacts) != 0 || p.Unchanged != 2 {
			t.Fatalf("re-import plan %+v", p)
		}
		// Another member's contact is not found.
		_, err := s.Contact(f.ctx, f.B.Org.ID, contacts[0].ID)
		wantErr(t, err, vaern.ErrNotFound)
		// An owner is a user or a contact, never both; another member's contact is refused.
		aula.SystemOwnerID = f.A.Respondent.ID
		err = s.UpdateSystem(f.ctx, f.coordA(), f.A.Org.ID, aula)
		if err == nil {
			t.Fatal("an owner both user and contact was saved")
		}
		bc := must(s.CreateContact(f.ctx, f.actor(f.B.Coordinator, f.B.Org.ID, vaern.RoleCoordinator), f.B.Org.ID, vaern.Contact{Name: "Bo"}))(t)
		_, err = s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Opus", DataOwnerContactID: bc.ID})
		if err == nil {
			t.Fatal("another member's contact became an owner")
		}
	})
}

// TestInviteContactMovesOwnership: a contact who accepts an invitation becomes the user, and
// every system the contact owned is the user's, in the acceptance's transaction.
func TestInviteContactMovesOwnership(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		c := must(s.CreateContact(f.ctx, f.coordA(), f.A.Org.ID, vaern.Contact{Name: "Per Holm", Email: "Per.Holm@Nexus.dk"}))(t)
		if _, err := s.CreateContact(f.ctx, f.coordA(), f.A.Org.ID, vaern.Contact{Name: "Per H.", Email: "per.holm@nexus.dk"}); err == nil {
			t.Fatal("a second contact with the same e-mail was created")
		}
		a := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Nexus", SystemOwnerContactID: c.ID, DataOwnerContactID: c.ID}))(t)
		b := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Opus", SystemOwnerID: f.A.Coordinator.ID,
			NewDataOwner: &vaern.Contact{Name: "per holm", Email: "per.holm@nexus.dk"}}))(t)
		if b.DataOwnerContactID != c.ID {
			t.Fatalf("the form's new contact with a known e-mail made another contact: %d, want %d", b.DataOwnerContactID, c.ID)
		}
		must(s.CreateInvite(f.ctx, f.coordA(), vaern.LinkToken{Email: c.Email, OrgID: f.A.Org.ID, Role: vaern.RoleRespondent,
			CreatedBy: f.A.Coordinator.ID, ExpiresAt: t0.Add(72 * time.Hour)}, "contact-invite", vaern.Mail{To: c.Email, Subject: "Invitation"}))(t)
		ok(t, s.UseLinkToken(f.ctx, "invite", "contact-invite", func(tx *store.Tx, got vaern.LinkToken) error {
			return tx.AcceptInvite(f.ctx, vaern.System("test"), got, 0, store.NewUser{Name: "Per Holm"})
		}))
		u := must(s.UserByEmail(f.ctx, "per.holm@nexus.dk"))(t)
		a = must(s.System(f.ctx, f.A.Org.ID, a.ID))(t)
		b = must(s.System(f.ctx, f.A.Org.ID, b.ID))(t)
		if a.SystemOwnerID != u.ID || a.DataOwnerID != u.ID || a.SystemOwnerContactID != 0 || a.DataOwnerContactID != 0 ||
			b.DataOwnerID != u.ID || b.SystemOwnerID != f.A.Coordinator.ID {
			t.Fatalf("after acceptance: %+v / %+v (user %d)", a, b, u.ID)
		}
		if got := must(s.Contact(f.ctx, f.A.Org.ID, c.ID))(t); got.UserID != u.ID {
			t.Fatalf("contact after acceptance: %+v", got)
		}
		hist := must(s.AuditSearch(f.ctx, f.A.Org.ID, store.AuditFilter{ObjectType: "contact", ObjectID: fmt.Sprint(c.ID)}))(t)
		if len(hist) != 2 || hist[0].Action != "contact.claimed" {
			t.Fatalf("contact's audit rows = %+v, want its creation and its claim", hist)
		}
	})
}

// TestImportContactTakesRowUnit: a contact the import creates for an unknown owner belongs to the
// unit of the row's system, whichever column comes first; an existing contact keeps its unit.
func TestImportContactTakesRowUnit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		csv := "Systemejer;Systemnavn;Enhed;Dataejer\n" +
			"Karen Holm;Aula;Operations team;\n" +
			"Karen Holm;Nexus;IT department;Per Lind\n"
		tab := must(register.ReadCSV([]byte(csv)))(t)
		recs, probs := register.Check(tab, register.GuessMapping(tab.Header), must(s.Resolver(f.ctx, f.A.Org.ID))(t), nil)
		if len(probs) > 0 {
			t.Fatalf("problems: %v", probs)
		}
		must(s.ImportSystems(f.ctx, f.coordA(), f.A.Org.ID, recs, "units.csv", nil))(t)
		units := map[string]int64{}
		for _, c := range must(s.Contacts(f.ctx, f.A.Org.ID))(t) {
			units[c.Name] = c.UnitID
		}
		if len(units) != 2 || units["Karen Holm"] != f.A.Team.ID || units["Per Lind"] != f.A.Dept.ID {
			t.Fatalf("contacts' units %v, want Karen Holm in %d (her first row's unit) and Per Lind in %d", units, f.A.Team.ID, f.A.Dept.ID)
		}
	})
}
