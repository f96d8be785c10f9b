package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// ssoRoutes are single sign-on: the public ends of the flows at an identity provider (start,
// OIDC callback, SAML assertion consumer and metadata, and single logout: OIDC's return from
// end_session and back-channel logout, SAML's single logout service), one's own identities on the account page,
// and the organisation's identity providers (a member's coordinator, the centre's admin).
func (s *Server) ssoRoutes() []httpx.Route {
	const get, post = http.MethodGet, http.MethodPost
	pub, in, manage := vaern.PermPublic, vaern.PermSignedIn, vaern.PermManageSSO
	return []httpx.Route{
		{Method: get, Pattern: "/sso/{id}/login", Perm: pub, Handler: s.ssoLogin, IDKind: "idp_public"},
		{Method: get, Pattern: "/sso/{id}/callback", Perm: pub, Handler: s.ssoCallback, IDKind: "idp_public"},
		{Method: post, Pattern: "/sso/{id}/acs", Perm: pub, Handler: s.ssoACS, IDKind: "idp_public", MaxBody: 1 << 20},
		{Method: get, Pattern: "/sso/{id}/metadata", Perm: pub, Handler: s.ssoMetadata, IDKind: "idp_public"},
		{Method: get, Pattern: "/sso/{id}/logged-out", Perm: pub, Handler: s.ssoLoggedOut, IDKind: "idp_public"},
		{Method: get, Pattern: "/sso/{id}/slo", Perm: pub, Handler: s.ssoSLO, IDKind: "idp_public"},
		{Method: post, Pattern: "/sso/{id}/slo", Perm: pub, Handler: s.ssoSLO, IDKind: "idp_public", MaxBody: 1 << 20},
		{Method: post, Pattern: "/sso/{id}/backchannel-logout", Perm: pub, Handler: s.ssoBackchannel, IDKind: "idp_public", MaxBody: 64 << 10},
		{Method: post, Pattern: "/account/identities/link", Perm: in, Handler: s.identityLink},
		{Method: post, Pattern: "/account/identities/{id}/unlink", Perm: in, Handler: s.identityUnlink, IDKind: "identity"},
		{Method: post, Pattern: "/account/passkeys/begin", Perm: in, Handler: s.passkeyRegisterBegin},
		{Method: post, Pattern: "/account/passkeys/finish", Perm: in, Handler: s.passkeyRegisterFinish},
		{Method: post, Pattern: "/account/passkeys/{id}/delete", Perm: in, Handler: s.passkeyDelete, IDKind: "passkey"},
		{Method: post, Pattern: "/login/passkey/begin", Perm: pub, Handler: s.passkeyLoginBegin},
		{Method: post, Pattern: "/login/passkey/finish", Perm: pub, Handler: s.passkeyLoginFinish},
		{Method: post, Pattern: "/login/code/passkey/begin", Perm: pub, Handler: s.passkeySecondBegin},
		{Method: post, Pattern: "/login/code/passkey/finish", Perm: pub, Handler: s.passkeySecondFinish},
		{Method: get, Pattern: "/org/sso", Perm: manage, Handler: s.ssoProviders},
		{Method: post, Pattern: "/org/sso/oidc", Perm: manage, Handler: s.ssoAddOIDC},
		{Method: post, Pattern: "/org/sso/saml", Perm: manage, Handler: s.ssoAddSAML, MaxBody: 2 << 20},
		{Method: post, Pattern: "/org/sso/signin", Perm: manage, Handler: s.ssoSigninRequired},
		{Method: get, Pattern: "/org/sso/{id}", Perm: manage, Handler: s.ssoProvider, IDKind: "idp"},
		{Method: post, Pattern: "/org/sso/{id}/delete", Perm: manage, Handler: s.ssoDelete, IDKind: "idp"},
	}
}
