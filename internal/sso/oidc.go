package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	return FromClaims(p, claims)
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
