package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestDemoServicesNotify: the seeded demo leaves the centre's admin a waiting request (Aarhus asks
// for the crisis exercise) and Bergen's coordinator an approval, in Norwegian, both written by the
// notifier as in use; and the seed detaches its notifier afterwards, so that it does not outlive
// the seed.
func TestDemoServicesNotify(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo")
	}
	ctx := context.Background()
	st := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(ctx, st); err != nil {
		t.Fatalf("seed: %v", err)
	}
	centre, err := st.Centre(ctx)
	if err != nil {
		t.Fatal(err)
	}
	person := func(email string) vaern.User {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return u
	}
	find := func(orgID int64, u vaern.User, kind string) []vaern.Notification {
		list, err := st.Notifications(ctx, orgID, u.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []vaern.Notification
		for _, n := range list {
			if n.Kind == kind {
				out = append(out, n)
			}
		}
		return out
	}
	byCode := map[string]vaern.Org{}
	members, err := st.Members(ctx, centre.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		byCode[m.Code] = m
	}
	admin := person("admin@centre.vaern.demo")
	asked := find(centre.ID, admin, "services.request")
	aarhusWaits := false
	for _, n := range asked {
		aarhusWaits = aarhusWaits || (strings.Contains(n.Title+n.Body, "Aarhus") && n.URL == "/centre/services/requests" && n.ReadAt.IsZero())
	}
	if !aarhusWaits {
		t.Errorf("the centre's admin has no unread request from Aarhus: %+v", asked)
	}
	bergen := byCode["4601"]
	decided := find(bergen.ID, person("koordinator@bergen.vaern.demo"), "services.decision")
	if len(decided) != 1 || decided[0].Lang != "nb" || decided[0].URL != "/services" {
		t.Errorf("Bergen's coordinator should have one Norwegian approval, has %+v", decided)
	}
	status := func(org vaern.Org, name string) string {
		subs, err := st.Subscriptions(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range subs {
			if x.Service.En == name {
				return x.Status
			}
		}
		return ""
	}
	if got := status(byCode["751"], "Crisis exercises"); got != vaern.SubRequested {
		t.Errorf("Aarhus's crisis exercise is %q, want requested", got)
	}
	if got := status(bergen, "External vulnerability scanning"); got != vaern.SubActive {
		t.Errorf("Bergen's external scan is %q, want active", got)
	}
	// After the seed nothing tells anyone until the server attaches its own notifier.
	before := len(find(centre.ID, admin, "services.request"))
	kbh := byCode["101"]
	var offered []vaern.Service
	if offered, err = st.Services(ctx, centre.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, v := range offered {
		if v.Status == vaern.ServiceOffered && status(kbh, v.Name.En) == "" {
			if _, err := st.RequestSubscription(ctx, vaern.System("test"), kbh.ID, v.ID, ""); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if after := len(find(centre.ID, admin, "services.request")); after != before {
		t.Errorf("a request after the seed made %d notifications: the seed left its notifier attached", after-before)
	}
}
