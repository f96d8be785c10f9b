package sso

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/crewjam/saml"
)

// SAML single logout (saml-profiles-2.0-os §4.4) as the service provider: the LogoutRequest Værn
// sends when someone signs out, the check of the IdP's LogoutResponse, the check of a
// LogoutRequest the IdP sends when its session ends, and the signed LogoutResponse to that.
// Every message is signed (RSA-SHA256): with a query-string signature in the HTTP-Redirect
// binding, enveloped in the HTTP-POST binding.

// LogoutLimits bound a LogoutRequest or LogoutResponse before any XML is parsed.
var LogoutLimits = ResponseLimits

// Outgoing is a SAML message for the browser to carry: a URL to redirect to (HTTP-Redirect), or
// a form to post (HTTP-POST) to PostURL with the field Field set to Value, and RelayState.
type Outgoing struct {
	ID         string // the message's ID (a LogoutRequest's, to match the answer)
	Redirect   string
	PostURL    string
	Field      string
	Value      string
	RelayState string
}

// LogoutRequest makes a signed LogoutRequest for the session asserted with nameID and
// sessionIndex, to the IdP's SingleLogoutService (HTTP-Redirect when offered, else HTTP-POST). ok
// is false when the IdP's metadata has no single logout service: then only Værn's session ends.
func LogoutRequest(sp *saml.ServiceProvider, nameID, sessionIndex, relayState string) (out Outgoing, ok bool, err error) {
	if nameID == "" {
		return out, false, nil
	}
	if loc := sp.GetSLOBindingLocation(saml.HTTPRedirectBinding); loc != "" {
		req, err := sp.MakeLogoutRequest(loc, nameID, saml.WithSessionIndex(sessionIndex))
		if err != nil {
			return out, false, err
		}
		u, err := sp.RedirectLogoutRequestURL(req, relayState)
		if err != nil {
			return out, false, err
		}
		return Outgoing{ID: req.ID, Redirect: u.String()}, true, nil
	}
	loc := sp.GetSLOBindingLocation(saml.HTTPPostBinding)
	if loc == "" {
		return out, false, nil
	}
	req, err := sp.MakeLogoutRequest(loc, nameID, saml.WithSessionIndex(sessionIndex))
	if err != nil {
		return out, false, err
	}
	b, err := ElementBytes(req.Element())
	if err != nil {
		return out, false, err
	}
	return Outgoing{ID: req.ID, PostURL: loc, Field: "SAMLRequest", Value: b64(b), RelayState: relayState}, true, nil
}

// IsLogoutResponse tells a LogoutResponse (the answer to Værn's request) from a LogoutRequest
// (the IdP's own) arriving at the single logout service.
func IsLogoutResponse(r *http.Request) bool {
	return r.URL.Query().Get("SAMLResponse") != "" || r.PostForm.Get("SAMLResponse") != ""
}

// CheckLogoutResponse checks the IdP's answer to the LogoutRequest requestID: signed by the IdP,
// addressed to this service provider's SLO URL, current, and with status Success.
func CheckLogoutResponse(sp *saml.ServiceProvider, r *http.Request, requestID string) error {
	if err := checkMessageSize(r, "SAMLResponse"); err != nil {
		return err
	}
	if _, err := sp.ParseLogoutResponse(r, []string{requestID}); err != nil {
		return unwrapSAML("logout response", err)
	}
	return nil
}

// IdPLogout is a verified LogoutRequest from the IdP: end the sessions of NameID with one of
// SessionIndexes (any of NameID's when there is none).
type IdPLogout struct {
	RequestID      string
	NameID         string
	SessionIndexes []string
}

// CheckLogoutRequest checks a LogoutRequest the IdP sent (HTTP-Redirect or HTTP-POST): signed by
// the IdP, addressed to this service provider's SLO URL, current, naming a NameID, and never seen
// before (its ID goes into the replay record shared by every app node).
func CheckLogoutRequest(sp *saml.ServiceProvider, r *http.Request) (IdPLogout, error) {
	if err := checkMessageSize(r, "SAMLRequest"); err != nil {
		return IdPLogout{}, err
	}
	req, err := sp.ValidateLogoutRequest(r)
	if err != nil {
		return IdPLogout{}, unwrapSAML("logout request", err)
	}
	if req.NameID == nil || req.NameID.Value == "" {
		return IdPLogout{}, errors.New("logout request: no NameID")
	}
	out := IdPLogout{RequestID: req.ID, NameID: req.NameID.Value}
	for _, si := range req.AllSessionIndexes() {
		if si.Value != "" {
			out.SessionIndexes = append(out.SessionIndexes, si.Value)
		}
	}
	if len(out.SessionIndexes) > 20 {
		return IdPLogout{}, errors.New("logout request: too many SessionIndexes")
	}
	return out, nil
}

// LogoutResponse answers the IdP's LogoutRequest requestID with a signed LogoutResponse (status
// Success, or Responder when Værn could not end the sessions), in the binding the IdP offers.
func LogoutResponse(sp *saml.ServiceProvider, requestID, relayState string, ok bool) (Outgoing, error) {
	status := saml.Status{StatusCode: saml.StatusCode{Value: saml.StatusSuccess}}
	if !ok {
		status.StatusCode.Value = saml.StatusResponder
	}
	if sp.GetSLOBindingLocation(saml.HTTPRedirectBinding) != "" {
		u, err := sp.MakeRedirectLogoutResponseWithStatus(requestID, relayState, status)
		if err != nil {
			return Outgoing{}, err
		}
		return Outgoing{Redirect: u.String()}, nil
	}
	loc := sp.GetSLOBindingLocation(saml.HTTPPostBinding)
	if loc == "" {
		return Outgoing{}, errors.New("the IdP's metadata has no single logout service to answer at")
	}
	resp, err := sp.MakeLogoutResponseWithStatus(loc, requestID, status)
	if err != nil {
		return Outgoing{}, err
	}
	b, err := ElementBytes(resp.Element())
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{PostURL: loc, Field: "SAMLResponse", Value: b64(b), RelayState: relayState}, nil
}

func checkMessageSize(r *http.Request, field string) error {
	v := r.URL.Query().Get(field)
	if v == "" {
		v = r.PostForm.Get(field)
	}
	if v == "" {
		return fmt.Errorf("no %s", field)
	}
	return LogoutLimits.CheckSize(len(v))
}

func unwrapSAML(what string, err error) error {
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		return fmt.Errorf("%s: %w", what, ire.PrivateErr)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// PostTarget is the scheme and host a posted form goes to, for the page's form-action policy.
func PostTarget(postURL string) (string, bool) {
	u, err := url.Parse(postURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", false
	}
	return u.Scheme + "://" + u.Host, true
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
