// Package ssotest runs in-process identity providers for tests: an OpenID provider (zitadel's
// example OP under httptest) and a SAML IdP (crewjam/saml's IdentityProvider), so the sign-in flows
// are tested end to end against real protocol peers without the network.
package ssotest

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/sso"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// OPUser is a person the test OP knows; they sign in there with Username and Password.
type OPUser struct {
	ID, Username, Password, Email, First, Last string
}

type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User { return u[id] }
func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}
func (u userStore) ExampleClientID() string { return storage.ServiceUserID }

// OP is a running OpenID provider.
type OP struct {
	Issuer  string
	srv     *httptest.Server
	clients map[string]*storage.Client
	st      *opStorage
}

// opStorage is the example storage with post-logout redirect URIs, which the example's clients
// cannot be given, so that the OP's end_session sends the browser back to Værn.
type opStorage struct {
	*storage.Storage
	mu         sync.Mutex
	postLogout map[string][]string
}

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return logoutClient{Client: c, uris: s.postLogout[id]}, nil
}

type logoutClient struct {
	op.Client
	uris []string
}

func (c logoutClient) PostLogoutRedirectURIs() []string { return c.uris }

// AddPostLogoutURI lets the client's end_session requests come back to uri.
func (o *OP) AddPostLogoutURI(clientID, uri string) {
	o.st.mu.Lock()
	o.st.postLogout[clientID] = append(o.st.postLogout[clientID], uri)
	o.st.mu.Unlock()
}

// LogoutToken makes a back-channel logout token for clientID about subject (and sid, when
// given), signed with the OP's key; change, when set, edits the claims first (to forge one).
func (o *OP) LogoutToken(t testing.TB, clientID, subject, sid string, change func(claims map[string]any)) string {
	t.Helper()
	now := time.Now()
	claims := map[string]any{"iss": o.Issuer, "aud": clientID, "iat": now.Unix(), "exp": now.Add(2 * time.Minute).Unix(),
		"jti": fmt.Sprintf("lt-%d", now.UnixNano()), "events": map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}}
	if subject != "" {
		claims["sub"] = subject
	}
	if sid != "" {
		claims["sid"] = sid
	}
	if change != nil {
		change(claims)
	}
	key, err := o.st.SigningKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return SignJWT(t, key.Key().(*rsa.PrivateKey), key.ID(), "logout+jwt", claims)
}

// SignJWT signs claims as a compact RS256 JWS with key id kid and header typ.
func SignJWT(t testing.TB, key *rsa.PrivateKey, kid, typ string, claims map[string]any) string {
	t.Helper()
	tok, err := sso.SignRS256(key, kid, typ, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// AddClient registers a confidential web client; call it before the client's first request.
func (o *OP) AddClient(clientID, secret string, redirectURIs ...string) {
	o.clients[clientID] = storage.WebClient(clientID, secret, redirectURIs...)
}

// StartOP runs an OpenID provider with the given users until the test ends (clients are added
// with AddClient). The OP signs ID tokens with
// RS256, supports PKCE (S256), and puts e-mail and name in userinfo (not in the ID token), as
// several real providers do.
func StartOP(t testing.TB, users ...OPUser) *OP {
	t.Helper()
	us := userStore{}
	for _, u := range users {
		us[u.ID] = &storage.User{ID: u.ID, Username: u.Username, Password: u.Password, FirstName: u.First, LastName: u.Last,
			Email: u.Email, EmailVerified: true, PreferredLanguage: language.Danish}
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	clients := map[string]*storage.Client{}
	st := &opStorage{Storage: storage.NewStorageWithClients(us, clients), postLogout: map[string][]string{}}
	// SetupServer replaces the process's default logger when given one: it gets none.
	srv.Config.Handler = exampleop.SetupServer(issuer, st, nil, false, op.WithAllowInsecure())
	srv.Start()
	t.Cleanup(srv.Close)
	return &OP{Issuer: issuer, srv: srv, clients: clients, st: st}
}

// LoginFormAction is where the OP's login form posts (its page is at /login/username).
func (o *OP) LoginFormAction() string { return strings.TrimRight(o.Issuer, "/") + "/login/username" }

var authReqID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// SignIn follows a sign-in that starts at start (Værn's /sso/{id}/login) through the OP's login
// form as username, and returns Værn's answer to the callback (not followed). c must not follow
// redirects itself.
func (o *OP) SignIn(t testing.TB, c *http.Client, start, username, password string) *http.Response {
	t.Helper()
	resp := get(t, c, start)
	for i := 0; i < 10; i++ {
		loc := resp.Header.Get("Location")
		switch {
		case resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Request.URL.String(), o.Issuer+"/login/username"):
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := authReqID.FindSubmatch(body)
			if m == nil {
				t.Fatalf("OP login page without request id: %.300s", body)
			}
			r, err := c.PostForm(o.LoginFormAction(), url.Values{"id": {string(m[1])}, "username": {username}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			resp = r
		case resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "":
			resp.Body.Close()
			u, err := resp.Request.URL.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.String(), o.Issuer) {
				return get(t, c, u.String())
			}
			resp = get(t, c, u.String())
		default:
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Fatalf("OP flow stopped at %s: %d %.500s", resp.Request.URL, resp.StatusCode, body)
		}
	}
	t.Fatalf("OP flow: too many steps")
	return nil
}

func get(t testing.TB, c *http.Client, u string) *http.Response {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(fmt.Errorf("GET %s: %w", u, err))
	}
	return resp
}
