package web

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
)

// Autosaves arrive by the hundred per second at a deadline, and on PostgreSQL reading the session
// is a round trip of its own, as long as the save's share of its batched transaction. A route
// marked SessionInWrite (the autosave) may therefore take the person behind a request from
// sessionCache, which remembers a looked-up session for a few seconds, because its write checks
// the session again inside its own transaction (store.SessionCheck: still there, not expired or
// idle, user not disabled, two-factor rule met) and refuses the save with 401 if it is not. A
// signed-out, expired or disabled session therefore never saves anything; the cache only spares
// the read. Entries are dropped when the write refuses the session, on sign-out, when they are
// older than sessionCacheFor, and when the session's last use is due to be recorded again.

// A page marked SessionInRead (the focus-area page, which reads its data in one round trip on
// PostgreSQL) may take the person from the same cache, because it reads the session again in that
// round trip, with exactly LoadSession's query and checks, before anything of the page is used:
// the guard authorizes the request on the cached person and hands the page a recheck; the page
// compares the session it read with the cached one and, if the session is gone, dead, or anything
// of the person differs (role, unit, organisation, name, language, two-factor state), discards
// everything it read and calls recheck.again, which drops the entry and authorizes the request
// anew from the database (a signed-out person is sent to sign in, a changed one gets the page as
// they are now). A page is therefore never shown on a session the database does not hold, as it
// is, at the moment the page's data are read.

const (
	sessionCacheFor = 10 * time.Second
	maxSessionCache = 4096
)

type cachedSession struct {
	p  *vaern.Principal
	at time.Time
}

type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]cachedSession{}} }

// get returns a copy of the principal of session id, if it was looked up recently enough.
func (c *sessionCache) get(id string, now time.Time) *vaern.Principal {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if !ok || now.Sub(e.at) > sessionCacheFor || now.Sub(e.p.Session.LastSeenAt) > sessionTouchEvery || !now.Before(e.p.Session.ExpiresAt) {
		return nil
	}
	p := *e.p
	ses := *e.p.Session
	p.Session = &ses
	return &p
}

func (c *sessionCache) put(p *vaern.Principal, now time.Time) {
	if p == nil || p.Session == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[p.Session.ID]; !ok && len(c.m) >= maxSessionCache {
		for id, e := range c.m {
			if now.Sub(e.at) > sessionCacheFor {
				delete(c.m, id)
			}
		}
		if len(c.m) >= maxSessionCache {
			c.m = map[string]cachedSession{}
		}
	}
	cp := *p
	ses := *p.Session
	cp.Session = &ses
	c.m[p.Session.ID] = cachedSession{p: &cp, at: now}
}

func (c *sessionCache) drop(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// cachedPrincipal is the principal of the request's session cookie from the cache, or nil.
func (s *Server) cachedPrincipal(r *http.Request, now time.Time) *vaern.Principal {
	if r.Header.Get("Authorization") != "" {
		return nil
	}
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" {
		return nil
	}
	return s.scache.get(auth.HashToken(c.Value), now)
}

// sessionCheck is what a SessionInWrite route's write checks in its transaction, or nil when the
// store does not batch saves (then the session was read as usual, never from the cache).
func (s *Server) sessionCheck(p *vaern.Principal) *store.SessionCheck {
	if !s.st.BatchesSaves() || p == nil || p.Session == nil {
		return nil
	}
	return &store.SessionCheck{ID: p.Session.ID, Now: s.st.Now(), Idle: s.cfg.SessionIdle}
}

type recheckKey struct{}

// recheck is what a SessionInRead page gets when its person came from the cache.
type recheck struct {
	cached *vaern.Principal
	again  func(w http.ResponseWriter, r *http.Request)
}

// errRecheck is a SessionInRead page's error when the session it read differs from the cached one;
// failErr answers it by authorizing the request again (recheck.again).
var errRecheck = errors.New("web: the cached session has changed")

// recheckFrom returns the request's recheck, nil when its person was read from the database.
func recheckFrom(ctx context.Context) *recheck {
	rc, _ := ctx.Value(recheckKey{}).(*recheck)
	return rc
}

// sameSession reports whether fresh, the session read with the page's data, is the cached one
// (its last use aside, which another app node may have recorded since).
func sameSession(fresh, cached *vaern.Principal) bool {
	if fresh == nil || cached == nil || fresh.Session == nil || cached.Session == nil {
		return false
	}
	f := *fresh
	ses := *fresh.Session
	ses.LastSeenAt = cached.Session.LastSeenAt
	f.Session = &ses
	return reflect.DeepEqual(&f, cached)
}
