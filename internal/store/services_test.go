package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func svcFixture(t *testing.T, f *fixture) vaern.Service {
	t.Helper()
	return must(f.s.SaveService(f.ctx, f.centreAdmin(), f.Centre.ID, vaern.Service{
		Name:         vaern.Texts3{Da: "Overvågning", Nb: "Overvåking", En: "Monitoring"},
		ServiceLevel: "24/7", PriceModel: "per inhabitant", Contact: "soc@kl.dk"}))(t)
}

// TestServiceSubscriptions walks a subscription from request to end on both engines: the centre
// approves, the member ends, the centre confirms; a second live request is refused; another
// member or another centre reaches nothing of it.
func TestServiceSubscriptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		svc := svcFixture(t, f)
		if _, err := s.SaveService(ctx, f.centreAdmin(), f.Centre.ID, vaern.Service{Name: vaern.Texts3{Da: "x"}}); !isInvalid(err, "name_nb") {
			t.Fatalf("a service without a Norwegian name: %v", err)
		}
		sub := must(s.RequestSubscription(ctx, f.coordA(), f.A.Org.ID, svc.ID, "for our schools"))(t)
		if sub.Status != vaern.SubRequested || sub.OrgName != f.A.Org.Name {
			t.Fatalf("requested: %+v", sub)
		}
		if _, err := s.RequestSubscription(ctx, f.coordA(), f.A.Org.ID, svc.ID, ""); !isInvalid(err, "service") {
			t.Fatalf("a second live request: %v", err)
		}
		// Another member cannot end A's subscription; another centre cannot decide it.
		if err := s.EndSubscription(ctx, f.coordB(), f.B.Org.ID, sub.ID, ""); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B ends A's subscription: %v", err)
		}
		// One centre per installation: an organisation that is not the service's centre reaches nothing.
		other := f.B.Org
		if err := s.DecideSubscription(ctx, f.centreAdmin(), other.ID, sub.ID, "approve", ""); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("another organisation decides: %v", err)
		}
		if _, err := s.Service(ctx, other.ID, svc.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("another organisation reads the service: %v", err)
		}
		if _, err := s.SaveService(ctx, f.coordB(), other.ID, svc); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("a member changes the catalogue: %v", err)
		}
		queue := must(s.CentreSubscriptions(ctx, f.Centre.ID, store.SubscriptionFilter{Statuses: []string{vaern.SubRequested, vaern.SubEnding}}))(t)
		if len(queue) != 1 || queue[0].ID != sub.ID {
			t.Fatalf("queue: %+v", queue)
		}
		f.clock.Add(time.Hour)
		if err := s.DecideSubscription(ctx, f.centreAdmin(), f.Centre.ID, sub.ID, "approve", "welcome"); err != nil {
			t.Fatal(err)
		}
		f.wantAudit(t, f.Centre.ID, f.centreAdmin(), "subscription.approve", sub.ID)
		mine := must(s.Subscriptions(ctx, f.A.Org.ID))(t)
		if len(mine) != 1 || mine[0].Status != vaern.SubActive || !mine[0].Since.Equal(t0.Add(time.Hour)) || mine[0].DecisionNote != "welcome" {
			t.Fatalf("after approval: %+v", mine)
		}
		if err := s.DecideSubscription(ctx, f.centreAdmin(), f.Centre.ID, sub.ID, "approve", ""); !isInvalid(err, "action") {
			t.Fatalf("approving twice: %v", err)
		}
		if got := must(s.Services(ctx, f.Centre.ID, true))(t); len(got) != 1 || got[0].Active != 1 || got[0].Pending != 0 {
			t.Fatalf("counts: %+v", got)
		}
		if err := s.EndSubscription(ctx, f.coordA(), f.A.Org.ID, sub.ID, "budget"); err != nil {
			t.Fatal(err)
		}
		if err := s.DecideSubscription(ctx, f.centreAdmin(), f.Centre.ID, sub.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		mine = must(s.Subscriptions(ctx, f.A.Org.ID))(t)
		if mine[0].Status != vaern.SubEnded || mine[0].EndedAt.IsZero() {
			t.Fatalf("after the end: %+v", mine[0])
		}
		// Ended: a new request may follow; a retired service takes none.
		must(s.RequestSubscription(ctx, f.coordA(), f.A.Org.ID, svc.ID, ""))(t)
		svc.Status = vaern.ServiceRetired
		must(s.SaveService(ctx, f.centreAdmin(), f.Centre.ID, svc))(t)
		if _, err := s.RequestSubscription(ctx, f.coordB(), f.B.Org.ID, svc.ID, ""); !isInvalid(err, "service") {
			t.Fatalf("a request for a retired service: %v", err)
		}
	})
}

