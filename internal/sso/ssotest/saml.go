package ssotest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/logger"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/vaern/vaern/internal/sso"
)

// SAMLIdP is a running SAML identity provider (crewjam/saml's IdentityProvider, the core of its
// samlidp server) that asserts Session for every request, to the service providers added with
// AddSP. Tests change Session, Clock, Audience or Plain between sign-ins.
type SAMLIdP struct {
	IDP *saml.IdentityProvider
	URL string

	mu sync.Mutex
	// Session is what the next sign-in asserts.
	Session saml.Session
	// Audience, when set, replaces the SP's entity id in the next assertions (another audience).
	Audience string
	// Plain strips the SP's encryption key from what the IdP knows, so assertions go unencrypted.
	Plain bool
	sps   map[string]*saml.EntityDescriptor
	extra []*x509.Certificate
	// participants are the service providers each IdP session signed into (for single logout);
	// Ended lists the sessions a LogoutRequest from a service provider ended.
	participants map[string][]saml.SessionParticipant
	Ended        []string
}

// StartSAMLIdP runs an IdP signing with RSA-SHA256 until the test ends.
func StartSAMLIdP(t testing.TB) *SAMLIdP {
	t.Helper()
	keyPEM, certPEM, err := sso.NewKeyPair("Test IdP", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := sso.ParseKeyPair(keyPEM, certPEM)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(nil)
	base, _ := url.Parse("http://" + srv.Listener.Addr().String())
	i := &SAMLIdP{URL: base.String(), sps: map[string]*saml.EntityDescriptor{}, participants: map[string][]saml.SessionParticipant{},
		Session: saml.Session{ID: "s1", Index: "idx-s1", NameID: "alice", UserEmail: "alice@example.dk", UserCommonName: "Alice Example"}}
	i.IDP = &saml.IdentityProvider{Key: key, Signer: key, Certificate: cert, MetadataURL: *base.ResolveReference(&url.URL{Path: "/metadata"}),
		SSOURL: *base.ResolveReference(&url.URL{Path: "/sso"}), SignatureMethod: dsig.RSASHA256SignatureMethod,
		LogoutURL: *base.ResolveReference(&url.URL{Path: "/slo"}), LogoutBindings: []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
		ServiceProviderProvider: i, SessionProvider: i, Logger: logger.DefaultLogger,
		OnError: func(w http.ResponseWriter, _ *http.Request, status int, err error) {
			http.Error(w, err.Error(), status)
		}}
	mux := http.NewServeMux()
	mux.HandleFunc("/sso", i.IDP.ServeSSO)
	mux.HandleFunc("/slo", i.IDP.ServeSLO)
	// IdP-initiated single logout of the session named by ?session= (the IdP's own sign-out).
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		i.IDP.StartLogout(w, r, &saml.Session{ID: r.URL.Query().Get("session")}, i.URL+"/logged-out")
	})
	mux.HandleFunc("/logged-out", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "signed out at the IdP") })
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return i
}

// Key is the IdP's signing key (to sign with another algorithm in a test).
func (i *SAMLIdP) Key() *rsa.PrivateKey { return i.IDP.Key.(*rsa.PrivateKey) }

// AddCertificate puts a further signing certificate in the metadata (a rollover's next one).
func (i *SAMLIdP) AddCertificate(c *x509.Certificate) { i.extra = append(i.extra, c) }

// Metadata is the IdP's metadata document, with every signing certificate.
func (i *SAMLIdP) Metadata(t testing.TB) []byte {
	t.Helper()
	md := i.IDP.Metadata()
	for _, c := range i.extra {
		kd := saml.KeyDescriptor{Use: "signing", KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
			X509Certificates: []saml.X509Certificate{{Data: b64(c.Raw)}}}}}
		md.IDPSSODescriptors[0].KeyDescriptors = append([]saml.KeyDescriptor{kd}, md.IDPSSODescriptors[0].KeyDescriptors...)
	}
	b, err := xml.Marshal(md)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// AddSP fetches a service provider's metadata and trusts it.
func (i *SAMLIdP) AddSP(t testing.TB, metadataURL string) {
	t.Helper()
	resp, err := http.Get(metadataURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("SP metadata: %d %s", resp.StatusCode, b)
	}
	ed, err := samlsp.ParseMetadata(b)
	if err != nil {
		t.Fatalf("SP metadata: %v", err)
	}
	i.mu.Lock()
	i.sps[ed.EntityID] = ed
	i.mu.Unlock()
}

