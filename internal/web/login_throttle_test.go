package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// from makes a client whose requests come from addr (the server trusts X-Forwarded-For).
func from(t *testing.T, s *testserver.Server, addr string) *client {
	c := newClient(t, s)
	c.header.Set("X-Forwarded-For", addr)
	return c
}

// TestSignInLockoutAttack replays the attack of issue 9: anyone who knows a coordinator's address
// tried wrong passwords to keep the coordinator out during a deadline. Guessing now slows only the
// guesser: the owner at their own address, or in a browser they signed in with before, gets in.
func TestSignInLockoutAttack(t *testing.T) {
	t.Parallel()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{TrustProxy: true})
			coord := s.Fix.Users["A:coordinator"]
			const home = "192.0.2.10" // the coordinator's town hall

			// The coordinator has signed in before, at the town hall, with this browser.
			owner := from(t, s, home)
			wantRedirect(t, "owner's first sign-in", owner.login(coord.Email, testserver.Password), "/")
			wantRedirect(t, "sign out", owner.post("/logout", nil), "/login")

			// One attacker at one address: after five guesses it has to wait, and the wait grows.
			attacker := from(t, s, "203.0.113.7")
			for i := range 5 {
				wantStatus(t, fmt.Sprintf("guess %d", i+1), attacker.login(coord.Email, fmt.Sprint("guess-", i)), http.StatusUnauthorized)
			}
			wantStatus(t, "attacker with the right password while waiting", attacker.login(coord.Email, testserver.Password), http.StatusTooManyRequests)
			setClock(t, s, 31*time.Second)
			wantStatus(t, "guess 6", attacker.login(coord.Email, "guess-6"), http.StatusUnauthorized)
			if r := attacker.login(coord.Email, "guess-7"); r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "Try again in") {
				t.Fatalf("the second wait did not hold: %d", r.StatusCode)
			}

			// The owner is not held back: not at the town hall, nor in their browser elsewhere.
			wantRedirect(t, "owner at home during the attack", from(t, s, home).login(coord.Email, testserver.Password), "/")
			owner.header.Set("X-Forwarded-For", "198.51.100.20") // the same browser, at a café
			wantRedirect(t, "owner's browser elsewhere", owner.login(coord.Email, testserver.Password), "/")

			// An hour later the single attacker's guesses are forgotten. Many addresses: eleven guesses from eleven addresses hold back every untrusted client of
			// the account, but still not the owner.
			setClock(t, s, 2*time.Hour)
			for i := range 11 {
				wantStatus(t, fmt.Sprintf("spread guess %d", i+1), from(t, s, fmt.Sprintf("203.0.113.%d", 100+i)).login(coord.Email, "spread"), http.StatusUnauthorized)
			}
			wantStatus(t, "a new client during a spread attack", from(t, s, "203.0.113.200").login(coord.Email, testserver.Password), http.StatusTooManyRequests)
			wantRedirect(t, "owner at home during a spread attack", from(t, s, home).login(coord.Email, testserver.Password), "/")
			owner.header.Set("X-Forwarded-For", "198.51.100.21")
			wantRedirect(t, "owner's browser during a spread attack", owner.login(coord.Email, testserver.Password), "/")

			// The per-address limit stays: 30 failures from one address, whatever the accounts, hold
			// that address back for every account.
			crowd := "203.0.113.50"
			for i := range 30 {
				from(t, s, crowd).login(fmt.Sprintf("nobody-%d@example.test", i), "x")
			}
			wantStatus(t, "the address after 30 failures", from(t, s, crowd).login(s.Fix.Users["A:viewer"].Email, testserver.Password), http.StatusTooManyRequests)
		})
	}
}
