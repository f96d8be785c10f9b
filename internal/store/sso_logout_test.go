package store_test

import (
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestEndProviderSessions: a provider ends the sessions of its own provider session (sid), or of
// its subject, and nothing else: not another provider's, not a password session, not another
// subject's; the session keeps how it was signed in; a logout flow's state is never a sign-in's.
func TestEndProviderSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		p := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, oidcIdP("Aarhus Entra ID")))(t)
		q := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, oidcIdP("Aarhus ID-porten")))(t)
		now := s.Now()
		mk := func(id string, u vaern.User, idp int64, sid, sub string) {
			t.Helper()
			ses := vaern.Session{ID: id, UserID: u.ID, OrgID: f.A.Org.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour),
				AuthMethod: "oidc", IdPID: idp, IdPSession: sid, IdPSubject: sub, IdPIDToken: "tok-" + id}
			if idp == 0 {
				ses.AuthMethod = "password"
			}
			if err := s.CreateSession(f.ctx, ses); err != nil {
				t.Fatal(err)
			}
		}
		co, vi := f.A.Coordinator, f.A.Viewer
		mk("s1", co, p.ID, "sid-1", "sub-co")
		mk("s2", co, p.ID, "sid-2", "sub-co")
		mk("s3", co, q.ID, "sid-1", "sub-co")
		mk("s4", vi, p.ID, "sid-3", "sub-vi")
		mk("s5", co, 0, "", "")
		alive := func(id string) bool {
			_, err := s.LoadSession(f.ctx, id, s.Now(), time.Hour)
			return err == nil
		}
		if l := must(s.LoadSession(f.ctx, "s1", s.Now(), time.Hour))(t).Session; l.AuthMethod != "oidc" || l.IdPID != p.ID ||
			l.IdPSession != "sid-1" || l.IdPSubject != "sub-co" || l.IdPIDToken != "tok-s1" {
			t.Fatalf("session read back as %+v", l)
		}
		if _, err := s.EndProviderSessions(f.ctx, p.ID, "", "", ""); err == nil {
			t.Fatal("a logout naming no session was accepted")
		}
		if n := must(s.EndProviderSessions(f.ctx, p.ID, "sid-1", "", ""))(t); n != 1 || alive("s1") || !alive("s2") || !alive("s3") {
			t.Fatalf("by sid: %d ended; s1 %v s2 %v s3 %v", n, alive("s1"), alive("s2"), alive("s3"))
		}
		if n := must(s.EndProviderSessions(f.ctx, p.ID, "sid-2", "sub-vi", ""))(t); n != 0 || !alive("s2") {
			t.Fatalf("sid of one subject with another's sub ended %d", n)
		}
		if n := must(s.EndProviderSessions(f.ctx, p.ID, "", "sub-co", ""))(t); n != 1 || alive("s2") || !alive("s3") || !alive("s4") || !alive("s5") {
			t.Fatalf("by subject: %d ended", n)
		}
		// A logout's state is not taken by a sign-in's end, nor the other way round.
		exp := s.Now().Add(time.Minute)
		if err := s.PutSSOState(f.ctx, store.SSOState{ID: "out", ProviderID: p.ID, Kind: store.SSOLogout, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutSSOState(f.ctx, store.SSOState{ID: "in", ProviderID: p.ID, ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TakeSSOState(f.ctx, "out", p.ID); err == nil {
			t.Fatal("a sign-in took a logout's state")
		}
		if _, err := s.TakeSSOStateOf(f.ctx, "in", p.ID, store.SSOLogout); err == nil {
			t.Fatal("a logout took a sign-in's state")
		}
		if st := must(s.TakeSSOStateOf(f.ctx, "out", p.ID, store.SSOLogout))(t); st.Kind != store.SSOLogout {
			t.Fatalf("logout state: %+v", st)
		}
	})
}
