// Package demoidp is the demo's identity provider: a small OpenID provider that `vaern demo`
// mounts at /demo-idp/ on its own server, registered through the normal provider registry as
// Aarhus's OIDC provider, so that single sign-on and single logout can be tried offline through
// Værn's real SSO code. Its sign-in page lists the organisation's demo people to pick; it asks
// for no password and checks nobody, which is why only the demo ever mounts it (web.New refuses
// it outside the demo, and `vaern serve` has no way to ask for it).
//
// It speaks just what Værn's relying party uses: discovery, the JWKS, the authorization code flow
// with PKCE (S256), nonce and state, the token endpoint (client_secret_basic or _post), ID tokens
// with a sid, end_session (RP-initiated logout, back to the registered post-logout URI with the
// state) and back-channel logout to the registered URI when someone signs out at the provider.
package demoidp

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/store"
)

// Prefix is where the demo provider is mounted; its issuer is the base URL and Prefix.
const Prefix = "/demo-idp"

// OrgCode is the demo organisation whose provider it is (Aarhus), and Name the provider's name
// on the sign-in page.
const (
	OrgCode = "751"
	Name    = "Aarhus Kommune (demo)"
)

// Person is someone the demo provider signs in.
type Person struct {
	Subject, Email, Name string
	Role                 vaern.Role
}

// Client is Værn as the demo provider's one registered client.
type Client struct {
	ID, Secret, RedirectURI, PostLogoutURI, BackchannelURI string
}

// Provider is the running demo provider.
type Provider struct {
	Issuer   string
	ClientID string
	client   Client
	people   []Person
	key      *rsa.PrivateKey
	kid      string
	http     *http.Client
	now      func() time.Time

	mu       sync.Mutex
	codes    map[string]grant
	sessions map[string]Person // provider session id (sid, also the cookie's value hash) → person
}

type grant struct {
	person            Person
	sid, nonce, redir string
	challenge         string
	expires           time.Time
}

// Register makes (or remakes) the demo provider as the OIDC provider of organisation OrgCode in
// st, with base as the server's public URL, and returns it ready to mount at Prefix. A provider
// of that name from an earlier run is replaced: its client secret and issuer are this run's.
func Register(ctx context.Context, st *store.Store, base string) (*Provider, error) {
	org, err := st.OrgByCode(ctx, OrgCode)
	if err != nil {
		return nil, fmt.Errorf("demo identity provider: organisation %s: %w", OrgCode, err)
	}
	members, err := st.OrgUsers(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	var people []Person
	for _, m := range members {
		if len(people) == 12 {
			break
		}
		people = append(people, Person{Subject: fmt.Sprintf("demo-person-%d", m.ID), Email: m.Email, Name: m.Name, Role: m.Role})
	}
	sys := vaern.System("demo")
	old, err := st.IdentityProviders(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range old {
		if p.Name == Name {
			if err := st.DeleteIdentityProvider(ctx, sys, org.ID, p.ID); err != nil {
				return nil, err
			}
		}
	}
	base = strings.TrimRight(base, "/")
	secret, _ := auth.NewToken("")
	p, err := st.CreateIdentityProvider(ctx, sys, org.ID, vaern.IdentityProvider{Kind: vaern.IdPOIDC, Name: Name,
		Issuer: base + Prefix, ClientID: "vaern-demo", ClientSecret: secret})
	if err != nil {
		return nil, fmt.Errorf("demo identity provider: %w", err)
	}
	at := func(end string) string { return fmt.Sprintf("%s/sso/%d/%s", base, p.ID, end) }
	return New(base+Prefix, Client{ID: p.ClientID, Secret: secret, RedirectURI: at("callback"), PostLogoutURI: at("logged-out"),
		BackchannelURI: at("backchannel-logout")}, people)
}

// New returns a demo provider with issuer, its one client and the people it offers.
func New(issuer string, c Client, people []Person) (*Provider, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	kid, _ := auth.NewToken("")
	return &Provider{Issuer: issuer, ClientID: c.ID, client: c, people: people, key: key, kid: kid[:16],
		http: &http.Client{Timeout: 10 * time.Second}, now: time.Now,
		codes: map[string]grant{}, sessions: map[string]Person{}}, nil
}

// ServeHTTP serves the provider's endpoints under Prefix.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	w.Header().Set("Cache-Control", "no-store")
	switch {
	case path == "/.well-known/openid-configuration" && r.Method == http.MethodGet:
		p.discovery(w)
	case path == "/jwks" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"keys": []any{sso.JWK(&p.key.PublicKey, p.kid)}})
	case path == "/authorize" && r.Method == http.MethodGet:
		p.authorizePage(w, r)
	case path == "/authorize" && r.Method == http.MethodPost:
		p.authorize(w, r)
	case path == "/token" && r.Method == http.MethodPost:
		p.token(w, r)
	case path == "/logout" && r.Method == http.MethodGet:
		p.endSession(w, r)
	case (path == "/" || path == "") && r.Method == http.MethodGet:
		p.home(w, r)
	case path == "/signout" && r.Method == http.MethodPost:
		p.signOut(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (p *Provider) discovery(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": p.Issuer, "authorization_endpoint": p.Issuer + "/authorize", "token_endpoint": p.Issuer + "/token",
		"jwks_uri": p.Issuer + "/jwks", "end_session_endpoint": p.Issuer + "/logout",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"backchannel_logout_supported":          true, "backchannel_logout_session_supported": true,
	})
}

