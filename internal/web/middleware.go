package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

// DefaultMaxBody bounds every request body unless a route sets its own limit.
const DefaultMaxBody = 1 << 20

const (
	csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	sessionTouchEvery = time.Minute
)

// reqInfo is filled in as a request passes through, for the access log and the metrics.
type reqInfo struct {
	pattern string
	userID  int64
	orgID   int64
}

type infoKey struct{}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// outer is the chain every request passes: request id, recovery, access log and metrics, security
// headers, cross-origin protection against CSRF, and the body size limit.
func (s *Server) outer(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	// A SAML response arrives as a cross-site form post from the identity provider: its assertion
	// consumer is the one route the cross-origin check lets through. The response is signed by the
	// IdP and tied to the request this browser started, which is what protects it instead.
	cop.AddInsecureBypassPattern("POST /sso/{id}/acs")
	// Likewise the SAML single logout service: the IdP's LogoutRequest and LogoutResponse come as
	// cross-site posts (HTTP-POST binding), signed by the IdP. The OIDC back-channel logout needs
	// no exemption: the provider posts server to server, without the browser headers the check
	// refuses; a browser's cross-site post there is refused like any other.
	cop.AddInsecureBypassPattern("POST /sso/{id}/slo")
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		info := &reqInfo{}
		ctx := httpx.WithRequestID(r.Context(), id)
		ctx = context.WithValue(ctx, infoKey{}, info)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", id, "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, http.StatusInternalServerError, "")
				}
			}
			dur := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			s.metrics.observe(r.Method, info.pattern, status, dur)
			s.log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", info.pattern,
				"status", status, "bytes", sw.bytes, "ms", float64(dur.Microseconds())/1000, "user", info.userID, "org", info.orgID)
		}()
		protected.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// guard authenticates the request and enforces the route's permission. It is the one place where
// the route table's permissions meet the policy in vaern.Can.
func (s *Server) guard(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
			info.pattern = rt.Method + " " + rt.Pattern
		}
		if !s.limited(w, r, rt) {
			return
		}
		limit := int64(DefaultMaxBody)
		if rt.MaxBody > 0 {
			limit = rt.MaxBody
		}
		if r.ContentLength > limit {
			s.tooLarge(w, r, rt)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			lb := &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
			r.Body = lb
			w = &bodyLimitWriter{ResponseWriter: w, body: lb, tooLarge: func(w http.ResponseWriter) { s.tooLarge(w, r, rt) }}
		}
		if rt.NoSession {
			rt.Handler(w, r)
			return
		}
		s.authorize(w, r, rt, true)
	})
}

// authorize finds the request's principal and enforces the route's permission, then runs the
// route. mayCache lets a SessionInWrite or SessionInRead route take the person from the short-lived
// session cache (session_cache.go); a SessionInRead route that finds its session changed calls it
// again without.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, rt httpx.Route, mayCache bool) {
	var p *vaern.Principal
	var err error
	inWrite := mayCache && rt.SessionInWrite && wantsJSON(r) && s.st.BatchesSaves()
	inRead := rt.SessionInRead && r.Method == http.MethodGet && s.st.BatchesSaves()
	if inWrite || (inRead && mayCache) {
		p = s.cachedPrincipal(r, s.st.Now())
	}
	if p != nil && inRead {
		cached := p
		r = r.WithContext(context.WithValue(r.Context(), recheckKey{}, &recheck{cached: cached, again: func(w http.ResponseWriter, r *http.Request) {
			s.scache.drop(cached.Session.ID)
			s.authorize(w, r, rt, false)
		}}))
	} else if inRead {
		r = r.WithContext(context.WithValue(r.Context(), recheckKey{}, (*recheck)(nil)))
	}
	if p == nil {
		p, err = s.authenticate(w, r)
		if (inWrite || inRead) && err == nil {
			s.scache.put(p, s.st.Now())
		}
	}
	if err != nil {
		// The session could not be looked up (the database is down, say): that is not being
		// signed out, so never send the person to the sign-in page for it.
		if rt.API {
			s.log.Warn("authenticate", "err", err, "request_id", httpx.RequestID(r.Context()))
			httpx.WriteError(w, r, err)
		} else {
			s.failErr(w, r, err)
		}
		return
	}
	if p != nil {
		r = r.WithContext(httpx.WithPrincipal(r.Context(), p))
		if info, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
			info.userID, info.orgID = p.User.ID, p.Org.ID
		}
	}
	if rt.Perm == vaern.PermPublic {
		rt.Handler(w, r)
		return
	}
	if p == nil {
		if rt.API {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vaern"`)
			httpx.WriteProblem(w, r, http.StatusUnauthorized, "sign in or send an API token")
			return
		}
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/"
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	// An organisation that requires two-factor sign-in lets its users reach only the enrolment
	// pages (a TOTP app, or a passkey on the account page) and sign-out until they have a second
	// factor.
	if p.Org.Require2FA && !p.User.HasSecondFactor() && !enrolmentRoute(rt.Pattern) {
		if rt.API {
			httpx.WriteProblem(w, r, http.StatusForbidden, "your organisation requires two-factor sign-in; enrol in the web interface first")
			return
		}
		s.setFlash(w, "flash.2fa_required")
		http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		return
	}
	if !vaern.Can(p.Role, rt.Perm) {
		if rt.API {
			httpx.WriteProblem(w, r, http.StatusForbidden, "your role does not allow this")
			return
		}
		s.fail(w, r, http.StatusForbidden, "")
		return
	}
	rt.Handler(w, r)
}

