package sso

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// MetadataLimits bound an IdP metadata document as uploaded (a federation's aggregate is far
// larger, but an operator imports one entity's metadata, not the federation's).
var MetadataLimits = inputguard.Limits{MaxBytes: 1 << 20, MaxDepth: 40, MaxTokens: 50000, Timeout: 10 * time.Second, Expansion: 20}

// ResponseLimits bound a SAML response posted to the ACS, before any XML is parsed.
var ResponseLimits = inputguard.Limits{MaxBytes: 512 << 10, MaxDepth: 40, MaxTokens: 20000}

// OIOSAML 3 (the Danish profile used by KOMBIT's context handler and MitID Erhverv).
const (
	NSISLow         = "https://data.gov.dk/concept/core/nsis/loa/Low"
	NSISSubstantial = "https://data.gov.dk/concept/core/nsis/loa/Substantial"
	NSISHigh        = "https://data.gov.dk/concept/core/nsis/loa/High"
	// The attributes OIOSAML 3 names.
	oioLoA        = "https://data.gov.dk/concept/core/nsis/loa"
	oioEmail      = "https://data.gov.dk/model/core/eid/email"
	oioFullName   = "https://data.gov.dk/model/core/eid/fullName"
	oioPrivileges = "https://data.gov.dk/model/core/eid/privilegesIntermediate"
	oioUUID       = "https://data.gov.dk/model/core/eid/professional/uuid/persistent"
)

var nsisRank = map[string]int{NSISLow: 1, NSISSubstantial: 2, NSISHigh: 3, "Low": 1, "Substantial": 2, "High": 3}

// nsisAtLeast is the "minimum" comparison of NSIS levels: the level got is the one asked for or higher.
func nsisAtLeast(comparison string, requested []string, got string) bool {
	if comparison != "minimum" || len(requested) == 0 {
		return false
	}
	g, ok := nsisRank[got]
	return ok && g >= nsisRank[requested[0]]
}

// CheckMetadata reads an IdP's metadata document, within MetadataLimits, and returns its entity id.
func CheckMetadata(ctx context.Context, data []byte) (string, error) {
	ctx, done, err := inputguard.Admit(ctx, MetadataLimits, len(data))
	if err != nil {
		return "", vaern.Invalid("metadata", "%s", err.Error())
	}
	defer done()
	if err := MetadataLimits.CheckXML(data); err != nil {
		return "", vaern.Invalid("metadata", "%s", err.Error())
	}
	ed, err := samlsp.ParseMetadata(data)
	if err != nil {
		return "", vaern.Invalid("metadata", "is not SAML metadata: %s", err.Error())
	}
	if err := MetadataLimits.Err(ctx); err != nil {
		return "", vaern.Invalid("metadata", "%s", err.Error())
	}
	if len(ed.IDPSSODescriptors) == 0 || ed.EntityID == "" {
		return "", vaern.Invalid("metadata", "describes no identity provider")
	}
	certs := 0
	for _, d := range ed.IDPSSODescriptors {
		for _, k := range d.KeyDescriptors {
			if k.Use == "" || k.Use == "signing" {
				certs += len(k.KeyInfo.X509Data.X509Certificates)
			}
		}
	}
	if certs == 0 {
		return "", vaern.Invalid("metadata", "has no signing certificate")
	}
	return ed.EntityID, nil
}

// ReplayCache records accepted assertion ids where every app node sees them (the store).
type ReplayCache interface {
	ConsumeAssertion(ctx context.Context, id string, expires time.Time) error
}

type replayAdapter struct{ c ReplayCache }

func (r replayAdapter) Consume(id string, expires time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return r.c.ConsumeAssertion(ctx, id, expires)
}

// SPURLs are the service provider's addresses for one provider: its entity id is its metadata URL.
func SPURLs(base string, id int64) (metadata, acs url.URL) {
	m, _ := url.Parse(fmt.Sprintf("%s/sso/%d/metadata", strings.TrimRight(base, "/"), id))
	a, _ := url.Parse(fmt.Sprintf("%s/sso/%d/acs", strings.TrimRight(base, "/"), id))
	return *m, *a
}

// SLOURL is the service provider's single logout service for one provider.
func SLOURL(base string, id int64) url.URL {
	u, _ := url.Parse(fmt.Sprintf("%s/sso/%d/slo", strings.TrimRight(base, "/"), id))
	return *u
}

