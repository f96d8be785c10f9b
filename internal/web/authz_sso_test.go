package web_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/testserver"
)

// Single sign-on's ids. "idp" names one of the organisation's own providers on its admin pages
// (another organisation's answers 404). "idp_public" names any provider on the public ends of
// the flow, which anyone may reach, so there is no foreign id to refuse. "identity" is one of the
// signed-in user's own identities (another user's answers 404).
var ssoFix = struct {
	sync.Mutex
	meta    []byte
	public  map[string]int64 // server URL + org id → a SAML provider kept for the public routes
	fresh   map[string][]int64
	subject int
}{public: map[string]int64{}, fresh: map[string][]int64{}}

func samlMetadata(t *testing.T) []byte {
	ssoFix.Lock()
	defer ssoFix.Unlock()
	if ssoFix.meta == nil {
		ssoFix.meta = ssotest.StartSAMLIdP(t).Metadata(t)
	}
	return ssoFix.meta
}

// publicProvider is one SAML provider of org, made once per server: its flow needs no network.
func publicProvider(t *testing.T, s *testserver.Server, org vaern.Org) int64 {
	t.Helper()
	meta := samlMetadata(t)
	key := fmt.Sprintf("%s|%d", s.URL, org.ID)
	ssoFix.Lock()
	defer ssoFix.Unlock()
	if id, ok := ssoFix.public[key]; ok {
		return id
	}
	entity, err := sso.CheckMetadata(context.Background(), meta)
	if err != nil {
		t.Fatal(err)
	}
	k, c, err := sso.NewKeyPair("authz", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Store.CreateIdentityProvider(context.Background(), vaern.System("authz-test"), org.ID, vaern.IdentityProvider{
		Kind: vaern.IdPSAML, Name: "Public IdP", Issuer: entity, Metadata: string(meta), SPKey: k, SPCert: c})
	if err != nil {
		t.Fatal(err)
	}
	ssoFix.public[key] = p.ID
	return p.ID
}

// freshProvider makes a new OIDC provider in org and removes the ones made before it (a
// destructive route takes one away; an organisation has at most ten).
func freshProvider(t *testing.T, s *testserver.Server, org vaern.Org) int64 {
	t.Helper()
	ctx := context.Background()
	key := fmt.Sprintf("%s|%d", s.URL, org.ID)
	ssoFix.Lock()
	old := ssoFix.fresh[key]
	ssoFix.fresh[key] = nil
	ssoFix.subject++
	n := ssoFix.subject
	ssoFix.Unlock()
	for _, id := range old {
		_ = s.Store.DeleteIdentityProvider(ctx, vaern.System("authz-test"), org.ID, id)
	}
	p, err := s.Store.CreateIdentityProvider(ctx, vaern.System("authz-test"), org.ID, vaern.IdentityProvider{Kind: vaern.IdPOIDC,
		Name: fmt.Sprintf("IdP %d", n), Issuer: "https://idp.example.dk", ClientID: "vaern", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ssoFix.Lock()
	ssoFix.fresh[key] = append(ssoFix.fresh[key], p.ID)
	ssoFix.Unlock()
	return p.ID
}

// linkedIdentity links a fresh subject at org's public provider to the user and returns its id.
func linkedIdentity(t *testing.T, s *testserver.Server, org vaern.Org, u vaern.User) string {
	t.Helper()
	ctx := context.Background()
	pid := publicProvider(t, s, org)
	ssoFix.Lock()
	ssoFix.subject++
	sub := fmt.Sprintf("subject-%d", ssoFix.subject)
	ssoFix.Unlock()
	if err := s.Store.LinkIdentity(ctx, vaern.System("authz-test"), org.ID, u.ID, pid, sub); err != nil {
		t.Fatal(err)
	}
	ids, err := s.Store.UserIdentities(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range ids {
		if x.Subject == sub {
			return fmt.Sprint(x.ID)
		}
	}
	t.Fatal("linked identity not found")
	return ""
}

func init() {
	idKinds["idp"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(freshProvider(t, s, memberOf(s, role)))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(publicProvider(t, s, s.Fix.B)), true
		},
	}
	idKinds["idp_public"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(publicProvider(t, s, memberOf(s, role)))
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "", false },
	}
	idKinds["passkey"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return storedPasskey(t, s, memberOf(s, role), s.Fix.Users[role])
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return storedPasskey(t, s, s.Fix.B, s.Fix.Users["B:viewer"]), true
		},
	}
	idKinds["identity"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return linkedIdentity(t, s, memberOf(s, role), s.Fix.Users[role])
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return linkedIdentity(t, s, s.Fix.B, s.Fix.Users["B:viewer"]), true
		},
	}
}

// storedPasskey stores a passkey record for the user (not a usable credential: the routes it is
// for only list and delete).
func storedPasskey(t *testing.T, s *testserver.Server, org vaern.Org, u vaern.User) string {
	t.Helper()
	ssoFix.Lock()
	ssoFix.subject++
	n := ssoFix.subject
	ssoFix.Unlock()
	p, err := s.Store.AddPasskey(context.Background(), vaern.System("authz-test"), org.ID, u.ID, fmt.Sprintf("cred-%d", n), "key", "{}")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(p.ID)
}
