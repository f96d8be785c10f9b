// Package vaern holds Værn's domain: the types every module shares, the roles and the policy that
// decides who may do what, and the error kinds. It imports neither database nor HTTP code.
package vaern

import (
	"errors"
	"fmt"
	"time"
)

// Version is set at build time with -ldflags "-X github.com/vaern/vaern.Version=...".
var Version = "dev"

// Error kinds. Storage and services wrap these; handlers map them to status codes.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrInvalid is the kind of every *ValidationError: errors.Is(err, ErrInvalid) tells bad input
	// from other failures without naming the field.
	ErrInvalid = errors.New("invalid")
)

// ValidationError names the field that is wrong and why, so a form or an API client can show it.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// Is makes every validation error of the kind ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a *ValidationError.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// OrgKind tells the centre from its members.
type OrgKind string

const (
	OrgCentre OrgKind = "centre"
	OrgMember OrgKind = "member"
)

// Size classes group members of similar size for benchmarking.
const (
	SizeSmall  = "small"
	SizeMedium = "medium"
	SizeLarge  = "large"
)

// Org is the centre or one of its members (a municipality or an inter-municipal cooperation).
type Org struct {
	ID         int64
	Kind       OrgKind
	ParentID   int64 // the centre, for members; 0 for the centre
	Code       string
	Name       string
	Country    string // DK or NO
	Region     string
	Population int
	SizeClass  string
	Require2FA bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// CentreJoinedAt is when a person last entered the member through the centre (its first
	// coordinator, a recovery, an operator command); zero if never. See docs/anonymity.md.
	CentreJoinedAt time.Time
}

// IsCentre reports whether o is the centre.
func (o Org) IsCentre() bool { return o.Kind == OrgCentre }

// Unit is a node of a member's organisation tree (administration → department).
type Unit struct {
	ID        int64
	OrgID     int64
	ParentID  int64 // 0 for a top-level unit
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// User is a person. How the person proves who they are lives in identities, kept apart so that
// OIDC and SAML sign-in can be added without touching users.
type User struct {
	ID          int64
	Email       string
	Name        string
	Lang        string // "", "da", "nb" or "en"; "" follows the browser
	TOTPEnabled bool
	HasPasskey  bool // at least one passkey (WebAuthn credential) registered
	Disabled    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// HasSecondFactor reports whether the user has a second factor: a TOTP app or a passkey. It is what
// an organisation's two-factor rule asks for, what the password sign-in then requires, and what
// onboarding counts.
func (u User) HasSecondFactor() bool { return u.TOTPEnabled || u.HasPasskey }

// Membership places a user in an organisation with a role, optionally in a unit.
type Membership struct {
	UserID    int64
	OrgID     int64
	Role      Role
	UnitID    int64
	CreatedAt time.Time
}

// Member is a user as seen from one organisation's user list.
type Member struct {
	User
	Role     Role
	UnitID   int64
	UnitName string
}

// Session is a signed-in browser.
type Session struct {
	ID         string // hash of the cookie value
	UserID     int64
	OrgID      int64
	MFAPending bool // password accepted, second factor still to come
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
	// How the session was signed in ("password", "totp", "recovery_code", "passkey", "oidc",
	// "saml"; "" for sessions older than the column), and, through an identity provider, which
	// provider and provider session: its id (OIDC sid, SAML SessionIndex), the subject (OIDC sub,
	// SAML NameID) and, for OIDC, the ID token (the hint for the provider's end_session).
	AuthMethod string
	IdPID      int64
	IdPSession string
	IdPSubject string
	IdPIDToken string
}

// APIToken is a bearer token bound to a user and an organisation. Only its hash is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	OrgID      int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt)
}

// AuditEntry is one row of the hash-chained audit log.
type AuditEntry struct {
	ID         int64
	Chain      int64 // the organisation whose chain holds the row; 0 for system events
	Shard      int64 // which of the chain's shards (see store.Options.AuditShards)
	Seq        int64
	At         time.Time
	ActorID    int64
	ActorEmail string
	OrgID      int64
	Action     string
	ObjectType string
	ObjectID   string
	Detail     string // JSON
	IP         string
	PrevHash   string
	Hash       string
}

// Actor is who does something: the user, the organisation they act for and their role there.
type Actor struct {
	UserID int64
	Email  string
	OrgID  int64
	Role   Role
	IP     string
}

// Principal is who is behind a request: the user, the organisation they act for, their role there,
// and how they signed in (a browser session or an API token).
type Principal struct {
	User    User
	Org     Org
	Role    Role
	UnitID  int64
	Session *Session
	Token   *APIToken
}

// Actor returns the principal as the author of a change.
func (p *Principal) Actor(ip string) Actor {
	return Actor{UserID: p.User.ID, Email: p.User.Email, OrgID: p.Org.ID, Role: p.Role, IP: ip}
}

// System is the actor for changes made by Værn itself or by an operator on the command line.
func System(what string) Actor { return Actor{Email: what} }

// LinkToken is a single-use link sent by e-mail: an invitation or a password reset.
type LinkToken struct {
	ID        int64
	Kind      string // "invite" or "reset"
	Email     string
	UserID    int64
	OrgID     int64
	Role      Role
	UnitID    int64
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
	// Origin says who an invitation comes from: "" the organisation's own coordinator (or, in the
	// centre, its admin), "centre" the first coordinator of a member without people, "recovery"
	// a member recovery (see docs/anonymity.md).
	Origin string
}

// Mail is one message in the outbox.
type Mail struct {
	ID            int64
	To            string
	Subject       string
	Body          string
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	SentAt        time.Time
	LastError     string
}

// SizeClassOf classifies a municipality by population: small below 25,000, medium below 60,000,
// large from 60,000. The bounds follow how municipalities organise themselves rather than an even
// split: below 25,000 inhabitants (16 of Denmark's 98) the administration is usually one
// organisation with few management layers; from about 60,000 (24 of the 98) it is typically split
// into forvaltninger with their own directors; the 58 in between form the broad middle. Norwegian
// municipalities are classified by the same bounds.
func SizeClassOf(population int) string {
	switch {
	case population < 25000:
		return SizeSmall
	case population < 60000:
		return SizeMedium
	}
	return SizeLarge
}

// IndependenceDays is how long after a person last entered a member through the centre (its first
// coordinator invited by the centre, a recovery, an operator command) the member is not counted as
// independent of the centre: it is left out of anonymous aggregates and does not count toward k
// (see internal/results and docs/anonymity.md).
const IndependenceDays = 90