// TestOnboardingChecklist: the default checklist is seeded once; units are seen by Værn (the
// fixture's members have units) and an item without a check is ticked by hand, per member.
func TestOnboardingChecklist(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		items := must(s.OnboardingItems(ctx, f.Centre.ID))(t)
		if len(items) != 6 || items[1].Check != vaern.CheckUnits {
			t.Fatalf("default checklist: %+v", items)
		}
		facts := must(s.OnboardingFacts(ctx, f.Centre.ID, f.A.Org.ID))(t)
		if len(facts) != 1 || facts[0].Units != 4 || facts[0].Coordinators != 1 || facts[0].Others != 2 {
			t.Fatalf("facts: %+v", facts)
		}
		// Two-factor sign-in: a coordinator without a TOTP app but with a passkey has a second
		// factor (a passkey replaces the code, or the password too).
		if facts[0].Coordinators2FA != 0 {
			t.Fatalf("a coordinator with neither TOTP nor passkey counts as two-factor: %+v", facts[0])
		}
		must(s.AddPasskey(ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, "cred-onb", "Phone", `{"id":"x"}`))(t)
		facts = must(s.OnboardingFacts(ctx, f.Centre.ID, f.A.Org.ID))(t)
		if facts[0].Coordinators2FA != 1 {
			t.Fatalf("a coordinator with a passkey does not count as two-factor: %+v", facts[0])
		}
		if other := must(s.OnboardingFacts(ctx, f.Centre.ID, f.B.Org.ID))(t); other[0].Coordinators2FA != 0 {
			t.Fatalf("Aarhus's passkey counts for Bergen: %+v", other[0])
		}
		if err := s.TickOnboarding(ctx, f.coordA(), f.A.Org.ID, items[1].ID, true); !isInvalid(err, "item") {
			t.Fatalf("ticking an automatic item: %v", err)
		}
		if err := s.TickOnboarding(ctx, f.coordA(), f.A.Org.ID, items[0].ID, true); err != nil {
			t.Fatal(err)
		}
		other := f.B.Org
		if err := s.TickOnboarding(ctx, f.coordA(), f.A.Org.ID, items[0].ID+1000, true); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("ticking an unknown item: %v", err)
		}
		if _, err := s.SaveOnboardingItem(ctx, f.coordB(), other.ID, vaern.OnboardingItem{Title: vaern.Texts3{Da: "a", Nb: "b", En: "c"}}); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("a member writes a checklist: %v", err)
		}
		ticks := must(s.OnboardingTicks(ctx, f.Centre.ID, 0))(t)
		if len(ticks) != 1 || ticks[0].OrgID != f.A.Org.ID || ticks[0].By != f.A.Coordinator.ID {
			t.Fatalf("ticks: %+v", ticks)
		}
		if _, err := s.SaveOnboardingItem(ctx, f.centreAdmin(), f.Centre.ID, vaern.OnboardingItem{
			Title: vaern.Texts3{Da: "a", Nb: "b", En: "c"}, Link: "javascript:alert(1)"}); !isInvalid(err, "link") {
			t.Fatalf("a script link: %v", err)
		}
		if err := s.DeleteOnboardingItem(ctx, f.centreAdmin(), other.ID, items[0].ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("another centre deletes an item: %v", err)
		}
		if err := s.DeleteOnboardingItem(ctx, f.centreAdmin(), f.Centre.ID, items[0].ID); err != nil {
			t.Fatal(err)
		}
		if got := must(s.OnboardingItems(ctx, f.Centre.ID))(t); len(got) != 5 {
			t.Fatalf("after delete (no reseeding): %d items", len(got))
		}
	})
}

