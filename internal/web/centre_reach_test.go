package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

var inviteLink = regexp.MustCompile(`/invite/([A-Za-z0-9_\-]+)`)

// lastInvite returns the token of the newest invitation mailed to addr ("" when none).
func lastInvite(t *testing.T, s *testserver.Server, addr string) string {
	t.Helper()
	mails, err := s.Store.Outbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	tok := ""
	for _, m := range mails {
		if m.To == addr {
			if x := inviteLink.FindStringSubmatch(m.Body); x != nil {
				tok = x[1]
			}
		}
	}
	return tok
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// acceptNew accepts an invitation as a new person.
func acceptNew(t *testing.T, s *testserver.Server, tok string) int {
	t.Helper()
	st, _ := post(t, s.Client(), s.URL+"/invite/"+tok, url.Values{"name": {"Ny Person"}, "password": {testserver.Password}, "password2": {testserver.Password}})
	return st
}

// TestCentreCannotBecomeCoordinator replays the attack of issue 9: the centre admin invites an
// address it controls as coordinator of a member that has one, accepts, and signs in as the
// member. It must fail at every step and by every other path.
func TestCentreCannotBecomeCoordinator(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			admin := s.Login(t, "centre-admin")
			aID := fmt.Sprint(s.Fix.A.ID)

			// 1. The attack: an invitation into a member that has people is refused, and no mail goes.
			if st, _ := post(t, admin, s.URL+"/centre/members/"+aID+"/invite", url.Values{"email": {"evil@attacker.test"}}); st != http.StatusUnprocessableEntity {
				t.Fatalf("centre invite into a member with people: status %d, want 422", st)
			}
			if tok := lastInvite(t, s, "evil@attacker.test"); tok != "" {
				t.Fatal("an invitation was mailed")
			}
			// 2. A member's coordinator cannot invite the centre's staff either.
			coord := s.Login(t, "A:coordinator")
			if st, _ := post(t, coord, s.URL+"/org/users/invite", url.Values{"email": {"admin@centre.test.dk"}, "role": {"viewer"}}); st != http.StatusUnprocessableEntity {
				t.Errorf("coordinator inviting centre staff: status %d, want 422", st)
			}
			// 3. A new member without people: the centre invites its first coordinator; not its own
			// address; and a second pending invitation stops working once the first is accepted.
			m, err := s.Store.CreateMember(ctx, vaern.System("test"), s.Fix.Centre.ID, vaern.Org{Code: "999", Name: "Nykommune", Country: "DK"})
			if err != nil {
				t.Fatal(err)
			}
			mID := fmt.Sprint(m.ID)
			if st, _ := post(t, admin, s.URL+"/centre/members/"+mID+"/invite", url.Values{"email": {"admin@centre.test.dk"}}); st != http.StatusUnprocessableEntity {
				t.Errorf("centre inviting its own admin as coordinator: status %d, want 422", st)
			}
			for _, addr := range []string{"first@nykommune.dk", "second@attacker.test"} {
				if st, _ := post(t, admin, s.URL+"/centre/members/"+mID+"/invite", url.Values{"email": {addr}}); st != http.StatusSeeOther {
					t.Fatalf("first coordinator invite to %s: status %d", addr, st)
				}
			}
			if st := acceptNew(t, s, lastInvite(t, s, "first@nykommune.dk")); st != http.StatusSeeOther {
				t.Fatalf("accepting the first coordinator's invitation: %d", st)
			}
			if st := acceptNew(t, s, lastInvite(t, s, "second@attacker.test")); st != http.StatusUnprocessableEntity {
				t.Errorf("a second centre invitation after the member got people: status %d, want 422", st)
			}
			if _, err := s.Store.UserByEmail(ctx, "second@attacker.test"); err == nil {
				t.Error("the second address got an account")
			}
			got, _ := s.Store.Org(ctx, m.ID, m.ID)
			if got.CentreJoinedAt.IsZero() {
				t.Error("the first coordinator's arrival through the centre is not recorded")
			}
			// 4. An invitation from a coordinator who has since been removed stops working.
			newCoord := s.LoginAs(t, "first@nykommune.dk", testserver.Password)
			if st, _ := post(t, newCoord, s.URL+"/org/users/invite", url.Values{"email": {"helper@attacker.test"}, "role": {"coordinator"}}); st != http.StatusSeeOther {
				t.Fatalf("coordinator invite: %d", st)
			}
			if st, _ := post(t, newCoord, s.URL+"/org/users/invite", url.Values{"email": {"real@nykommune.dk"}, "role": {"coordinator"}}); st != http.StatusSeeOther {
				t.Fatalf("coordinator invite: %d", st)
			}
			if st := acceptNew(t, s, lastInvite(t, s, "real@nykommune.dk")); st != http.StatusSeeOther {
				t.Fatalf("accept: %d", st)
			}
			first, _ := s.Store.UserByEmail(ctx, "first@nykommune.dk")
			real, _ := s.Store.UserByEmail(ctx, "real@nykommune.dk")
			if err := s.Store.RemoveMember(ctx, vaern.Actor{UserID: real.ID, Email: real.Email, OrgID: m.ID, Role: vaern.RoleCoordinator}, m.ID, first.ID); err != nil {
				t.Fatal(err)
			}
			if st := acceptNew(t, s, lastInvite(t, s, "helper@attacker.test")); st != http.StatusUnprocessableEntity {
				t.Errorf("an invitation from a removed coordinator: status %d, want 422", st)
			}
			// 5. The store refuses the same at its own level: centre staff into a member.
			if err := s.Store.AddMembership(ctx, vaern.System("test"), vaern.Membership{UserID: s.Fix.Users["centre-admin"].ID, OrgID: s.Fix.A.ID, Role: vaern.RoleViewer}); err == nil {
				t.Error("the store placed the centre admin in a member")
			}
			if _, err := s.Store.CreateUser(ctx, vaern.System("cli"), store.NewUser{Email: "op@attacker.test", OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator, External: true}); err == nil {
				t.Error("the operator created a coordinator in a member that has people")
			}
			if err := s.Store.SetRole(ctx, vaern.System("cli"), s.Fix.A.ID, s.Fix.Users["A:viewer"].ID, vaern.RoleCoordinator, 0); err == nil {
				t.Error("the operator changed a role inside a member")
			}
			// The centre admin has no role in any member after all this.
			orgs, _, err := s.Store.UserOrgs(ctx, s.Fix.Users["centre-admin"].ID)
			if err != nil || len(orgs) != 1 || !orgs[0].IsCentre() {
				t.Errorf("centre admin's organisations: %v %v", orgs, err)
			}
		})
	}
}

