package web

import (
	"html/template"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

const totpIssuer = "Værn"

type twoFactorData struct {
	Enabled       bool
	Pending       bool
	Secret        string
	QR            template.URL // a data: URL made here; a plain string would be blanked by html/template
	URI           string
	RecoveryCodes []string
	RecoveryLeft  int
	Required      bool
}

func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) (*Page, *twoFactorData, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	d := &twoFactorData{Enabled: p.User.TOTPEnabled, Required: p.Org.Require2FA}
	if !d.Enabled {
		secret, err := s.st.TOTPSecret(ctx, p.User.ID)
		if err != nil {
			return nil, nil, err
		}
		if secret != "" {
			key, err := auth.TOTPURI(totpIssuer, p.User.Email, secret)
			if err != nil {
				return nil, nil, err
			}
			qr, err := auth.QRDataURL(key)
			if err != nil {
				return nil, nil, err
			}
			d.Pending, d.Secret, d.QR, d.URI = true, secret, template.URL(qr), key.URL()
		}
	} else {
		n, err := s.st.RecoveryCodesLeft(ctx, p.User.ID)
		if err != nil {
			return nil, nil, err
		}
		d.RecoveryLeft = n
	}
	return s.page(w, r, "twofactor.title", d), d, nil
}

func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request) {
	pg, _, err := s.twoFactorPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "twofactor", pg)
}

// twoFactorStart creates a new secret to scan; it is only switched on once a code from it is given.
func (s *Server) twoFactorStart(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if p.User.TOTPEnabled {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	secret, _, _, err := auth.NewTOTP(totpIssuer, p.User.Email)
	if err == nil {
		err = s.st.StartTOTP(r.Context(), p.User.ID, secret)
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
}

func (s *Server) twoFactorEnable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg, d, err := s.twoFactorPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if !d.Pending {
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	if !auth.CheckTOTP(r.PostForm.Get("code"), d.Secret, s.st.Now()) {
		formError(pg, vaern.Invalid("code", "is not the current code"))
		s.render(w, r, http.StatusUnprocessableEntity, "twofactor", pg)
		return
	}
	codes, hashes := auth.NewRecoveryCodes(10)
	if err := s.st.EnableTOTP(ctx, p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, hashes); err != nil {
		s.failErr(w, r, err)
		return
	}
	// The recovery codes are shown once, on this response, and never again.
	d.Enabled, d.Pending, d.RecoveryCodes, d.RecoveryLeft = true, false, codes, len(codes)
	pg.Flash = "flash.2fa_enabled"
	s.render(w, r, http.StatusOK, "twofactor", pg)
}

func (s *Server) twoFactorDisable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	// Under the organisation's rule the app goes only if a passkey remains as the second factor.
	if p.Org.Require2FA && !p.User.HasPasskey {
		s.redirect(w, r, "/account/2fa", "flash.2fa_required")
		return
	}
	_, hash, err := s.st.PasswordLogin(ctx, p.User.Email)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if ok, _ := auth.VerifyPassword(r.PostForm.Get("current"), hash); !ok {
		pg, _, err := s.twoFactorPage(w, r)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		formError(pg, vaern.Invalid("current", "is not right"))
		s.render(w, r, http.StatusUnprocessableEntity, "twofactor", pg)
		return
	}
	if err := s.st.ResetTOTP(ctx, p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/account/2fa", "flash.2fa_disabled")
}
