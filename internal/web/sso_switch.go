package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// signinMeets reports whether session ses, signed in as it was, may act for organisation orgID
// under the organisation's rule on how its people sign in. Switching organisation asks it: a
// password sign-in into one organisation is no way into another that requires single sign-on.
// A single sign-on counts only through one of orgID's own providers; a passkey counts where the
// rule is "an identity provider or a passkey" (a passkey in place of the code after a password
// is a password sign-in).
func (s *Server) signinMeets(ctx context.Context, ses *vaern.Session, orgID int64) (bool, error) {
	req, err := s.st.OrgSignin(ctx, orgID)
	if err != nil || req == vaern.SigninAny {
		return err == nil, err
	}
	if req == vaern.SigninSSOOrPasskey && ses.AuthMethod == "passkey" {
		return true, nil
	}
	if ses.IdPID == 0 || (ses.AuthMethod != "oidc" && ses.AuthMethod != "saml") {
		return false, nil
	}
	if _, err := s.st.IdentityProvider(ctx, orgID, ses.IdPID); err != nil {
		if errors.Is(err, vaern.ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// switchThroughProvider sends someone switching to an organisation that requires single sign-on
// to sign in through its provider: straight there when it has one, else to a choice of them.
// Their present session stays as it is until that sign-in replaces it.
func (s *Server) switchThroughProvider(w http.ResponseWriter, r *http.Request, org vaern.Org) {
	providers, err := s.st.IdentityProviders(r.Context(), org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if len(providers) == 1 {
		http.Redirect(w, r, fmt.Sprintf("/sso/%d/login?next=/", providers[0].ID), http.StatusSeeOther)
		return
	}
	pg := s.page(w, r, "login.title", loginData{Providers: signInProvidersOf(providers, org)})
	pg.Error = pg.L.T("sso.switch_required", org.Name)
	pg.Form.Set("next", "/")
	s.render(w, r, http.StatusForbidden, "login", pg)
}

func signInProvidersOf(ps []vaern.IdentityProvider, org vaern.Org) []store.SignInProvider {
	out := make([]store.SignInProvider, 0, len(ps))
	for _, p := range ps {
		out = append(out, store.SignInProvider{ID: p.ID, Name: p.Name, OrgName: org.Name})
	}
	return out
}