// authRequest is the authorization request, checked: a client and redirect URI other than the
// registered ones are shown an error here, never redirected to.
type authRequest struct {
	State, Nonce, Challenge, Redirect string
}

func (p *Provider) checkAuthRequest(v url.Values) (authRequest, error) {
	switch {
	case v.Get("client_id") != p.client.ID:
		return authRequest{}, errors.New("unknown client")
	case v.Get("redirect_uri") != p.client.RedirectURI:
		return authRequest{}, errors.New("the redirect URI is not the registered one")
	case v.Get("response_type") != "code":
		return authRequest{}, errors.New("only the code flow is offered")
	case v.Get("code_challenge_method") != "S256" || v.Get("code_challenge") == "":
		return authRequest{}, errors.New("PKCE (S256) is required")
	case !strings.Contains(" "+v.Get("scope")+" ", " openid "):
		return authRequest{}, errors.New("the openid scope is required")
	}
	return authRequest{State: v.Get("state"), Nonce: v.Get("nonce"), Challenge: v.Get("code_challenge"), Redirect: v.Get("redirect_uri")}, nil
}

const sessionCookie = "vaern_demo_idp"

func (p *Provider) session(r *http.Request) (string, Person, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", Person{}, false
	}
	sid := auth.HashToken(c.Value)
	p.mu.Lock()
	defer p.mu.Unlock()
	who, ok := p.sessions[sid]
	return sid, who, ok
}

func (p *Provider) authorizePage(w http.ResponseWriter, r *http.Request) {
	if _, err := p.checkAuthRequest(r.URL.Query()); err != nil {
		p.page(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	p.page(w, http.StatusOK, pageData{People: p.people, Query: r.URL.Query()})
}

func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.page(w, http.StatusBadRequest, pageData{Error: "the form could not be read"})
		return
	}
	req, err := p.checkAuthRequest(r.PostForm)
	if err != nil {
		p.page(w, http.StatusBadRequest, pageData{Error: err.Error()})
		return
	}
	var who Person
	for _, x := range p.people {
		if x.Subject == r.PostForm.Get("person") {
			who = x
		}
	}
	if who.Subject == "" {
		p.page(w, http.StatusUnprocessableEntity, pageData{People: p.people, Query: r.PostForm, Error: "pick a person"})
		return
	}
	// A provider session per sign-in: its id is the sid of the ID token, so a back-channel logout
	// from here ends exactly the Værn sessions it started.
	token, sid := auth.NewToken("")
	code, _ := auth.NewToken("")
	p.mu.Lock()
	for k, g := range p.codes {
		if p.now().After(g.expires) {
			delete(p.codes, k)
		}
	}
	p.sessions[sid] = who
	p.codes[code] = grant{person: who, sid: sid, nonce: req.Nonce, redir: req.Redirect, challenge: req.Challenge, expires: p.now().Add(2 * time.Minute)}
	p.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: Prefix + "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	u, _ := url.Parse(req.Redirect)
	q := u.Query()
	q.Set("code", code)
	q.Set("state", req.State)
	q.Set("iss", p.Issuer)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.client.ID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.client.Secret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	code := r.PostForm.Get("code")
	p.mu.Lock()
	g, found := p.codes[code]
	delete(p.codes, code) // a code is redeemed once
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || p.now().After(g.expires) || r.PostForm.Get("redirect_uri") != g.redir ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	now := p.now()
	idt, err := sso.SignRS256(p.key, p.kid, "JWT", map[string]any{"iss": p.Issuer, "sub": g.person.Subject, "aud": p.client.ID,
		"azp": p.client.ID, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "auth_time": now.Unix(), "nonce": g.nonce,
		"sid": g.sid, "email": g.person.Email, "email_verified": true, "name": g.person.Name})
	if err != nil {
		oauthError(w, http.StatusInternalServerError, "server_error")
		return
	}
	access, _ := auth.NewToken("")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 600, "id_token": idt})
}