// ServiceProvider is the SAML service provider Værn is towards provider p: it signs its
// AuthnRequests (RSA-SHA256), refuses SHA-1 signatures, decrypts encrypted assertions with its own
// key, records every accepted assertion in the replay cache, and trusts every signing certificate
// in the IdP's metadata (two during a certificate rollover). With the OIOSAML 3 profile it asks
// for a persistent NameID and an NSIS assurance level with comparison "minimum", and checks the
// level it gets.
func ServiceProvider(p vaern.IdentityProvider, base string, replay ReplayCache, clock *dsig.Clock) (*saml.ServiceProvider, error) {
	ed, err := samlsp.ParseMetadata([]byte(p.Metadata))
	if err != nil {
		return nil, fmt.Errorf("idp metadata: %w", err)
	}
	key, cert, err := ParseKeyPair(p.SPKey, p.SPCert)
	if err != nil {
		return nil, err
	}
	meta, acs := SPURLs(base, p.ID)
	sp := &saml.ServiceProvider{
		EntityID: meta.String(), Key: key, Certificate: cert, MetadataURL: meta, AcsURL: acs, IDPMetadata: ed,
		SloURL: SLOURL(base, p.ID), LogoutBindings: []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
		SignatureMethod:                  dsig.RSASHA256SignatureMethod,
		RejectSHA1Signatures:             true,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		AuthnNameIDFormat:                saml.UnspecifiedNameIDFormat,
		MetadataValidDuration:            7 * 24 * time.Hour,
		Clock:                            clock,
		RequireStandardArtifacts:         true,
	}
	if replay != nil {
		sp.ReplayCache = replayAdapter{replay}
	}
	if p.Profile == vaern.ProfileOIOSAML3 {
		level := NSISSubstantial
		if len(p.ACRValues) > 0 {
			level = p.ACRValues[0]
		}
		sp.AuthnNameIDFormat = saml.PersistentNameIDFormat
		sp.RequestedAuthnContext = &saml.RequestedAuthnContext{Comparison: "minimum", AuthnContextClassRef: level}
		sp.ValidateAuthnContextClassRef = true
		sp.AuthnContextClassRefComparator = nsisAtLeast
	} else if len(p.ACRValues) > 0 {
		sp.RequestedAuthnContext = &saml.RequestedAuthnContext{Comparison: "exact", AuthnContextClassRef: p.ACRValues[0]}
		sp.ValidateAuthnContextClassRef = true
	}
	return sp, nil
}

