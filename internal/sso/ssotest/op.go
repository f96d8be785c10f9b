// Package ssotest runs in-process identity providers for tests: an OpenID provider (zitadel's
// example OP under httptest) and a SAML IdP (crewjam/saml's IdentityProvider), so the sign-in flows
// are tested end to end against real protocol peers without the network.
package ssotest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

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
	st := storage.NewStorageWithClients(us, clients)
	// SetupServer replaces the process's default logger when given one: it gets none.
	srv.Config.Handler = exampleop.SetupServer(issuer, st, nil, false, op.WithAllowInsecure())
	srv.Start()
	t.Cleanup(srv.Close)
	return &OP{Issuer: issuer, srv: srv, clients: clients}
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
