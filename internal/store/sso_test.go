package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func oidcIdP(name string) vaern.IdentityProvider {
	return vaern.IdentityProvider{Kind: vaern.IdPOIDC, Name: name, Issuer: "https://login.example.dk/tenant/v2.0",
		ClientID: "vaern", ClientSecret: "s3cret"}
}

// TestSSOProvidersTenantScoped: a provider belongs to one organisation; another organisation
// neither lists, reads nor deletes it, and its secret is never read back.
func TestSSOProvidersTenantScoped(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		p := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, oidcIdP("Aarhus Entra ID")))(t)
		if p.ClientSecret != "" || !p.HasSecret {
			t.Fatalf("created provider shows its secret or forgets it: %+v", p)
		}
		if got := must(s.IdentityProviders(f.ctx, f.A.Org.ID))(t); len(got) != 1 || got[0].ClientSecret != "" || !got[0].HasSecret {
			t.Fatalf("A's providers = %+v", got)
		}
		if got := must(s.IdentityProviders(f.ctx, f.B.Org.ID))(t); len(got) != 0 {
			t.Fatalf("B sees A's provider: %+v", got)
		}
		if _, err := s.IdentityProvider(f.ctx, f.B.Org.ID, p.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B reads A's provider: %v", err)
		}
		if err := s.DeleteIdentityProvider(f.ctx, f.coordB(), f.B.Org.ID, p.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B deletes A's provider: %v", err)
		}
		if flow := must(s.ProviderForFlow(f.ctx, p.ID))(t); flow.ClientSecret != "s3cret" {
			t.Fatalf("the flow does not get the secret")
		}
		// A member's provider never gives a centre role, by default or by map.
		bad := oidcIdP("x")
		bad.DefaultRole = vaern.RoleCentreAdmin
		if _, err := s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, bad); err == nil {
			t.Fatal("a member's provider with a centre default role was accepted")
		}
		bad = oidcIdP("y")
		bad.RoleMap = []vaern.GroupRole{{Group: "admins", Role: vaern.RoleCentreAdmin}}
		if _, err := s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, bad); err == nil {
			t.Fatal("a member's provider mapping to a centre role was accepted")
		}
		if _, err := s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, oidcIdP("Aarhus Entra ID")); err == nil {
			t.Fatal("a second provider with the same name was accepted")
		}
		c := must(s.CreateIdentityProvider(f.ctx, f.centreAdmin(), f.Centre.ID, oidcIdP("Centre")))(t)
		if c.DefaultRole != vaern.RoleCentreAnalyst {
			t.Fatalf("centre provider's default role = %s", c.DefaultRole)
		}
		if list := must(s.SignInProviders(f.ctx))(t); len(list) != 2 {
			t.Fatalf("sign-in providers = %+v", list)
		}
		must(0, s.DeleteIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, p.ID))(t)
	})
}