// TestHandoverTransfer moves a respondent's systems and case to the coordinator in one step,
// and refuses a successor from another member.
func TestHandoverTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		resp := f.A.Respondent.ID
		sysA := must(s.CreateSystem(ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "ESDH", SystemOwnerID: resp, DataOwnerID: resp}))(t)
		must(s.CreateIncident(ctx, f.coordA(), f.A.Org.ID, vaern.Incident{Title: "Phishing", AwareAt: t0, HandlerID: resp}))(t)
		h := must(s.Handover(ctx, f.A.Org.ID, resp))(t)
		if len(h.Systems) != 1 || h.Systems[0].Note != "both" || len(h.Cases) != 1 || h.Total() != 2 {
			t.Fatalf("handover: %+v", h)
		}
		if _, err := s.Handover(ctx, f.B.Org.ID, resp); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B reads A's person: %v", err)
		}
		if _, err := s.TransferHandover(ctx, f.coordA(), f.A.Org.ID, resp, f.B.Coordinator.ID); !isInvalid(err, "successor") {
			t.Fatalf("a successor of another member: %v", err)
		}
		moved := must(s.TransferHandover(ctx, f.coordA(), f.A.Org.ID, resp, f.A.Coordinator.ID))(t)
		if moved.Total() != 2 {
			t.Fatalf("moved: %+v", moved)
		}
		got := must(s.System(ctx, f.A.Org.ID, sysA.ID))(t)
		if got.SystemOwnerID != f.A.Coordinator.ID || got.DataOwnerID != f.A.Coordinator.ID {
			t.Fatalf("system after the handover: %+v", got)
		}
		if h := must(s.Handover(ctx, f.A.Org.ID, resp))(t); h.Total() != 0 {
			t.Fatalf("left over: %+v", h)
		}
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "handover.transfer", resp)
	})
}

// TestMappingSharing: a member's answers are checked per question; the centre sees a mapping
// only while it is shared, in the list and by id, and never another member's unshared one.
func TestMappingSharing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		must(s.InstallBuiltinFrameworks(ctx, f.Centre.ID))(t)
		fws := must(s.MappingFrameworks(ctx, f.Centre.ID))(t)
		if len(fws) != 1 || fws[0].Kind != "mapping" {
			t.Fatalf("mapping frameworks: %+v", fws)
		}
		fw := fws[0].ID
		for q, v := range map[string]string{"NET-01": "carrier-pigeon", "NET-02": "many", "XYZ-01": "1"} {
			if err := s.SaveMapping(ctx, f.coordA(), f.A.Org.ID, fw, map[string]string{q: v}); !isInvalid(err, q) {
				t.Fatalf("%s=%s: %v", q, v, err)
			}
		}
		if err := s.SaveMapping(ctx, f.coordA(), f.A.Org.ID, fw, map[string]string{"NET-01": "shared", "NET-02": "12,5", "SYS-01": "ESDH, payroll"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveMapping(ctx, f.coordB(), f.B.Org.ID, fw, map[string]string{"NET-01": "own"}); err != nil {
			t.Fatal(err)
		}
		centre := access.ForOrg(f.Centre)
		if got := must(s.SharedMappings(ctx, centre, fw))(t); len(got) != 0 {
			t.Fatalf("the centre sees unshared mappings: %+v", got)
		}
		if _, err := s.Mapping(ctx, centre, f.A.Org.ID, fw); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("the centre reads an unshared mapping: %v", err)
		}
		if err := s.ShareMapping(ctx, f.coordA(), f.A.Org.ID, fw, true); err != nil {
			t.Fatal(err)
		}
		got := must(s.SharedMappings(ctx, centre, fw))(t)
		if len(got) != 1 || got[0].OrgID != f.A.Org.ID || got[0].Answers["NET-02"].Value != "12.5" || len(got[0].Answers) != 3 {
			t.Fatalf("shared: %+v", got)
		}
		if _, err := s.Mapping(ctx, access.ForOrg(f.B.Org), f.A.Org.ID, fw); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B reads A's shared mapping: %v", err)
		}
		if err := s.ShareMapping(ctx, f.coordA(), f.A.Org.ID, fw, false); err != nil {
			t.Fatal(err)
		}
		if got := must(s.SharedMappings(ctx, centre, fw))(t); len(got) != 0 {
			t.Fatalf("still shared after revoking: %+v", got)
		}
		// A baseline framework is not a mapping, and a mapping framework cannot run a round.
		all := must(s.Frameworks(ctx, f.Centre.ID))(t)
		for _, info := range all {
			if info.Kind == "baseline" {
				if err := s.SaveMapping(ctx, f.coordA(), f.A.Org.ID, info.ID, nil); !errors.Is(err, vaern.ErrNotFound) {
					t.Fatalf("a baseline framework as a mapping: %v", err)
				}
				break
			}
		}
		_, err := s.CreateRound(ctx, f.centreAdmin(), f.Centre.ID, vaern.Round{Year: 2026, Title: "x", FrameworkID: fw,
			OpensAt: t0, ClosesAt: t0.Add(time.Hour)}, nil)
		if !isInvalid(err, "framework") {
			t.Fatalf("a round on a mapping framework: %v", err)
		}
	})
}