// AuthnRequest makes a signed AuthnRequest. With the IdP's HTTP-Redirect endpoint it returns the
// URL to send the browser to; else the POST binding's destination and the encoded request, for a
// form the browser posts.
func AuthnRequest(sp *saml.ServiceProvider, relayState string) (id, redirect, postURL, postValue string, err error) {
	if loc := sp.GetSSOBindingLocation(saml.HTTPRedirectBinding); loc != "" {
		req, err := sp.MakeAuthenticationRequest(loc, saml.HTTPRedirectBinding, saml.HTTPPostBinding)
		if err != nil {
			return "", "", "", "", err
		}
		u, err := req.Redirect(relayState, sp)
		if err != nil {
			return "", "", "", "", err
		}
		return req.ID, u.String(), "", "", nil
	}
	loc := sp.GetSSOBindingLocation(saml.HTTPPostBinding)
	if loc == "" {
		return "", "", "", "", errors.New("the IdP's metadata has no HTTP-Redirect or HTTP-POST sign-in endpoint")
	}
	req, err := sp.MakeAuthenticationRequest(loc, saml.HTTPPostBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", "", "", err
	}
	var buf bytes.Buffer
	doc := req.Element()
	b, err := ElementBytes(doc)
	if err != nil {
		return "", "", "", "", err
	}
	buf.Write(b)
	return req.ID, "", loc, base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// ParseResponse checks a posted SAML response (HTTP-POST binding) against the request the browser
// started, and returns the person it names. Artifacts are refused: the ACS takes POST only.
func ParseResponse(ctx context.Context, sp *saml.ServiceProvider, p vaern.IdentityProvider, r *http.Request, requestID string) (Asserted, error) {
	if r.PostForm.Get("SAMLart") != "" {
		return Asserted{}, errors.New("the artifact binding is not accepted")
	}
	raw := r.PostForm.Get("SAMLResponse")
	if raw == "" {
		return Asserted{}, errors.New("no SAMLResponse")
	}
	if err := ResponseLimits.CheckSize(len(raw)); err != nil {
		return Asserted{}, err
	}
	if dec, err := base64.StdEncoding.DecodeString(raw); err == nil {
		if err := ResponseLimits.CheckXML(dec); err != nil {
			return Asserted{}, err
		}
	}
	as, err := sp.ParseResponse(r, []string{requestID})
	if err != nil {
		var ire *saml.InvalidResponseError
		if errors.As(err, &ire) && ire.PrivateErr != nil {
			return Asserted{}, fmt.Errorf("saml response: %w", ire.PrivateErr)
		}
		return Asserted{}, fmt.Errorf("saml response: %w", err)
	}
	return fromAssertion(p, as)
}

func fromAssertion(p vaern.IdentityProvider, as *saml.Assertion) (Asserted, error) {
	a := Asserted{}
	if as.Subject == nil || as.Subject.NameID == nil || as.Subject.NameID.Value == "" {
		return a, errors.New("the assertion names no subject")
	}
	if p.Profile == vaern.ProfileOIOSAML3 && as.Subject.NameID.Format != string(saml.PersistentNameIDFormat) {
		return a, fmt.Errorf("OIOSAML 3: the NameID is not persistent (%q)", as.Subject.NameID.Format)
	}
	a.Subject = as.Subject.NameID.Value
	for _, st := range as.AuthnStatements {
		if st.SessionIndex != "" {
			a.Session = st.SessionIndex
			break
		}
	}
	if len(a.Session) > 500 {
		return a, errors.New("the SessionIndex is too long")
	}
	attrs := map[string][]string{}
	for _, st := range as.AttributeStatements {
		for _, at := range st.Attributes {
			for _, v := range at.Values {
				attrs[at.Name] = append(attrs[at.Name], v.Value)
				if at.FriendlyName != "" && at.FriendlyName != at.Name {
					attrs[at.FriendlyName] = append(attrs[at.FriendlyName], v.Value)
				}
			}
		}
	}
	first := func(names ...string) string {
		for _, n := range names {
			if v := attrs[n]; len(v) > 0 && v[0] != "" {
				return v[0]
			}
		}
		return ""
	}
	emailNames := []string{p.ClaimEmail, "email", "mail", "urn:oid:0.9.2342.19200300.100.1.3",
		"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", oioEmail}
	nameNames := []string{p.ClaimName, "name", "displayName", "urn:oid:2.16.840.1.113730.3.1.241", "cn", "urn:oid:2.5.4.3",
		"http://schemas.microsoft.com/identity/claims/displayname", oioFullName}
	groupName := orDefault(p.ClaimGroups, "groups")
	a.Email = strings.ToLower(strings.TrimSpace(first(emailNames...)))
	a.Name = strings.TrimSpace(first(nameNames...))
	groups, err := flatten(attrs[groupName])
	if err != nil {
		return a, err
	}
	a.Groups = groups
	if p.Profile == vaern.ProfileOIOSAML3 {
		// The level in the attribute, when the IdP sends it, must meet the level asked for too.
		if loa := first(oioLoA); loa != "" {
			want := NSISSubstantial
			if len(p.ACRValues) > 0 {
				want = p.ACRValues[0]
			}
			if !nsisAtLeast("minimum", []string{want}, loa) {
				return a, fmt.Errorf("OIOSAML 3: assurance level %q is below %q", loa, want)
			}
		}
		for _, v := range attrs[oioPrivileges] {
			privs, err := Privileges(v)
			if err != nil {
				return a, err
			}
			a.Groups = append(a.Groups, privs...)
		}
		if len(a.Groups) > maxGroups {
			return a, fmt.Errorf("more than %d privileges", maxGroups)
		}
	}
	return a, nil
}

// Privileges reads OIOSAML's basic privilege profile (the privilegesIntermediate attribute: a
// base64-encoded PrivilegeList) and returns each privilege, as "privilege" and "scope|privilege".
func Privileges(v string) ([]string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return nil, fmt.Errorf("privileges: not base64: %w", err)
	}
	lim := inputguard.Limits{MaxBytes: 256 << 10, MaxDepth: 10, MaxTokens: 5000}
	if err := lim.CheckSize(len(b)); err != nil {
		return nil, err
	}
	if err := lim.CheckXML(b); err != nil {
		return nil, err
	}
	var list struct {
		Groups []struct {
			Scope      string   `xml:"Scope,attr"`
			Privileges []string `xml:"Privilege"`
		} `xml:"PrivilegeGroup"`
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&list); err != nil && err != io.EOF {
		return nil, fmt.Errorf("privileges: %w", err)
	}
	var out []string
	for _, g := range list.Groups {
		for _, p := range g.Privileges {
			p = strings.TrimSpace(p)
			out = append(out, p)
			if g.Scope != "" {
				out = append(out, g.Scope+"|"+p)
			}
		}
	}
	return out, nil
}

// ParseKeyPair reads the service provider's key and certificate (PEM).
func ParseKeyPair(keyPEM, certPEM string) (*rsa.PrivateKey, *x509.Certificate, error) {
	kb, _ := pem.Decode([]byte(keyPEM))
	cb, _ := pem.Decode([]byte(certPEM))
	if kb == nil || cb == nil {
		return nil, nil, errors.New("service provider key pair: not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("service provider key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, errors.New("service provider key: not RSA")
	}
	c, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("service provider certificate: %w", err)
	}
	return rk, c, nil
}