// TestSSOSignIn: who an external sign-in reaches, on both engines.
func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		pre := oidcIdP("Aarhus")
		p := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, pre))(t)
		// Pre-created user, found by e-mail and linked on first sign-in.
		u, org, err := s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: p.ID, Subject: "sub-resp", Email: "Respondent@aarhus.dk"}, "192.0.2.1")
		if err != nil || u.ID != f.A.Respondent.ID || org != f.A.Org.ID {
			t.Fatalf("pre-created: %v %v %d", u, err, org)
		}
		// Next time by subject, whatever e-mail the IdP now says.
		u, _, err = s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: p.ID, Subject: "sub-resp", Email: "renamed@aarhus.dk"}, "")
		if err != nil || u.ID != f.A.Respondent.ID {
			t.Fatalf("by subject: %v %v", u, err)
		}
		ids := must(s.UserIdentities(f.ctx, f.A.Respondent.ID))(t)
		if len(ids) != 2 || ids[1].ProviderID != p.ID || ids[1].Name != "Aarhus" {
			t.Fatalf("identities = %+v", ids)
		}
		// A's IdP asserting the e-mail of B's coordinator signs nobody in (and into B never).
		if _, _, err := s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: p.ID, Subject: "sub-b", Email: "coordinator@bergen.no"}, ""); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("A's IdP reached B's user: %v", err)
		}
		// Without JIT, an unknown person is not created.
		if _, _, err := s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: p.ID, Subject: "sub-new", Email: "new@aarhus.dk"}, ""); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("unknown without JIT: %v", err)
		}
		// With JIT: created in A with the role given; a centre role is refused.
		jit := oidcIdP("Aarhus JIT")
		jit.JIT = true
		pj := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, jit))(t)
		if _, _, err := s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: pj.ID, Subject: "sub-evil", Email: "evil@aarhus.dk", Role: vaern.RoleCentreAdmin}, ""); err == nil {
			t.Fatal("JIT gave a centre role through a member's IdP")
		}
		u, org, err = s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: pj.ID, Subject: "sub-new", Email: "new@aarhus.dk", Name: "Ny Person", Role: vaern.RoleViewer}, "")
		if err != nil || org != f.A.Org.ID {
			t.Fatalf("JIT: %v", err)
		}
		if m := must(s.OrgUser(f.ctx, f.A.Org.ID, u.ID))(t); m.Role != vaern.RoleViewer {
			t.Fatalf("JIT role = %s", m.Role)
		}
		if _, err := s.OrgUser(f.ctx, f.B.Org.ID, u.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("JIT user reached B: %v", err)
		}
		// JIT never takes over another organisation's user by e-mail.
		if _, _, err := s.SSOSignIn(f.ctx, store.ExternalSignIn{ProviderID: pj.ID, Subject: "sub-b2", Email: "viewer@bergen.no", Role: vaern.RoleViewer}, ""); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("JIT took over B's user: %v", err)
		}
		// Unlinking: the own identity, audited; the last way in is kept.
		ids = must(s.UserIdentities(f.ctx, u.ID))(t)
		var ext vaern.Identity
		for _, x := range ids {
			if x.ProviderID != 0 {
				ext = x
			}
		}
		if err := s.UnlinkIdentity(f.ctx, f.coordA(), f.A.Org.ID, u.ID, ext.ID); err == nil {
			t.Fatal("unlinked a JIT user's only way to sign in")
		}
		if err := s.UnlinkIdentity(f.ctx, f.coordB(), f.B.Org.ID, u.ID, ext.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("unlink through B: %v", err)
		}
		rid := must(s.UserIdentities(f.ctx, f.A.Respondent.ID))(t)[1].ID
		must(0, s.UnlinkIdentity(f.ctx, f.actor(f.A.Respondent, f.A.Org.ID, vaern.RoleRespondent), f.A.Org.ID, f.A.Respondent.ID, rid))(t)
		// Linking from the account page, then deleting the provider takes the identity with it.
		must(0, s.LinkIdentity(f.ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, p.ID, "sub-coord"))(t)
		if err := s.LinkIdentity(f.ctx, f.coordB(), f.B.Org.ID, f.B.Coordinator.ID, p.ID, "sub-x"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B linked A's provider: %v", err)
		}
		must(0, s.DeleteIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, p.ID))(t)
		if ids := must(s.UserIdentities(f.ctx, f.A.Coordinator.ID))(t); len(ids) != 1 {
			t.Fatalf("identities after deleting the provider: %+v", ids)
		}
	})
}