// AddSPMetadata trusts a service provider's metadata as it is.
func (i *SAMLIdP) AddSPMetadata(ed *saml.EntityDescriptor) {
	i.mu.Lock()
	i.sps[ed.EntityID] = ed
	i.mu.Unlock()
}

// GetServiceProvider implements saml.ServiceProviderProvider.
func (i *SAMLIdP) GetServiceProvider(_ *http.Request, id string) (*saml.EntityDescriptor, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	ed, ok := i.sps[id]
	if !ok {
		return nil, os.ErrNotExist
	}
	cp := *ed
	if i.Audience != "" {
		cp.EntityID = i.Audience
	}
	if i.Plain {
		var sps []saml.SPSSODescriptor
		for _, d := range cp.SPSSODescriptors {
			var keys []saml.KeyDescriptor
			for _, k := range d.KeyDescriptors {
				if k.Use != "encryption" {
					keys = append(keys, k)
				}
			}
			d.KeyDescriptors = keys
			sps = append(sps, d)
		}
		cp.SPSSODescriptors = sps
	}
	return &cp, nil
}

// GetSession implements saml.SessionProvider: everybody is signed in as Session.
func (i *SAMLIdP) GetSession(http.ResponseWriter, *http.Request, *saml.IdpAuthnRequest) *saml.Session {
	i.mu.Lock()
	defer i.mu.Unlock()
	s := i.Session
	now := time.Now()
	if i.IDP.Clock != nil {
		now = i.IDP.Clock.Now()
	}
	s.CreateTime, s.ExpireTime = now, now.Add(time.Hour)
	return &s
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	formField  = regexp.MustCompile(`<input type="hidden" name="(SAMLResponse|RelayState)" value="([^"]*)"`)
)

// Response follows a sign-in that starts at start (Værn's /sso/{id}/login) to the IdP and returns
// the response form the IdP gives the browser: where it posts, and its fields (not yet posted).
func (i *SAMLIdP) Response(t testing.TB, c *http.Client, start string) (acs string, form url.Values) {
	t.Helper()
	resp := get(t, c, start)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", resp.StatusCode)
	}
	return i.ResponseAt(t, c, resp.Header.Get("Location"))
}

// ResponseAt is Response from the IdP's own sign-in URL (an AuthnRequest in the redirect binding).
func (i *SAMLIdP) ResponseAt(t testing.TB, c *http.Client, idpURL string) (acs string, form url.Values) {
	t.Helper()
	resp := get(t, c, idpURL)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("IdP: %d %.500s", resp.StatusCode, b)
	}
	m := formAction.FindSubmatch(b)
	if m == nil {
		t.Fatalf("IdP answer has no form: %.500s", b)
	}
	form = url.Values{}
	for _, f := range formField.FindAllSubmatch(b, -1) {
		form.Set(string(f[1]), html.UnescapeString(string(f[2])))
	}
	return html.UnescapeString(string(m[1])), form
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// AddSessionParticipant implements saml.SessionParticipantTracker.
func (i *SAMLIdP) AddSessionParticipant(_ *http.Request, s *saml.Session, p saml.SessionParticipant) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, x := range i.participants[s.ID] {
		if x == p {
			return nil
		}
	}
	i.participants[s.ID] = append(i.participants[s.ID], p)
	return nil
}

// SessionParticipants implements saml.SessionParticipantTracker: the sessions are the ones
// sign-ins were made with (Session at the time), named by ID.
func (i *SAMLIdP) SessionParticipants(_ *http.Request, match func(*saml.Session) bool) ([]saml.SessionParticipant, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	var out []saml.SessionParticipant
	for id, ps := range i.participants {
		s := &saml.Session{ID: id}
		if len(ps) > 0 {
			s.NameID, s.Index = ps[0].NameID.Value, ps[0].SessionIndex
		}
		if match(s) {
			out = append(out, ps...)
		}
	}
	return out, nil
}

// InvalidateSession implements saml.SessionInvalidator: the sessions a service provider's
// LogoutRequest names are recorded in Ended and forgotten.
func (i *SAMLIdP) InvalidateSession(_ http.ResponseWriter, _ *http.Request, req *saml.IdpLogoutRequest) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	for id, ps := range i.participants {
		if len(ps) > 0 && req.MatchesSession(&saml.Session{ID: id, NameID: ps[0].NameID.Value, Index: ps[0].SessionIndex}) {
			i.Ended = append(i.Ended, id)
			delete(i.participants, id)
		}
	}
	return nil
}

// EndedSessions is a copy of Ended.
func (i *SAMLIdP) EndedSessions() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]string(nil), i.Ended...)
}
