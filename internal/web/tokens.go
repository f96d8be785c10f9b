package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

// APITokenPrefix marks Værn's bearer tokens, so that secret scanners can recognise a leaked one.
const APITokenPrefix = "vaern_"

type tokensData struct {
	Tokens  []vaern.APIToken
	New     string // the token just created, shown once
	Now     time.Time
	Choices []int
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) (*Page, *tokensData, error) {
	p := httpx.PrincipalFrom(r.Context())
	toks, err := s.st.APITokens(r.Context(), p.Org.ID, p.User.ID)
	if err != nil {
		return nil, nil, err
	}
	d := &tokensData{Tokens: toks, Now: s.st.Now(), Choices: []int{30, 90, 365}}
	return s.page(w, r, "tokens.title", d), d, nil
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) {
	pg, _, err := s.tokensPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", pg)
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	days, err := strconv.Atoi(r.PostForm.Get("days"))
	if err != nil || days < 1 || days > 366 {
		days = -1
	}
	token, hash := auth.NewToken(APITokenPrefix)
	var created error
	if days < 0 {
		created = vaern.Invalid("days", "must be between 1 and 366")
	} else {
		_, created = s.st.CreateAPIToken(ctx, p.Actor(s.clientIP(r)), vaern.APIToken{UserID: p.User.ID, OrgID: p.Org.ID,
			Name: r.PostForm.Get("name"), Prefix: token[:len(APITokenPrefix)+6],
			ExpiresAt: s.st.Now().Add(time.Duration(days) * 24 * time.Hour)}, hash)
	}
	pg, d, err := s.tokensPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if created != nil {
		if formError(pg, created) {
			pg.Form = r.PostForm
			s.render(w, r, http.StatusUnprocessableEntity, "tokens", pg)
			return
		}
		s.failErr(w, r, created)
		return
	}
	// The token itself is shown once, on this response; only its hash is kept.
	d.New = token
	pg.Flash = "flash.token_created"
	s.render(w, r, http.StatusOK, "tokens", pg)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.RevokeAPIToken(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/account/tokens", "flash.token_revoked")
}