// enrolmentRoute reports whether a route stays open to a user whose organisation requires a second
// factor they do not have yet: the pages to enrol one, and sign-out.
func enrolmentRoute(pattern string) bool {
	return strings.HasPrefix(pattern, "/account/2fa") || pattern == "/account" ||
		strings.HasPrefix(pattern, "/account/passkeys/") || pattern == "/logout"
}

// tooLarge answers 413: problem+json to API and script clients, the error page to browsers.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request, rt httpx.Route) {
	s.metrics.tooLarge.Inc()
	w.Header().Set("Connection", "close")
	if rt.API || wantsJSON(r) || strings.HasPrefix(r.URL.Path, "/api/") {
		httpx.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the request body is larger than this endpoint accepts")
		return
	}
	s.fail(w, r, http.StatusRequestEntityTooLarge, "")
}

// limitedBody notes when a request body went over its limit (a body without a Content-Length, or one
// that lied about it).
type limitedBody struct {
	io.ReadCloser
	over bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if err != nil && errors.As(err, &mbe) {
		b.over = true
	}
	return n, err
}

// bodyLimitWriter turns whatever error a handler answers after its body went over the limit (most
// say 400 "form could not be read") into a clear 413.
type bodyLimitWriter struct {
	http.ResponseWriter
	body     *limitedBody
	tooLarge func(http.ResponseWriter)
	replaced bool
	wrote    bool
}

func (w *bodyLimitWriter) WriteHeader(code int) {
	if w.replaced || w.wrote {
		if !w.replaced {
			w.ResponseWriter.WriteHeader(code)
		}
		return
	}
	w.wrote = true
	if w.body.over && code >= 400 && code != http.StatusRequestEntityTooLarge {
		w.replaced = true
		w.tooLarge(w.ResponseWriter)
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *bodyLimitWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *bodyLimitWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authenticate finds the principal from a bearer token or the session cookie: nil when there is
// none (or it is unknown or expired), an error when it could not be looked up. A session still
// waiting for its second factor does not count as signed in.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*vaern.Principal, error) {
	ctx := r.Context()
	now := s.st.Now()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, nil
		}
		p, err := s.st.LoadAPIToken(ctx, auth.HashToken(strings.TrimSpace(tok)), now)
		if err != nil {
			return nil, lookupErr(ctx, err)
		}
		if now.Sub(p.Token.LastUsedAt) > sessionTouchEvery {
			if err := s.st.TouchAPIToken(ctx, p.Token.ID, now); err != nil {
				s.log.Warn("touch api token", "err", err)
			}
		}
		return p, nil
	}
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" {
		return nil, nil
	}
	p, err := s.st.LoadSession(ctx, auth.HashToken(c.Value), now, s.cfg.SessionIdle)
	if err != nil {
		return nil, lookupErr(ctx, err)
	}
	if p.Session.MFAPending {
		return nil, nil
	}
	if now.Sub(p.Session.LastSeenAt) > sessionTouchEvery {
		if err := s.st.TouchSession(ctx, p.Session.ID, now); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	return p, nil
}

// lookupErr is what a failed session or token lookup means: nothing for an unknown one or a
// client that went away, the error otherwise.
func lookupErr(ctx context.Context, err error) error {
	if errors.Is(err, vaern.ErrNotFound) || ctx.Err() != nil {
		return nil
	}
	return err
}

// clientIP is the address the request came from; behind a trusted proxy, the first
// X-Forwarded-For entry.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
