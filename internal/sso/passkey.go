package sso

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net"
	"net/url"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/vaern/vaern"
)

// NewWebAuthn is the passkey relying party for the server at base. Its id is base's host name.
// Browsers take no IP address as a relying party id, so on a loopback address (development,
// tests) the relying party is "localhost", reached at http://localhost:PORT.
func NewWebAuthn(base string) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("passkeys: base URL %q", base)
	}
	host, origin := u.Hostname(), u.Scheme+"://"+u.Host
	origins := []string{origin}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		host = "localhost"
		origins = append(origins, u.Scheme+"://localhost:"+u.Port())
	}
	return webauthn.New(&webauthn.Config{RPID: host, RPDisplayName: "Værn", RPOrigins: origins})
}

// PasskeyUser is a user with their passkeys, as the WebAuthn library sees them. Its handle is the
// user id (eight bytes): never shown, and the same for every passkey of the user.
type PasskeyUser struct {
	User  vaern.User
	Creds []webauthn.Credential
}

// NewPasskeyUser decodes the user's stored passkeys.
func NewPasskeyUser(u vaern.User, keys []vaern.Passkey) (*PasskeyUser, error) {
	pu := &PasskeyUser{User: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(k.Data), &c); err != nil {
			return nil, fmt.Errorf("passkey %d: %w", k.ID, err)
		}
		pu.Creds = append(pu.Creds, c)
	}
	return pu, nil
}

// UserHandle is the WebAuthn user handle of user id.
func UserHandle(id int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(id))
	return b
}

// HandleUser reads a user id from a user handle; 0 if it is not one.
func HandleUser(h []byte) int64 {
	if len(h) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(h))
}

func (p *PasskeyUser) WebAuthnID() []byte                         { return UserHandle(p.User.ID) }
func (p *PasskeyUser) WebAuthnName() string                       { return p.User.Email }
func (p *PasskeyUser) WebAuthnDisplayName() string                { return orDefault(p.User.Name, p.User.Email) }
func (p *PasskeyUser) WebAuthnCredentials() []webauthn.Credential { return p.Creds }
