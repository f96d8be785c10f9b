package vaern

import "time"

// IdPKind is the protocol an identity provider speaks.
type IdPKind string

const (
	IdPOIDC IdPKind = "oidc"
	IdPSAML IdPKind = "saml"
)

// SAML profiles a provider can follow.
const (
	ProfileNone     = ""
	ProfileOIOSAML3 = "oiosaml3" // KOMBIT's context handler, MitID Erhverv (Denmark)
)

// Sign-in methods an organisation can require of all its people.
const (
	SigninAny          = ""
	SigninSSO          = "sso"
	SigninSSOOrPasskey = "sso_or_passkey"
)

// IdentityProvider is an organisation's OIDC or SAML identity provider. It signs people into that
// organisation only: never into another member, and never with a role that does not fit it.
type IdentityProvider struct {
	ID    int64
	OrgID int64
	Kind  IdPKind
	Name  string
	// Issuer is the OIDC issuer, or the SAML IdP's entity id.
	Issuer   string
	ClientID string
	// HasSecret tells whether a client secret is stored; the secret itself never leaves the store
	// except to the sign-in flow (ClientSecret is filled only by the store's flow lookup).
	HasSecret    bool
	ClientSecret string
	Scopes       []string
	ACRValues    []string // OIDC: the acr values accepted (any of them); SAML: the assurance level asked for
	ClaimEmail   string   // default "email"
	ClaimName    string   // default "name"
	ClaimGroups  string   // default "groups"
	Metadata     string   // SAML: the IdP's metadata
	Profile      string   // SAML: "" or ProfileOIOSAML3
	SPKey        string   // SAML: this service provider's key (PEM), for signing and decryption
	SPCert       string   // SAML: its certificate (PEM), published in the SP metadata
	JIT          bool
	DefaultRole  Role
	// RoleMap gives a role to people in a group (or with a role or privilege the IdP asserts),
	// in order: the first match wins.
	RoleMap   []GroupRole
	CreatedAt time.Time
	UpdatedAt time.Time
}

// GroupRole maps a group the IdP asserts to a role.
type GroupRole struct {
	Group string
	Role  Role
}

// Identity is one way a user proves who they are: a password, or a subject at an IdP.
type Identity struct {
	ID         int64
	UserID     int64
	Provider   string // "password" or "idp:<id>"
	ProviderID int64  // the identity provider, 0 for the password
	Subject    string
	Name       string // the provider's name, for the account page
	CreatedAt  time.Time
}

// Passkey is a WebAuthn credential of a user.
type Passkey struct {
	ID           int64
	UserID       int64
	CredentialID string // base64url
	Name         string
	Data         string // the library's credential record (JSON)
	CreatedAt    time.Time
	LastUsedAt   time.Time
}
