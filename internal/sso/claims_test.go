package sso_test

import (
	"context"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso"
)

func TestFromClaimsAndRoles(t *testing.T) {
	p := vaern.IdentityProvider{ClaimGroups: "authorization_details", DefaultRole: vaern.RoleViewer,
		RoleMap: []vaern.GroupRole{{Group: "resource:urn:altinn:resource:vaern-koordinator", Role: vaern.RoleCoordinator}}}
	// Ansattporten carries roles in authorization_details: a list of objects.
	claims := map[string]any{"sub": "abc", "email": "Kari@Bergen.kommune.no", "name": "Kari Nordmann",
		"authorization_details": []any{map[string]any{"type": "ansattporten:altinn:service", "resource": "urn:altinn:resource:vaern-koordinator"}}}
	a, err := sso.FromClaims(p, claims)
	if err != nil || a.Email != "kari@bergen.kommune.no" || a.Name != "Kari Nordmann" {
		t.Fatalf("%+v %v", a, err)
	}
	if r := sso.RoleFor(p, a.Groups); r != vaern.RoleCoordinator {
		t.Fatalf("role = %s from %q", r, a.Groups)
	}
	if r := sso.RoleFor(p, []string{"other"}); r != vaern.RoleViewer {
		t.Fatalf("default role = %s", r)
	}
	if _, err := sso.FromClaims(p, map[string]any{"email": "x@y.dk"}); err == nil {
		t.Fatal("no sub accepted")
	}
	for _, c := range []struct {
		req  []string
		got  string
		want bool
	}{{nil, "", true}, {[]string{"idporten-loa-high"}, "idporten-loa-substantial", false}, {[]string{"idporten-loa-substantial", "idporten-loa-high"}, "idporten-loa-high", true}} {
		if sso.ACRAccepted(c.req, c.got) != c.want {
			t.Errorf("ACRAccepted(%q, %q) != %v", c.req, c.got, c.want)
		}
	}
	if _, err := sso.ParseRoleMap("admins=centre-admin\nstaff=viewer"); err != nil {
		t.Fatal(err)
	}
	if _, err := sso.ParseRoleMap("admins=boss"); err == nil {
		t.Fatal("unknown role accepted")
	}
}

// FuzzIdPInput: the IdP metadata importer and the privileges attribute reader never panic and
// stay within their limits, whatever they are given.
func FuzzIdPInput(f *testing.F) {
	f.Add([]byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp"><IDPSSODescriptor/></EntityDescriptor>`))
	f.Add([]byte(`PGJwcDpQcml2aWxlZ2VMaXN0Lz4=`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = sso.CheckMetadata(context.Background(), b)
		_, _ = sso.Privileges(string(b))
	})
}
