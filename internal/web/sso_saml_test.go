package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/sso/ssotest"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// addSAML registers the IdP as a SAML provider of org, and the provider's SP at the IdP.
func addSAML(t *testing.T, s *testserver.Server, idp *ssotest.SAMLIdP, org vaern.Org, name, profile string, jit bool) vaern.IdentityProvider {
	t.Helper()
	meta := idp.Metadata(t)
	entity, err := sso.CheckMetadata(context.Background(), meta)
	if err != nil {
		t.Fatal(err)
	}
	key, cert, err := sso.NewKeyPair("Værn "+name, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Store.CreateIdentityProvider(context.Background(), vaern.System("test"), org.ID, vaern.IdentityProvider{Kind: vaern.IdPSAML,
		Name: name, Issuer: entity, Metadata: string(meta), Profile: profile, SPKey: key, SPCert: cert, JIT: jit,
		ClaimGroups: "eduPersonAffiliation", RoleMap: []vaern.GroupRole{{Group: "staff", Role: vaern.RoleRespondent}}})
	if err != nil {
		t.Fatal(err)
	}
	idp.AddSP(t, fmt.Sprintf("%s/sso/%d/metadata", s.URL, p.ID))
	return p
}

// TestSAMLSignInEndToEnd signs in through an in-process SAML IdP on the real server, on both
// engines, and has every forged or stale response refused: a replayed assertion, an expired one,
// one for another audience, XML signature wrapping, SHA-1 signatures, and a response for a
// request this browser never made. The IdP signs with the second of two certificates in its
// metadata (a rollover), and encrypts its assertions to the SP's key.
func TestSAMLSignInEndToEnd(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{Log: testLog(t)})
			idp := ssotest.StartSAMLIdP(t)
			// Rollover: the metadata names an older certificate first, the one in use second.
			_, oldPEM, _ := sso.NewKeyPair("old", time.Now())
			_, oldCert, _ := sso.ParseKeyPair(mustKey(t), oldPEM)
			idp.AddCertificate(oldCert)
			p := addSAML(t, s, idp, s.Fix.A, "Aarhus AD FS", "", true)
			start := fmt.Sprintf("%s/sso/%d/login?next=/account", s.URL, p.ID)

			// SP metadata: signed, with the ACS, for the IdP's administrator.
			if st, md := get(t, s.Client(), fmt.Sprintf("%s/sso/%d/metadata", s.URL, p.ID)); st != 200 ||
				!strings.Contains(md, fmt.Sprintf("/sso/%d/acs", p.ID)) || !strings.Contains(md, "Signature") {
				t.Fatalf("SP metadata: %d %.300s", st, md)
			}

			// The happy path: an encrypted assertion, a new person provisioned as a respondent of A.
			idp.Session.Groups = []string{"staff"}
			c := s.Client()
			acs, form := idp.Response(t, c, start)
			raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
			if !strings.Contains(string(raw), "EncryptedAssertion") {
				t.Fatalf("the IdP did not encrypt the assertion")
			}
			replay := form
			resp, err := c.PostForm(acs, form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
				t.Fatalf("ACS: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			u, err := s.Store.UserByEmail(context.Background(), "alice@example.dk")
			if err != nil {
				t.Fatal(err)
			}
			if m, err := s.Store.OrgUser(context.Background(), s.Fix.A.ID, u.ID); err != nil || m.Role != vaern.RoleRespondent {
				t.Fatalf("provisioned: %+v %v", m, err)
			}
			// A person provisioned by SAML has no language of their own yet: the page speaks the
			// organisation's (Aarhus: Danish).
			if st, page := get(t, c, s.URL+"/account"); st != 200 || !strings.Contains(page, "Identitet hos Aarhus AD FS") {
				t.Fatalf("account after SAML: %d", st)
			}

			// The same response again, even with a fresh flow in the browser: refused.
			c2 := s.Client()
			_, fresh := idp.Response(t, c2, start)
			replay.Set("RelayState", fresh.Get("RelayState"))
			if st, _ := post(t, c2, acs, replay); st != http.StatusUnauthorized {
				t.Fatalf("replayed assertion: %d", st)
			}
			// A response for a request this browser never made (no state): refused.
			if st, _ := post(t, s.Client(), acs, fresh); st != http.StatusBadRequest {
				t.Fatalf("response without a flow in this browser: %d", st)
			}

			// Unencrypted from here, so the tests can reach inside.
			idp.Plain = true
			refused := func(what string, mutate func(doc *etree.Document)) {
				t.Helper()
				c := s.Client()
				acs, form := idp.Response(t, c, start)
				if mutate != nil {
					raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
					doc := etree.NewDocument()
					if err := doc.ReadFromBytes(raw); err != nil {
						t.Fatal(err)
					}
					mutate(doc)
					b, _ := doc.WriteToBytes()
					form.Set("SAMLResponse", base64.StdEncoding.EncodeToString(b))
				}
				if st, _ := post(t, c, acs, form); st != http.StatusUnauthorized {
					t.Errorf("%s: status %d, want 401", what, st)
				}
				if st, _ := get(t, c, s.URL+"/account"); st != http.StatusSeeOther {
					t.Errorf("%s: signed in after all", what)
				}
			}
			// A plain one is accepted (the baseline for the forgeries below).
			{
				c := s.Client()
				acs, form := idp.Response(t, c, start)
				if st, _ := post(t, c, acs, form); st != http.StatusSeeOther {
					t.Fatalf("unencrypted assertion: %d", st)
				}
			}
			// Many IdPs sign only the assertion: without the Response's signature a signed
			// assertion is accepted, and the wrapping attacks below go after the assertion's.
			stripResponseSig := func(doc *etree.Document) {
				if sig := doc.Root().FindElement("./Signature"); sig != nil {
					doc.Root().RemoveChild(sig)
				}
			}
			{
				c := s.Client()
				acs, form := idp.Response(t, c, start)
				raw, _ := base64.StdEncoding.DecodeString(form.Get("SAMLResponse"))
				doc := etree.NewDocument()
				if err := doc.ReadFromBytes(raw); err != nil {
					t.Fatal(err)
				}
				stripResponseSig(doc)
				b, _ := doc.WriteToBytes()
				form.Set("SAMLResponse", base64.StdEncoding.EncodeToString(b))
				if st, _ := post(t, c, acs, form); st != http.StatusSeeOther {
					t.Fatalf("signed assertion in an unsigned response: %d", st)
				}
			}
			forge := func(doc *etree.Document) (resp, signed, forged *etree.Element) {
				stripResponseSig(doc)
				resp = doc.Root()
				signed = resp.FindElement("./Assertion")
				forged = signed.Copy()
				forged.CreateAttr("ID", "_forged")
				for _, sig := range forged.FindElements("./Signature") {
					forged.RemoveChild(sig)
				}
				forged.FindElement(".//NameID").SetText("coordinator")
				return resp, signed, forged
			}
			// XML signature wrapping: a forged assertion for another person in front of the
			// signed one; after it; and the signed one moved inside the forged one.
			refused("signature wrapping (forged assertion first)", func(doc *etree.Document) {
				resp, signed, forged := forge(doc)
				resp.InsertChildAt(signed.Index(), forged)
			})
			refused("signature wrapping (forged assertion last)", func(doc *etree.Document) {
				resp, _, forged := forge(doc)
				resp.AddChild(forged)
			})
			refused("signature wrapping (signed assertion inside the forged one)", func(doc *etree.Document) {
				resp, signed, forged := forge(doc)
				resp.RemoveChild(signed)
				forged.AddChild(signed)
				resp.AddChild(forged)
			})
			refused("signature wrapping (forged assertion in the signed one's Extensions)", func(doc *etree.Document) {
				resp, signed, forged := forge(doc)
				ext := resp.CreateElement("samlp:Extensions")
				resp.RemoveChild(ext)
				resp.InsertChildAt(signed.Index(), ext)
				resp.RemoveChild(signed)
				ext.AddChild(signed)
				resp.AddChild(forged)
			})
			refused("an unsigned assertion", func(doc *etree.Document) {
				stripResponseSig(doc)
				a := doc.Root().FindElement("./Assertion")
				a.RemoveChild(a.FindElement("./Signature"))
			})
			refused("a changed NameID", func(doc *etree.Document) {
				doc.Root().FindElement(".//NameID").SetText("someone-else")
			})
			refused("a changed NameID under an unsigned response", func(doc *etree.Document) {
				stripResponseSig(doc)
				doc.Root().FindElement(".//NameID").SetText("someone-else")
			})
			// Another audience.
			idp.Audience = "https://other-sp.example.dk/metadata"
			refused("another audience", nil)
			idp.Audience = ""
			// Expired: posted eight minutes after the IdP made it (the flow itself is still valid).
			{
				c := s.Client()
				acs, form := idp.Response(t, c, start)
				s.Store.SetClock(func() time.Time { return time.Now().Add(8 * time.Minute) })
				if st, _ := post(t, c, acs, form); st != http.StatusUnauthorized {
					t.Errorf("expired assertion: status %d, want 401", st)
				}
				s.Store.SetClock(time.Now)
			}
			// SHA-1 signatures.
			idp.IDP.SignatureMethod = dsig.RSASHA1SignatureMethod
			refused("SHA-1 signature", nil)
			idp.IDP.SignatureMethod = dsig.RSASHA256SignatureMethod

			// A's IdP asserting B's coordinator signs nobody into B.
			idp.Session = saml.Session{ID: "s2", NameID: "bob", UserEmail: s.Fix.Users["B:coordinator"].Email}
			refused("B's user through A's IdP", nil)
		})
	}
}

func mustKey(t *testing.T) string {
	k, _, err := sso.NewKeyPair("x", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testLog shows the server's warnings (refused sign-ins and why) when VAERN_TEST_VERBOSE is set.
func testLog(t *testing.T) io.Writer {
	if os.Getenv("VAERN_TEST_VERBOSE") != "" {
		return os.Stderr
	}
	return nil
}
