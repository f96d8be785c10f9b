// Package sso holds single sign-on's protocol work and rules: the OIDC relying party (go-oidc),
// the SAML 2.0 service provider (crewjam/saml) with the OIOSAML 3 profile, the mapping of what an
// identity provider asserts to an e-mail, a name and a role, and the service provider's keys. The
// web layer runs the flows; the store links identities and provisions people (see docs/sso.md).
package sso

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vaern/vaern"
)

// Asserted is what an identity provider said about a person, after the protocol's checks.
type Asserted struct {
	Subject string
	Email   string
	Name    string
	Groups  []string // groups, roles or privileges, whichever the provider carries
	// Session is the provider's session: OIDC's sid claim, SAML's SessionIndex ("" when it gives
	// none). IDToken is OIDC's raw ID token, the hint for the provider's end_session endpoint.
	Session string
	IDToken string
}

// Limits on what an assertion may carry before it is refused: a provider is trusted, but a
// broken one must not fill the database or the page.
const (
	maxGroups   = 500
	maxClaimLen = 1000
)

// FromClaims reads the person from a decoded ID token (or userinfo) using the provider's claim
// names. The groups claim may be a string, a list of strings, or a list of objects (Ansattporten's
// authorization_details): an object contributes "field:value" for each of its string fields, so
// a role map can say "resource:urn:altinn:resource:xyz=coordinator".
func FromClaims(p vaern.IdentityProvider, claims map[string]any) (Asserted, error) {
	a := Asserted{}
	sub, _ := claims["sub"].(string)
	a.Subject = sub
	if a.Subject == "" || len(a.Subject) > 500 {
		return a, fmt.Errorf("the ID token has no usable sub claim")
	}
	a.Email = strings.ToLower(strings.TrimSpace(str(claims[orDefault(p.ClaimEmail, "email")])))
	a.Name = strings.TrimSpace(str(claims[orDefault(p.ClaimName, "name")]))
	if len(a.Email) > 320 || len(a.Name) > 200 {
		return a, fmt.Errorf("the e-mail or name claim is too long")
	}
	groups, err := flatten(claims[orDefault(p.ClaimGroups, "groups")])
	if err != nil {
		return a, err
	}
	a.Groups = groups
	return a, nil
}

func flatten(v any) ([]string, error) {
	var out []string
	add := func(s string) error {
		if len(s) > maxClaimLen {
			return fmt.Errorf("a group value is longer than %d characters", maxClaimLen)
		}
		out = append(out, s)
		if len(out) > maxGroups {
			return fmt.Errorf("more than %d groups", maxGroups)
		}
		return nil
	}
	switch x := v.(type) {
	case nil:
	case string:
		return out, add(x)
	case []any:
		for _, e := range x {
			switch y := e.(type) {
			case string:
				if err := add(y); err != nil {
					return nil, err
				}
			case map[string]any:
				keys := make([]string, 0, len(y))
				for k := range y {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if s, ok := y[k].(string); ok {
						if err := add(k + ":" + s); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	case []string:
		for _, s := range x {
			if err := add(s); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// RoleFor is the role a new person gets: the first role map entry whose group the person has,
// else the provider's default. The store refuses a role that does not fit the provider's
// organisation, so a member's provider can never hand out a centre role whatever it asserts.
func RoleFor(p vaern.IdentityProvider, groups []string) vaern.Role {
	have := map[string]bool{}
	for _, g := range groups {
		have[g] = true
	}
	for _, m := range p.RoleMap {
		if have[m.Group] {
			return m.Role
		}
	}
	if p.DefaultRole == "" {
		return vaern.RoleViewer
	}
	return p.DefaultRole
}

// ACRAccepted reports whether the acr the provider asserted is one the provider's configuration
// requires (any of them); with none required, every acr is accepted.
func ACRAccepted(required []string, got string) bool {
	if len(required) == 0 {
		return true
	}
	for _, r := range required {
		if r == got {
			return true
		}
	}
	return false
}

// ParseRoleMap reads "group=role" lines (the admin form and the command line).
func ParseRoleMap(s string) ([]vaern.GroupRole, error) {
	var out []vaern.GroupRole
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		g, r, ok := strings.Cut(line, "=")
		g, r = strings.TrimSpace(g), strings.TrimSpace(r)
		if !ok || g == "" || !vaern.Role(r).Valid() {
			return nil, vaern.Invalid("role_map", "%q is not group=role with a known role", line)
		}
		out = append(out, vaern.GroupRole{Group: g, Role: vaern.Role(r)})
	}
	return out, nil
}
