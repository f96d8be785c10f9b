package sso_test

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/sso/ssotest"
)

type memReplay struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (m *memReplay) ConsumeAssertion(_ context.Context, id string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[id] {
		return saml.ErrAssertionReplayed
	}
	m.seen[id] = true
	return nil
}

func samlProvider(t *testing.T, idp *ssotest.SAMLIdP, profile string) vaern.IdentityProvider {
	t.Helper()
	meta := idp.Metadata(t)
	entity, err := sso.CheckMetadata(context.Background(), meta)
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := sso.NewKeyPair("sp", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return vaern.IdentityProvider{ID: 7, Kind: vaern.IdPSAML, Name: "IdP", Issuer: entity, Metadata: string(meta), Profile: profile,
		SPKey: key, SPCert: cert}
}

// signIn makes an AuthnRequest, has the IdP answer it, and parses the answer at the SP.
func signIn(t *testing.T, idp *ssotest.SAMLIdP, sp *saml.ServiceProvider, p vaern.IdentityProvider) (sso.Asserted, string, url.Values, error) {
	t.Helper()
	id, redirect, _, _, err := sso.AuthnRequest(sp, "relay")
	if err != nil {
		t.Fatal(err)
	}
	acs, form := idp.ResponseAt(t, http.DefaultClient, redirect)
	a, err := parse(t, sp, p, acs, form, id)
	return a, id, form, err
}

func parse(t *testing.T, sp *saml.ServiceProvider, p vaern.IdentityProvider, acs string, form url.Values, id string) (sso.Asserted, error) {
	req, _ := http.NewRequest(http.MethodPost, acs, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	return sso.ParseResponse(context.Background(), sp, p, req, id)
}

// TestSAMLReplayCache: the very same response for the very same request is accepted once.
func TestSAMLReplayCache(t *testing.T) {
	idp := ssotest.StartSAMLIdP(t)
	p := samlProvider(t, idp, "")
	sp, err := sso.ServiceProvider(p, "http://sp.test", &memReplay{seen: map[string]bool{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	idp.AddSPMetadata(sp.Metadata())
	a, id, form, err := signIn(t, idp, sp, p)
	if err != nil || a.Subject != "alice" || a.Email != "alice@example.dk" || a.Name != "Alice Example" {
		t.Fatalf("first: %+v %v", a, err)
	}
	if _, err := parse(t, sp, p, sp.AcsURL.String(), form, id); err == nil || !errors.Is(err, saml.ErrAssertionReplayed) && !strings.Contains(err.Error(), "already") {
		t.Fatalf("replay: %v", err)
	}
}

// TestOIOSAML3: the request asks for an NSIS level (comparison minimum) and a persistent NameID;
// the response must meet the level, and its privileges become groups.
func TestOIOSAML3(t *testing.T) {
	idp := ssotest.StartSAMLIdP(t)
	p := samlProvider(t, idp, vaern.ProfileOIOSAML3)
	sp, err := sso.ServiceProvider(p, "http://sp.test", &memReplay{seen: map[string]bool{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	idp.AddSPMetadata(sp.Metadata())
	_, redirect, _, _, err := sso.AuthnRequest(sp, "relay")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(redirect)
	raw, _ := base64.StdEncoding.DecodeString(u.Query().Get("SAMLRequest"))
	xml, _ := io.ReadAll(flate.NewReader(bytes.NewReader(raw)))
	for _, want := range []string{`Comparison="minimum"`, sso.NSISSubstantial, string(saml.PersistentNameIDFormat)} {
		if !strings.Contains(string(xml), want) {
			t.Errorf("AuthnRequest lacks %s: %s", want, xml)
		}
	}
	if u.Query().Get("Signature") == "" || !strings.Contains(u.Query().Get("SigAlg"), "rsa-sha256") {
		t.Errorf("AuthnRequest not signed with RSA-SHA256: %s", u.RawQuery)
	}
	privs := base64.StdEncoding.EncodeToString([]byte(`<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile">` +
		`<PrivilegeGroup Scope="urn:dk:gov:saml:cvrNumberIdentifier:29189846"><Privilege>urn:dk:vaern:coordinator</Privilege></PrivilegeGroup></bpp:PrivilegeList>`))
	idp.Session = saml.Session{ID: "s", NameID: "a0d3f0c2-persistent", NameIDFormat: string(saml.PersistentNameIDFormat),
		UserEmail: "k@aarhus.dk", AuthnContextClassRef: sso.NSISHigh,
		CustomAttributes: []saml.Attribute{{Name: "https://data.gov.dk/model/core/eid/privilegesIntermediate", NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
			Values: []saml.AttributeValue{{Type: "xs:string", Value: privs}}}}}
	a, _, _, err := signIn(t, idp, sp, p)
	if err != nil {
		t.Fatalf("OIOSAML 3 sign-in: %v", err)
	}
	found := false
	for _, g := range a.Groups {
		found = found || g == "urn:dk:vaern:coordinator"
	}
	if !found || a.Subject != "a0d3f0c2-persistent" {
		t.Fatalf("asserted %+v", a)
	}
	// Below the level asked for: refused.
	idp.Session.AuthnContextClassRef = sso.NSISLow
	if _, _, _, err := signIn(t, idp, sp, p); err == nil {
		t.Fatal("NSIS Low accepted where Substantial is required")
	}
	// A transient NameID: refused under the profile.
	idp.Session.AuthnContextClassRef = sso.NSISSubstantial
	idp.Session.NameIDFormat = string(saml.TransientNameIDFormat)
	if _, _, _, err := signIn(t, idp, sp, p); err == nil {
		t.Fatal("transient NameID accepted under OIOSAML 3")
	}
}
