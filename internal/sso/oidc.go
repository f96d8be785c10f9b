package sso

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/vaern/vaern"
	"golang.org/x/oauth2"
)

// OIDC is the OpenID Connect relying party for every OIDC provider of the installation. It keeps
// each provider's discovery document and signing keys (go-oidc refreshes the keys when a token is
// signed with one it does not know), fetched again when the provider's configuration changes.
type OIDC struct {
	// Client makes the calls to the providers (discovery, keys, token endpoint).
	Client *http.Client
	mu     sync.Mutex
	cache  map[int64]oidcEntry
}

type oidcEntry struct {
	updated  time.Time
	provider *oidc.Provider
}

// NewOIDC returns a relying party using client (nil: a client with a 15 s timeout).
func NewOIDC(client *http.Client) *OIDC {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return &OIDC{Client: client, cache: map[int64]oidcEntry{}}
}

func (o *OIDC) provider(ctx context.Context, p vaern.IdentityProvider) (*oidc.Provider, error) {
	o.mu.Lock()
	e, ok := o.cache[p.ID]
	o.mu.Unlock()
	if ok && e.updated.Equal(p.UpdatedAt) {
		return e.provider, nil
	}
	// Discovery checks that the document's issuer is exactly the configured one. Entra ID's
	// "common" and "organizations" endpoints answer with a placeholder issuer
	// (https://login.microsoftonline.com/{tenantid}/v2.0), so they are refused here: configure the
	// tenant's own issuer instead (docs/sso.md).
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, o.Client), p.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", p.Issuer, err)
	}
	o.mu.Lock()
	o.cache[p.ID] = oidcEntry{updated: p.UpdatedAt, provider: op}
	o.mu.Unlock()
	return op, nil
}

func (o *OIDC) config(op *oidc.Provider, p vaern.IdentityProvider, redirect string) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range p.Scopes {
		if s != oidc.ScopeOpenID {
			scopes = append(scopes, s)
		}
	}
	if len(p.Scopes) == 0 {
		scopes = append(scopes, "email", "profile")
	}
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(), RedirectURL: redirect, Scopes: scopes}
}

// AuthURL is where to send the browser: the authorization code flow with PKCE (S256), state and
// nonce, and the acr values the provider requires (ID-porten, Ansattporten).
func (o *OIDC) AuthURL(ctx context.Context, p vaern.IdentityProvider, redirect, state, nonce, verifier string) (string, error) {
	op, err := o.provider(ctx, p)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if len(p.ACRValues) > 0 {
		opts = append(opts, oauth2.SetAuthURLParam("acr_values", joinSpace(p.ACRValues)))
	}
	return o.config(op, p, redirect).AuthCodeURL(state, opts...), nil
}

// ErrACR is a sign-in whose assurance level the provider's configuration does not accept.
var ErrACR = errors.New("the identity provider's acr is not one required")