// TestMemberRecovery: a member's coordinators are told at once, the invitation waits, any
// coordinator can cancel, and the invited person becomes coordinator without the centre's user.
func TestMemberRecovery(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			now := time.Now()
			s.Store.SetClock(func() time.Time { return now })
			admin := s.Login(t, "centre-admin")
			base := s.URL + "/centre/members/" + fmt.Sprint(s.Fix.A.ID) + "/recovery"
			if st, _ := post(t, admin, base, url.Values{"email": {"admin@centre.test.dk"}, "requested_by": {"Borgmester, telefon"}}); st != http.StatusUnprocessableEntity {
				t.Errorf("recovery to the centre's own admin: %d, want 422", st)
			}
			if st, _ := post(t, admin, base, url.Values{"email": {"ny@aarhus.test.dk"}}); st != http.StatusUnprocessableEntity {
				t.Errorf("recovery without who asked: %d, want 422", st)
			}
			if st, _ := post(t, admin, base, url.Values{"email": {"ny@aarhus.test.dk"}, "requested_by": {"Kommunaldirektør, telefon 2026-12-01"}}); st != http.StatusSeeOther {
				t.Fatalf("start recovery: %d", st)
			}
			mails, _ := s.Store.Outbox(ctx, 1000)
			told := false
			for _, m := range mails {
				if m.To == s.Fix.Users["A:coordinator"].Email && strings.Contains(m.Body, "ny@aarhus.test.dk") {
					told = true
				}
			}
			if !told {
				t.Error("the member's coordinator was not told of the recovery")
			}
			// The member's dashboard shows it, with a way to cancel.
			coord := s.Login(t, "A:coordinator")
			if _, body := get(t, coord, s.URL+"/"); !strings.Contains(body, "/org/recovery/cancel") {
				t.Error("the member's dashboard does not show the recovery")
			}
			// Before the waiting time, nothing can be sent.
			if st, _ := post(t, admin, base+"/invite", nil); st != http.StatusUnprocessableEntity {
				t.Errorf("invite before the waiting time: %d, want 422", st)
			}
			// The coordinator cancels; the centre starts again and waits this time.
			if st, _ := post(t, coord, s.URL+"/org/recovery/cancel", nil); st != http.StatusSeeOther {
				t.Fatalf("cancel: %d", st)
			}
			if st, _ := post(t, admin, base, url.Values{"email": {"ny@aarhus.test.dk"}, "requested_by": {"Kommunaldirektør"}}); st != http.StatusSeeOther {
				t.Fatalf("start again: %d", st)
			}
			now = now.Add(store.RecoveryWait + time.Hour)
			admin = s.Login(t, "centre-admin") // the earlier session has expired meanwhile
			if st, _ := post(t, admin, base+"/invite", nil); st != http.StatusSeeOther {
				t.Fatalf("invite after the waiting time: %d", st)
			}
			if st := acceptNew(t, s, lastInvite(t, s, "ny@aarhus.test.dk")); st != http.StatusSeeOther {
				t.Fatalf("accept the recovery invitation: %d", st)
			}
			u, err := s.Store.UserByEmail(ctx, "ny@aarhus.test.dk")
			if err != nil {
				t.Fatal(err)
			}
			if mb, err := s.Store.OrgUser(ctx, s.Fix.A.ID, u.ID); err != nil || mb.Role != vaern.RoleCoordinator {
				t.Errorf("recovered coordinator: %+v %v", mb, err)
			}
			if a, _ := s.Store.Org(ctx, s.Fix.A.ID, s.Fix.A.ID); a.CentreJoinedAt.IsZero() {
				t.Error("the recovery does not make the member dependent for a while")
			}
			recs, _ := s.Store.Recoveries(ctx, s.Fix.A.ID)
			if len(recs) != 2 || recs[0].Status != "completed" || recs[1].Status != "cancelled" {
				t.Errorf("recoveries: %+v", recs)
			}
		})
	}
}

var _ = json.Marshal