// endSession is RP-initiated logout: the provider's session ends and the browser goes back to
// the registered post-logout URI with the state (any other URI is refused, not followed).
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back := q.Get("post_logout_redirect_uri")
	if back != "" && back != p.client.PostLogoutURI {
		p.page(w, http.StatusBadRequest, pageData{Error: "the post-logout redirect URI is not the registered one"})
		return
	}
	if sid, _, ok := p.session(r); ok {
		p.mu.Lock()
		delete(p.sessions, sid)
		p.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix + "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if back == "" {
		p.page(w, http.StatusOK, pageData{SignedOut: true})
		return
	}
	u, _ := url.Parse(back)
	v := u.Query()
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

func (p *Provider) home(w http.ResponseWriter, r *http.Request) {
	_, who, ok := p.session(r)
	d := pageData{Home: true}
	if ok {
		d.Current = &who
	}
	p.page(w, http.StatusOK, d)
}

// signOut ends the provider's session here and tells Værn by back-channel logout, which ends
// the Værn sessions this provider session started.
func (p *Provider) signOut(w http.ResponseWriter, r *http.Request) {
	sid, who, ok := p.session(r)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix + "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if !ok {
		p.page(w, http.StatusOK, pageData{SignedOut: true})
		return
	}
	p.mu.Lock()
	delete(p.sessions, sid)
	p.mu.Unlock()
	d := pageData{SignedOut: true, Told: true}
	if err := p.Backchannel(r.Context(), who.Subject, sid); err != nil {
		d.Told, d.Error = false, err.Error()
	}
	p.page(w, http.StatusOK, d)
}

// Backchannel posts a logout token for the provider session sid of subject to Værn.
func (p *Provider) Backchannel(ctx context.Context, subject, sid string) error {
	now := p.now()
	jti, _ := auth.NewToken("")
	tok, err := sso.SignRS256(p.key, p.kid, "logout+jwt", map[string]any{"iss": p.Issuer, "sub": subject, "aud": p.client.ID,
		"iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(), "jti": jti, "sid": sid,
		"events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.client.BackchannelURI,
		strings.NewReader(url.Values{"logout_token": {tok}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.http.Do(req)
	if err != nil {
		return fmt.Errorf("back-channel logout: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("back-channel logout: Værn answered %d", resp.StatusCode)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

type pageData struct {
	People    []Person
	Query     url.Values
	Current   *Person
	Home      bool
	SignedOut bool
	Told      bool // Værn was told by back-channel logout
	Error     string
}

// The page is in English, Danish and Norwegian at once: the demo provider stands in for a
// municipality's own (whose pages are its own affair), and has no language setting of its own.
var pageTmpl = template.Must(template.New("demo-idp").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo identity provider – Aarhus Kommune (demo)</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="demo-banner" role="banner"><p><strong>Demo identity provider.</strong> Not a real sign-in: it exists only in <code>vaern demo</code> and signs in whomever you pick. <span lang="da">Demo-identitetsudbyder: kun i demoen.</span> <span lang="nb">Demo-identitetsleverandør: bare i demoen.</span></p></header>
<main id="main" class="narrow">
<h1>Aarhus Kommune (demo)</h1>
{{with .Error}}<p class="error" role="alert">{{.}}</p>{{end}}
{{if .People}}
<form method="post" action="/demo-idp/authorize" class="stack">
{{range $k, $v := .Query}}{{if ne $k "person"}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}{{end}}
<fieldset>
<legend>Who signs in? <span lang="da">Hvem logger ind?</span> <span lang="nb">Hvem logger inn?</span></legend>
{{range $i, $p := .People}}<p><label><input type="radio" name="person" value="{{$p.Subject}}"{{if eq $i 0}} checked{{end}}> {{$p.Name}} ({{$p.Email}}, {{$p.Role}})</label></p>
{{end}}
</fieldset>
<button type="submit" class="primary">Sign in / Log ind / Logg inn</button>
</form>
{{else if .SignedOut}}
<p>You are signed out at the demo provider.{{if .Told}} Værn was told by back-channel logout and ended the sessions this sign-in started.{{end}}</p>
<p><a href="/login">Værn</a></p>
{{else if .Home}}
{{with .Current}}
<p>Signed in at the demo provider as {{.Name}} ({{.Email}}).</p>
<form method="post" action="/demo-idp/signout"><button type="submit">Sign out at the demo provider (back-channel logout to Værn)</button></form>
{{else}}
<p>Nobody is signed in at the demo provider. Start at Værn's sign-in page: <a href="/login">Sign in with Aarhus Kommune (demo)</a>.</p>
{{end}}
{{end}}
</main>
</body>
</html>
`))

func (p *Provider) page(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, d); err != nil {
		http.Error(w, "page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