// Exchange redeems the code with the PKCE verifier, verifies the ID token (signature, issuer,
// audience, expiry, nonce and, when required, acr) and returns the person it names.
func (o *OIDC) Exchange(ctx context.Context, p vaern.IdentityProvider, redirect, code, verifier, nonce string) (Asserted, error) {
	op, err := o.provider(ctx, p)
	if err != nil {
		return Asserted{}, err
	}
	cctx := oidc.ClientContext(ctx, o.Client)
	tok, err := o.config(op, p, redirect).Exchange(cctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Asserted{}, fmt.Errorf("token endpoint: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Asserted{}, errors.New("the token response has no id_token")
	}
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(cctx, raw)
	if err != nil {
		return Asserted{}, fmt.Errorf("id token: %w", err)
	}
	if idt.Nonce == "" || idt.Nonce != nonce {
		return Asserted{}, errors.New("id token: the nonce does not match")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return Asserted{}, fmt.Errorf("id token claims: %w", err)
	}
	acr, _ := claims["acr"].(string)
	if !ACRAccepted(p.ACRValues, acr) {
		return Asserted{}, fmt.Errorf("%w: got %q", ErrACR, acr)
	}
	// Some providers put e-mail and name only in the userinfo answer (Entra ID without optional
	// claims, ID-porten's profile); ask there when the ID token lacks them.
	if _, has := claims[orDefault(p.ClaimEmail, "email")]; !has && op.UserInfoEndpoint() != "" {
		if ui, err := op.UserInfo(cctx, oauth2.StaticTokenSource(tok)); err == nil && ui.Subject == idt.Subject {
			extra := map[string]any{}
			if ui.Claims(&extra) == nil {
				for k, v := range extra {
					if _, has := claims[k]; !has {
						claims[k] = v
					}
				}
			}
		}
	}
	a, err := FromClaims(p, claims)
	if err != nil {
		return a, err
	}
	a.Session, _ = claims["sid"].(string)
	if len(a.Session) > 500 {
		return a, errors.New("id token: the sid claim is too long")
	}
	a.IDToken = raw
	return a, nil
}

// EndSessionURL is where to send the browser to end the person's session at the provider too
// (OpenID Connect RP-Initiated Logout): the provider's end_session_endpoint with the ID token as
// hint, where to come back to, and state. It is "" when the provider publishes no such endpoint.
func (o *OIDC) EndSessionURL(ctx context.Context, p vaern.IdentityProvider, idToken, postLogout, state string) (string, error) {
	op, err := o.provider(ctx, p)
	if err != nil {
		return "", err
	}
	var doc struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := op.Claims(&doc); err != nil || doc.EndSession == "" {
		return "", err
	}
	u, err := url.Parse(doc.EndSession)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("end_session_endpoint %q is not an http(s) URL", doc.EndSession)
	}
	q := u.Query()
	if idToken != "" {
		q.Set("id_token_hint", idToken)
	}
	q.Set("client_id", p.ClientID)
	q.Set("post_logout_redirect_uri", postLogout)
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// LogoutToken is what a verified back-channel logout token says: which provider session (SID)
// or whose sessions (Subject) to end. ID and Expires are for the replay record.
type LogoutToken struct {
	Subject, SID, ID string
	Expires          time.Time
}

// backchannelEvent is the event a logout token must carry (OpenID Connect Back-Channel Logout 1.0).
const backchannelEvent = "http://schemas.openid.net/event/backchannel-logout"

// MaxLogoutTokenAge is how old a logout token's iat may be; the record of seen tokens (replay)
// keeps them at least this long.
const MaxLogoutTokenAge = 10 * time.Minute

// ErrLogoutToken is a logout token refused.
var ErrLogoutToken = errors.New("logout token refused")

// VerifyLogoutToken checks a back-channel logout token as the specification asks: the signature
// with the provider's published keys, the issuer, this client as audience, the expiry, an iat
// that is neither in the future nor older than MaxLogoutTokenAge, the back-channel logout event,
// a sid or a sub, a jti (for the replay check the caller makes) and no nonce (so an ID token is
// never taken for a logout token). A typ header, when present, must be logout+jwt.
func (o *OIDC) VerifyLogoutToken(ctx context.Context, p vaern.IdentityProvider, raw string, now time.Time) (LogoutToken, error) {
	var lt LogoutToken
	if len(raw) > 16<<10 {
		return lt, fmt.Errorf("%w: too long", ErrLogoutToken)
	}
	if typ, err := jwtHeaderType(raw); err != nil {
		return lt, fmt.Errorf("%w: %v", ErrLogoutToken, err)
	} else if typ != "" && !strings.EqualFold(typ, "logout+jwt") && !strings.EqualFold(typ, "application/logout+jwt") {
		return lt, fmt.Errorf("%w: typ %q", ErrLogoutToken, typ)
	}
	op, err := o.provider(ctx, p)
	if err != nil {
		return lt, err
	}
	cctx := oidc.ClientContext(ctx, o.Client)
	tok, err := op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: func() time.Time { return now }}).Verify(cctx, raw)
	if err != nil {
		return lt, fmt.Errorf("%w: %v", ErrLogoutToken, err)
	}
	var c struct {
		IAT    *int64                     `json:"iat"`
		JTI    string                     `json:"jti"`
		SID    string                     `json:"sid"`
		Nonce  *json.RawMessage           `json:"nonce"`
		Events map[string]json.RawMessage `json:"events"`
	}
	if err := tok.Claims(&c); err != nil {
		return lt, fmt.Errorf("%w: claims: %v", ErrLogoutToken, err)
	}
	switch ev, ok := c.Events[backchannelEvent]; {
	case !ok || len(ev) == 0 || ev[0] != '{':
		return lt, fmt.Errorf("%w: no back-channel logout event", ErrLogoutToken)
	case c.Nonce != nil:
		return lt, fmt.Errorf("%w: it has a nonce", ErrLogoutToken)
	case c.IAT == nil:
		return lt, fmt.Errorf("%w: no iat", ErrLogoutToken)
	case tok.Subject == "" && c.SID == "":
		return lt, fmt.Errorf("%w: neither sid nor sub", ErrLogoutToken)
	case c.JTI == "" || len(c.JTI) > 500 || len(c.SID) > 500 || len(tok.Subject) > 500:
		return lt, fmt.Errorf("%w: no usable jti, sid or sub", ErrLogoutToken)
	}
	iat := time.Unix(*c.IAT, 0)
	if iat.After(now.Add(2*time.Minute)) || iat.Before(now.Add(-MaxLogoutTokenAge)) {
		return lt, fmt.Errorf("%w: iat %s is too far from now", ErrLogoutToken, iat)
	}
	exp := tok.Expiry
	if min := now.Add(MaxLogoutTokenAge); exp.Before(min) {
		exp = min
	}
	return LogoutToken{Subject: tok.Subject, SID: c.SID, ID: c.JTI, Expires: exp}, nil
}

// jwtHeaderType reads the typ of a compact JWS's header (its signature is checked afterwards).
func jwtHeaderType(raw string) (string, error) {
	head, _, ok := strings.Cut(raw, ".")
	if !ok {
		return "", errors.New("not a compact JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", errors.New("header is not base64url")
	}
	var h struct {
		Typ string `json:"typ"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", errors.New("header is not JSON")
	}
	return h.Typ, nil
}

func joinSpace(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
