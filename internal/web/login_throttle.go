package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/i18n"
)

// Sign-in throttling holds back whoever guesses, never the account's owner. Three counters:
//
//   - per address ("ip:A"): 30 failures within 15 minutes hold that address back for 15 minutes,
//     whatever account it tries. Many people may share an address (a town hall), hence the room.
//   - per account and address ("pair:E|A"): from the fifth failure on, a growing wait (30 s, 1, 2,
//     4, 8 minutes, at most 15) before the next try from that address. Someone guessing at another
//     address slows only themselves; the owner at their own address is not affected.
//   - per account from untrusted clients ("acct:E"): failures from browsers and addresses that have
//     never signed in to the account. From the eleventh within an hour, such clients wait too (a
//     guessing attack spread over many addresses). A browser that has signed in to the account
//     before (its device cookie) and an address the owner signed in from are trusted: they never
//     wait on this counter, so the owner still gets in while a stranger keeps guessing.
//
// Waits are checked before the password is, and a try during a wait is neither checked nor counted.
const (
	addressWindow   = 15 * time.Minute
	addressFailures = 30
	addressHold     = 15 * time.Minute
	pairWindow      = time.Hour
	pairFree        = 4
	accountWindow   = time.Hour
	accountFree     = 10
	firstWait       = 30 * time.Second
	longestWait     = 15 * time.Minute
	trustFor        = 180 * 24 * time.Hour
	deviceCookie    = "vaern_device"
)

// growingWait is the wait after failure n when the first free failures cost nothing: firstWait,
// then doubling up to longestWait.
func growingWait(free int) func(n int) time.Duration {
	return func(n int) time.Duration {
		if n <= free {
			return 0
		}
		d := firstWait
		for i := free + 1; i < n && d < longestWait; i++ {
			d *= 2
		}
		return min(d, longestWait)
	}
}

func fixedHold(limit int, hold time.Duration) func(n int) time.Duration {
	return func(n int) time.Duration {
		if n >= limit {
			return hold
		}
		return 0
	}
}

// signinClient is who is trying to sign in to which account: the throttle keys that apply and
// whether the client is trusted by the account.
type signinClient struct {
	ip, email string
	userID    int64
	trusted   bool
}

func (c signinClient) keys() []string {
	keys := []string{"ip:" + c.ip, "pair:" + c.email + "|" + c.ip}
	if !c.trusted {
		keys = append(keys, "acct:"+c.email)
	}
	return keys
}

// deviceHash is what the store keeps of a browser's device cookie for one user, so one browser
// shared by several people is trusted by each of them only after they signed in on it.
func deviceHash(token string, userID int64) string {
	return auth.HashToken(fmt.Sprintf("device:%d:%s", userID, token))
}

func addressHash(ip string, userID int64) string {
	return auth.HashToken(fmt.Sprintf("address:%d:%s", userID, ip))
}

// signinClientFor works out the keys and the trust for a try at signing in as user u (u.ID 0: no
// such user, never trusted).
func (s *Server) signinClientFor(ctx context.Context, r *http.Request, email string, u vaern.User) (signinClient, error) {
	c := signinClient{ip: s.clientIP(r), email: email, userID: u.ID}
	if u.ID == 0 {
		return c, nil
	}
	var device string
	if ck, err := r.Cookie(deviceCookie); err == nil && ck.Value != "" {
		device = deviceHash(ck.Value, u.ID)
	}
	trusted, err := s.st.Trusted(ctx, u.ID, s.st.Now().Add(-trustFor), device, addressHash(c.ip, u.ID))
	c.trusted = trusted
	return c, err
}

// signinGate works out the client of a try at signing in as u and, when it must wait, answers
// 429 with page tmpl saying how long; ok is false when the request has been answered.
func (s *Server) signinGate(w http.ResponseWriter, r *http.Request, pg *Page, tmpl, email string, u vaern.User) (signinClient, bool) {
	ctx := r.Context()
	client, err := s.signinClientFor(ctx, r, email, u)
	if err != nil {
		s.failErr(w, r, err)
		return client, false
	}
	now := s.st.Now()
	held, err := s.heldBack(ctx, now, client)
	if err != nil {
		s.failErr(w, r, err)
		return client, false
	}
	if !held.IsZero() {
		pg.Error = waitMessage(pg.L, now, held)
		s.render(w, r, http.StatusTooManyRequests, tmpl, pg)
		return client, false
	}
	return client, true
}

// heldBack reports until when the client must wait before trying again; zero when it need not.
func (s *Server) heldBack(ctx context.Context, now time.Time, c signinClient) (time.Time, error) {
	return s.lockedOut(ctx, now, c.keys()...)
}

// countFailure counts a failed try on each of the client's counters.
func (s *Server) countFailure(ctx context.Context, now time.Time, c signinClient) {
	holds := map[string]func(int) time.Duration{
		"ip:" + c.ip:                   fixedHold(addressFailures, addressHold),
		"pair:" + c.email + "|" + c.ip: growingWait(pairFree),
		"acct:" + c.email:              growingWait(accountFree),
	}
	windows := map[string]time.Duration{"ip:" + c.ip: addressWindow, "pair:" + c.email + "|" + c.ip: pairWindow, "acct:" + c.email: accountWindow}
	for _, k := range c.keys() {
		if _, err := s.st.ThrottleFailure(ctx, k, now, windows[k], holds[k]); err != nil {
			s.log.Error("throttle", "key_kind", k[:2], "err", err)
		}
	}
}

// trustClient forgets the client's failures on this account and remembers the browser and the
// address as trusted by the user, setting the device cookie if the browser has none.
func (s *Server) trustClient(ctx context.Context, w http.ResponseWriter, r *http.Request, u vaern.User) {
	ip := s.clientIP(r)
	if err := s.st.ThrottleReset(ctx, "pair:"+u.Email+"|"+ip); err != nil {
		s.log.Error("throttle reset", "err", err)
	}
	token := ""
	if ck, err := r.Cookie(deviceCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
		token = ck.Value
	} else {
		token, _ = auth.NewToken("")
	}
	now := s.st.Now()
	for kind, h := range map[string]string{"device": deviceHash(token, u.ID), "address": addressHash(ip, u.ID)} {
		if err := s.st.RememberClient(ctx, u.ID, kind, h, now); err != nil {
			s.log.Error("remember sign-in client", "kind", kind, "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: token, Path: "/", MaxAge: int(trustFor.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// waitMessage tells how long to wait, in seconds below two minutes and in minutes above.
func waitMessage(l *i18n.Localizer, now, until time.Time) string {
	d := until.Sub(now)
	if d < 2*time.Minute {
		return l.T("login.wait_seconds", int(d.Seconds())+1)
	}
	return l.T("login.locked", minutesUntil(now, until))
}