// TestSSOStateAndReplay: states are single use and expire; an assertion id is accepted once.
func TestSSOStateAndReplay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		p := must(s.CreateIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, oidcIdP("A")))(t)
		q := must(s.CreateIdentityProvider(f.ctx, f.coordB(), f.B.Org.ID, oidcIdP("B")))(t)
		st := store.SSOState{ID: "h1", ProviderID: p.ID, Nonce: "n", Verifier: "v", Next: "/x", ExpiresAt: f.clock.Now().Add(time.Minute)}
		must(0, s.PutSSOState(f.ctx, st))(t)
		if _, err := s.TakeSSOState(f.ctx, "h1", q.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("state taken for another provider: %v", err)
		}
		got := must(s.TakeSSOState(f.ctx, "h1", p.ID))(t)
		if got.Nonce != "n" || got.Verifier != "v" || got.Next != "/x" {
			t.Fatalf("state = %+v", got)
		}
		if _, err := s.TakeSSOState(f.ctx, "h1", p.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("state used twice: %v", err)
		}
		st.ID = "h2"
		must(0, s.PutSSOState(f.ctx, st))(t)
		f.clock.Add(2 * time.Minute)
		if _, err := s.TakeSSOState(f.ctx, "h2", p.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("expired state taken: %v", err)
		}
		exp := f.clock.Now().Add(5 * time.Minute)
		must(0, s.ConsumeAssertion(f.ctx, "_a1", exp))(t)
		if err := s.ConsumeAssertion(f.ctx, "_a1", exp); !errors.Is(err, store.ErrReplayed) {
			t.Fatalf("replayed assertion: %v", err)
		}
		// Signing in only through SSO needs a provider first.
		if err := s.SetOrgSignin(f.ctx, f.centreAdmin(), f.Centre.ID, vaern.SigninSSO); err == nil {
			t.Fatal("SSO required without a provider")
		}
		must(0, s.SetOrgSignin(f.ctx, f.coordA(), f.A.Org.ID, vaern.SigninSSO))(t)
		if v := must(s.OrgSignin(f.ctx, f.A.Org.ID))(t); v != vaern.SigninSSO {
			t.Fatalf("org signin = %q", v)
		}
		if v := must(s.OrgSignin(f.ctx, f.B.Org.ID))(t); v != vaern.SigninAny {
			t.Fatalf("B's signin = %q", v)
		}
		must(0, s.DeleteIdentityProvider(f.ctx, f.coordA(), f.A.Org.ID, p.ID))(t)
		if v := must(s.OrgSignin(f.ctx, f.A.Org.ID))(t); v != vaern.SigninAny {
			t.Fatalf("requirement kept without a provider: %q", v)
		}
	})
}

// TestPasskeysStore: a user's passkeys, reached only through their own organisation; a ceremony
// is used once.
func TestPasskeysStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		va := f.actor(f.A.Viewer, f.A.Org.ID, vaern.RoleViewer)
		pk := must(s.AddPasskey(f.ctx, va, f.A.Org.ID, f.A.Viewer.ID, "cred-1", "Laptop", `{"id":"x"}`))(t)
		if _, err := s.AddPasskey(f.ctx, va, f.A.Org.ID, f.A.Viewer.ID, "cred-1", "Again", "{}"); err == nil {
			t.Fatal("the same credential registered twice")
		}
		if _, err := s.AddPasskey(f.ctx, f.coordB(), f.B.Org.ID, f.A.Viewer.ID, "cred-2", "x", "{}"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("passkey added through B: %v", err)
		}
		if got := must(s.PasskeyByCredential(f.ctx, "cred-1"))(t); got.UserID != f.A.Viewer.ID || got.Name != "Laptop" {
			t.Fatalf("by credential: %+v", got)
		}
		must(0, s.UsedPasskey(f.ctx, pk.ID, `{"id":"y"}`))(t)
		if got := must(s.UserPasskeys(f.ctx, f.A.Viewer.ID))(t); len(got) != 1 || got[0].Data != `{"id":"y"}` || got[0].LastUsedAt.IsZero() {
			t.Fatalf("passkeys: %+v", got)
		}
		if err := s.DeletePasskey(f.ctx, f.coordB(), f.B.Org.ID, f.A.Viewer.ID, pk.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("deleted through B: %v", err)
		}
		if err := s.DeletePasskey(f.ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, pk.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("deleted as another user: %v", err)
		}
		must(0, s.DeletePasskey(f.ctx, va, f.A.Org.ID, f.A.Viewer.ID, pk.ID))(t)
		must(0, s.PutWebAuthnSession(f.ctx, "c1", f.A.Viewer.ID, "{}", f.clock.Now().Add(time.Minute)))(t)
		if uid, _, err := s.TakeWebAuthnSession(f.ctx, "c1"); err != nil || uid != f.A.Viewer.ID {
			t.Fatalf("ceremony: %d %v", uid, err)
		}
		if _, _, err := s.TakeWebAuthnSession(f.ctx, "c1"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("ceremony used twice: %v", err)
		}
		must(0, s.PutWebAuthnSession(f.ctx, "c2", 0, "{}", f.clock.Now().Add(time.Minute)))(t)
		f.clock.Add(2 * time.Minute)
		if _, _, err := s.TakeWebAuthnSession(f.ctx, "c2"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("expired ceremony: %v", err)
		}
	})
}
