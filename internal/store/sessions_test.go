package store_test

import (
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestSessionLoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ses := f.session(t, f.A.Respondent, f.A.Org.ID, "s-resp")
		p := must(s.LoadSession(f.ctx, "s-resp", t0, idle))(t)
		if p.User != f.A.Respondent || p.Org != f.A.Org || p.Role != vaern.RoleRespondent || p.UnitID != f.A.Dept.ID || p.Token != nil {
			t.Fatalf("principal = %+v", p)
		}
		if p.Session == nil || *p.Session != ses {
			t.Fatalf("session = %+v, want %+v", p.Session, ses)
		}
		wantErr(t, s.CreateSession(f.ctx, ses), vaern.ErrConflict)
		_, err := s.LoadSession(f.ctx, "no-such-session", t0, idle)
		wantErr(t, err, vaern.ErrNotFound)

		// A session bound to an organisation the user does not belong to never loads.
		f.session(t, f.A.Respondent, f.B.Org.ID, "s-foreign")
		if f.live(t, "s-foreign") {
			t.Fatal("session in a foreign organisation loads")
		}
		// The MFA flag round-trips.
		pending := vaern.Session{ID: "s-mfa", UserID: f.B.Viewer.ID, OrgID: f.B.Org.ID, MFAPending: true, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}
		ok(t, s.CreateSession(f.ctx, pending))
		if p := must(s.LoadSession(f.ctx, "s-mfa", t0, idle))(t); !p.Session.MFAPending || p.Org.ID != f.B.Org.ID || p.Role != vaern.RoleViewer {
			t.Fatalf("pending principal = %+v %+v", p, p.Session)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.session(t, f.A.Viewer, f.A.Org.ID, "s")
		cases := []struct {
			name  string
			touch time.Duration // last activity, from t0; negative: no touch
			at    time.Duration
			live  bool
		}{
			{"fresh", -1, 0, true},
			{"idle exactly the limit", -1, idle, true},
			{"idle one millisecond over", -1, idle + time.Millisecond, false},
			{"touched keeps it alive", 25 * time.Minute, 50 * time.Minute, true},
			{"touched, then idle too long", 25 * time.Minute, 55*time.Minute + time.Millisecond, false},
			{"active until just before absolute expiry", lifetime - time.Minute, lifetime - time.Millisecond, true},
			{"absolute expiry despite activity", lifetime - time.Minute, lifetime, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.touch >= 0 {
					ok(t, s.TouchSession(f.ctx, "s", t0.Add(c.touch)))
				}
				p, err := s.LoadSession(f.ctx, "s", t0.Add(c.at), idle)
				if !c.live {
					wantErr(t, err, vaern.ErrNotFound)
					return
				}
				ok(t, err)
				want := t0
				if c.touch >= 0 {
					want = t0.Add(c.touch)
				}
				if !p.Session.LastSeenAt.Equal(want) {
					t.Fatalf("LastSeenAt = %v, want %v", p.Session.LastSeenAt, want)
				}
			})
		}
	})
}

func TestSessionEndsWithMembershipOrUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.session(t, f.A.Viewer, f.A.Org.ID, "viewer")
		f.session(t, f.A.Respondent, f.A.Org.ID, "resp")
		f.token(t, f.A.Respondent, f.A.Org.ID, vaern.RoleRespondent, "cli", "resp-token")
		// Disabling the user (an operator's decision) ends sessions and tokens at once.
		exec(t, s, "UPDATE users SET disabled = ? WHERE id = ?", true, f.A.Respondent.ID)
		if f.live(t, "resp") {
			t.Fatal("disabled user's session loads")
		}
		_, err := s.LoadAPIToken(f.ctx, "resp-token", t0)
		wantErr(t, err, vaern.ErrNotFound)
		// A membership that is gone, even if the session row somehow survived, does not load.
		exec(t, s, "DELETE FROM memberships WHERE user_id = ? AND org_id = ?", f.A.Viewer.ID, f.A.Org.ID)
		if f.live(t, "viewer") {
			t.Fatal("session without membership loads")
		}
	})
}

func TestRotateSession(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		old := f.session(t, f.A.Coordinator, f.A.Org.ID, "pre-mfa")
		next := old
		next.ID, next.MFAPending = "post-mfa", false
		ok(t, s.RotateSession(f.ctx, "pre-mfa", next))
		if f.live(t, "pre-mfa") || !f.live(t, "post-mfa") {
			t.Fatal("rotation must invalidate the old id and create the new one")
		}
		// Switching organisation: a user with memberships in A and B moves to B.
		ok(t, s.AddMembership(f.ctx, f.coordB(), vaern.Membership{UserID: f.A.Coordinator.ID, OrgID: f.B.Org.ID, Role: vaern.RoleViewer}))
		sw := next
		sw.ID, sw.OrgID = "in-b", f.B.Org.ID
		ok(t, s.RotateSession(f.ctx, "post-mfa", sw))
		p := must(s.LoadSession(f.ctx, "in-b", t0, idle))(t)
		if p.Org.ID != f.B.Org.ID || p.Role != vaern.RoleViewer || f.live(t, "post-mfa") {
			t.Fatalf("after switch: org %d role %s", p.Org.ID, p.Role)
		}
		// Rotating onto an id in use fails and keeps the old session.
		f.session(t, f.B.Viewer, f.B.Org.ID, "taken")
		clash := sw
		clash.ID = "taken"
		wantErr(t, s.RotateSession(f.ctx, "in-b", clash), vaern.ErrConflict)
		if !f.live(t, "in-b") {
			t.Fatal("failed rotation deleted the old session")
		}
	})
}

func TestSignOutEverywhereAndUserSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u := f.A.Respondent
		ok(t, s.AddMembership(f.ctx, f.coordB(), vaern.Membership{UserID: u.ID, OrgID: f.B.Org.ID, Role: vaern.RoleViewer}))
		f.session(t, u, f.A.Org.ID, "a1")
		f.clock.Add(time.Minute)
		f.session(t, u, f.B.Org.ID, "b1")
		f.clock.Add(time.Minute)
		f.session(t, u, f.A.Org.ID, "a2")
		f.session(t, f.A.Viewer, f.A.Org.ID, "other-user")
		// An expired session is not listed.
		ok(t, s.CreateSession(f.ctx, vaern.Session{ID: "old", UserID: u.ID, OrgID: f.A.Org.ID, CreatedAt: t0.Add(-2 * lifetime),
			LastSeenAt: t0.Add(-2 * lifetime), ExpiresAt: t0.Add(-lifetime)}))

		list := must(s.UserSessions(f.ctx, u.ID, f.clock.Now()))(t)
		if len(list) != 3 || list[0].ID != "a2" || list[1].ID != "b1" || list[2].ID != "a1" {
			t.Fatalf("UserSessions = %+v", list)
		}
		self := f.actor(u, f.A.Org.ID, vaern.RoleRespondent)
		// A's coordinator cannot sign out a user of B.
		_, err := s.SignOutEverywhere(f.ctx, f.coordA(), f.A.Org.ID, f.B.Viewer.ID)
		wantErr(t, err, vaern.ErrNotFound)

		n := must(s.SignOutEverywhere(f.ctx, self, f.A.Org.ID, u.ID))(t)
		if n != 4 { // a1, b1, a2 and the expired one
			t.Fatalf("ended %d sessions, want 4", n)
		}
		e := f.wantAudit(t, f.A.Org.ID, self, "user.sign_out_everywhere", u.ID)
		if e.Detail != `{"sessions":4}` {
			t.Fatalf("detail = %s", e.Detail)
		}
		if list := must(s.UserSessions(f.ctx, u.ID, f.clock.Now()))(t); len(list) != 0 {
			t.Fatalf("sessions left: %+v", list)
		}
		if !f.live(t, "other-user") {
			t.Fatal("another user's session ended")
		}
		ok(t, s.DeleteSession(f.ctx, "other-user"))
		if f.live(t, "other-user") {
			t.Fatal("DeleteSession kept the session")
		}
	})
}

func TestPurgeSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		now := t0.Add(48 * time.Hour)
		mk := func(id string, lastSeen, expires time.Time) {
			ok(t, s.CreateSession(f.ctx, vaern.Session{ID: id, UserID: f.A.Viewer.ID, OrgID: f.A.Org.ID,
				CreatedAt: lastSeen, LastSeenAt: lastSeen, ExpiresAt: expires}))
		}
		mk("live", now.Add(-time.Minute), now.Add(time.Hour))
		mk("idle-at-limit", now.Add(-idle), now.Add(time.Hour)) // LoadSession still accepts it
		mk("idle-over", now.Add(-idle-time.Millisecond), now.Add(time.Hour))
		mk("expired-now", now.Add(-time.Minute), now)
		mk("expired-long-ago", now.Add(-30*time.Hour), now.Add(-20*time.Hour))

		f.clock.Set(now)
		wantLive := map[string]bool{"live": true, "idle-at-limit": true}
		for _, id := range []string{"live", "idle-at-limit", "idle-over", "expired-now", "expired-long-ago"} {
			if got := f.live(t, id); got != wantLive[id] {
				t.Fatalf("before purge: %s live = %v", id, got)
			}
		}
		n := must(s.PurgeSessions(f.ctx, now, idle))(t)
		if n != 3 {
			t.Fatalf("purged %d sessions, want 3", n)
		}
		left := count(t, s, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", f.A.Viewer.ID)
		if left != 2 || !f.live(t, "live") || !f.live(t, "idle-at-limit") {
			t.Fatalf("%d sessions left; the purge must keep exactly the ones LoadSession accepts", left)
		}

		// Link tokens are kept for 30 days after they expire, then purged.
		for i, exp := range []time.Duration{-31 * 24 * time.Hour, -29 * 24 * time.Hour, time.Hour} {
			_, err := s.CreateLinkToken(f.ctx, f.coordA(), vaern.LinkToken{Kind: "reset", Email: "viewer@aarhus.dk", UserID: f.A.Viewer.ID,
				OrgID: f.A.Org.ID, ExpiresAt: now.Add(exp)}, "link-"+itoa(int64(i)), vaern.Mail{To: "viewer@aarhus.dk", Subject: "Reset"})
			ok(t, err)
		}
		must(s.PurgeSessions(f.ctx, now, idle))(t)
		if n := count(t, s, "SELECT COUNT(*) FROM link_tokens"); n != 2 {
			t.Fatalf("%d link tokens left, want 2", n)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM link_tokens WHERE token_hash = 'link-0'"); n != 0 {
			t.Fatal("the link expired 31 days ago was kept")
		}
	})
}
