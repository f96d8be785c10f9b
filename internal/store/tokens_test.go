package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u := f.A.Respondent
		self := f.actor(u, f.A.Org.ID, vaern.RoleRespondent)
		exp := t0.Add(24 * time.Hour)

		cases := []struct {
			name string
			tok  vaern.APIToken
			want error
		}{
			{"empty name", vaern.APIToken{UserID: u.ID, OrgID: f.A.Org.ID, Name: "  "}, invalid("name")},
			{"name too long", vaern.APIToken{UserID: u.ID, OrgID: f.A.Org.ID, Name: strings.Repeat("n", 101)}, invalid("name")},
			{"user of another org", vaern.APIToken{UserID: f.B.Viewer.ID, OrgID: f.A.Org.ID, Name: "x"}, vaern.ErrNotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				c.tok.ExpiresAt = exp
				_, err := s.CreateAPIToken(f.ctx, self, c.tok, "h-"+c.name)
				wantErr(t, err, c.want)
				if after := f.auditCounts(t); !equalCounts(before, after) {
					t.Fatal("refused token wrote audit rows")
				}
			})
		}

		t1 := must(s.CreateAPIToken(f.ctx, self, vaern.APIToken{UserID: u.ID, OrgID: f.A.Org.ID, Name: " backup script ", Prefix: "vt_1", ExpiresAt: exp}, "hash-1"))(t)
		want1 := vaern.APIToken{ID: t1.ID, UserID: u.ID, OrgID: f.A.Org.ID, Name: "backup script", Prefix: "vt_1", CreatedAt: t0, ExpiresAt: exp}
		if t1 != want1 {
			t.Fatalf("token = %+v, want %+v", t1, want1)
		}
		e := f.wantAudit(t, f.A.Org.ID, self, "api_token.create", t1.ID)
		if e.Detail != `{"expires_at":"2025-03-02T09:00:00Z","name":"backup script"}` {
			t.Fatalf("detail = %s", e.Detail)
		}
		f.clock.Add(time.Minute)
		t2 := f.token(t, u, f.A.Org.ID, vaern.RoleRespondent, "ci", "hash-2")
		other := f.token(t, f.A.Viewer, f.A.Org.ID, vaern.RoleViewer, "viewer's", "hash-v")
		foreign := f.token(t, f.B.Respondent, f.B.Org.ID, vaern.RoleRespondent, "b's", "hash-b")

		list := must(s.APITokens(f.ctx, f.A.Org.ID, u.ID))(t)
		if len(list) != 2 || list[0] != t2 || list[1] != want1 {
			t.Fatalf("APITokens = %+v", list)
		}
		if list := must(s.APITokens(f.ctx, f.A.Org.ID, f.B.Respondent.ID))(t); len(list) != 0 {
			t.Fatalf("B's tokens listed through A: %+v", list)
		}

		// Loading: the principal carries user, org, role and the token.
		p := must(s.LoadAPIToken(f.ctx, "hash-1", t0))(t)
		if p.User.ID != u.ID || p.Org != f.A.Org || p.Role != vaern.RoleRespondent || p.UnitID != f.A.Dept.ID || p.Session != nil ||
			p.Token == nil || *p.Token != want1 {
			t.Fatalf("principal = %+v token %+v", p, p.Token)
		}
		ok(t, s.TouchAPIToken(f.ctx, t1.ID, t0.Add(time.Hour)))
		if p := must(s.LoadAPIToken(f.ctx, "hash-1", t0.Add(time.Hour)))(t); !p.Token.LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("LastUsedAt = %v", p.Token.LastUsedAt)
		}

		revokes := []struct {
			name            string
			org, user, id   int64
			want            error
			stillLoads      string
			stillLoadsValue bool
		}{
			{"another user's token in the same org", f.A.Org.ID, u.ID, other.ID, vaern.ErrNotFound, "hash-v", true},
			{"another org's token", f.A.Org.ID, u.ID, foreign.ID, vaern.ErrNotFound, "hash-b", true},
			{"another org's token with its owner's id", f.A.Org.ID, f.B.Respondent.ID, foreign.ID, vaern.ErrNotFound, "hash-b", true},
			{"own token", f.A.Org.ID, u.ID, t2.ID, nil, "hash-2", false},
			{"own token again", f.A.Org.ID, u.ID, t2.ID, vaern.ErrNotFound, "hash-2", false},
		}
		for _, c := range revokes {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				wantErr(t, s.RevokeAPIToken(f.ctx, self, c.org, c.user, c.id), c.want)
				if c.want == nil {
					f.wantAudit(t, c.org, self, "api_token.revoke", c.id)
				} else if after := f.auditCounts(t); !equalCounts(before, after) {
					t.Fatal("refused revoke wrote audit rows")
				}
				_, err := s.LoadAPIToken(f.ctx, c.stillLoads, f.clock.Now())
				if (err == nil) != c.stillLoadsValue {
					t.Fatalf("LoadAPIToken(%s) err = %v, want loads=%v", c.stillLoads, err, c.stillLoadsValue)
				}
				if err != nil && !errors.Is(err, vaern.ErrNotFound) {
					t.Fatal(err)
				}
			})
		}
		if list := must(s.APITokens(f.ctx, f.A.Org.ID, u.ID))(t); !list[0].RevokedAt.Equal(f.clock.Now()) || !list[1].RevokedAt.IsZero() {
			t.Fatalf("after revoke: %+v", list)
		}

		// Expiry: usable up to the millisecond before ExpiresAt.
		_, err := s.LoadAPIToken(f.ctx, "hash-1", exp.Add(-time.Millisecond))
		ok(t, err)
		_, err = s.LoadAPIToken(f.ctx, "hash-1", exp)
		wantErr(t, err, vaern.ErrNotFound)
		_, err = s.LoadAPIToken(f.ctx, "no-such-hash", t0)
		wantErr(t, err, vaern.ErrNotFound)
		// Two tokens cannot share a hash.
		_, err = s.CreateAPIToken(f.ctx, self, vaern.APIToken{UserID: u.ID, OrgID: f.A.Org.ID, Name: "dup", ExpiresAt: exp}, "hash-1")
		wantErr(t, err, vaern.ErrConflict)
	})
}

func TestLinkTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		exp := t0.Add(72 * time.Hour)
		invite := vaern.LinkToken{Kind: "invite", Email: "new@aarhus.dk", OrgID: f.A.Org.ID, Role: vaern.RoleRespondent,
			UnitID: f.A.Dept.ID, CreatedBy: f.A.Coordinator.ID, ExpiresAt: exp}
		mail := vaern.Mail{To: "new@aarhus.dk", Subject: "Invitation to Værn", Body: "https://vaern.example/invite/abc"}
		lt := must(s.CreateLinkToken(f.ctx, f.coordA(), invite, "inv-hash", mail))(t)
		want := invite
		want.ID, want.CreatedAt = lt.ID, t0
		if lt != want {
			t.Fatalf("link = %+v, want %+v", lt, want)
		}
		out := must(s.Outbox(f.ctx, 10))(t)
		if len(out) != 1 || out[0].To != mail.To || out[0].Subject != mail.Subject || out[0].Body != mail.Body ||
			!out[0].CreatedAt.Equal(t0) || !out[0].NextAttemptAt.Equal(t0) || !out[0].SentAt.IsZero() || out[0].Attempts != 0 {
			t.Fatalf("outbox = %+v", out)
		}
		e := f.wantAudit(t, f.A.Org.ID, f.coordA(), "link.invite", lt.ID)
		if e.Detail != `{"email":"new@aarhus.dk","role":"respondent","unit_id":`+itoa(f.A.Dept.ID)+`}` {
			t.Fatalf("detail = %s", e.Detail)
		}

		// A mail that cannot be queued rolls the link back with it: same transaction.
		before := f.auditCounts(t)
		_, err := s.CreateLinkToken(f.ctx, f.coordA(), vaern.LinkToken{Kind: "reset", Email: "viewer@aarhus.dk", UserID: f.A.Viewer.ID,
			OrgID: f.A.Org.ID, ExpiresAt: exp}, "bad-mail", vaern.Mail{To: "viewer@aarhus.dk\r\nBcc: evil@example.com", Subject: "Reset"})
		wantErr(t, err, invalid("email"))
		if n := len(must(s.Outbox(f.ctx, 10))(t)); n != 1 {
			t.Fatalf("outbox has %d mails, want 1", n)
		}
		if n := count(t, s, "SELECT COUNT(*) FROM link_tokens WHERE token_hash = 'bad-mail'"); n != 0 {
			t.Fatal("link stored without its mail")
		}
		if after := f.auditCounts(t); !equalCounts(before, after) {
			t.Fatal("refused link wrote audit rows")
		}

		// Lookup before use.
		if got := must(s.LinkToken(f.ctx, "invite", "inv-hash", t0))(t); got != want {
			t.Fatalf("LinkToken = %+v", got)
		}
		_, err = s.LinkToken(f.ctx, "reset", "inv-hash", t0) // wrong kind
		wantErr(t, err, vaern.ErrNotFound)
		_, err = s.LinkToken(f.ctx, "invite", "inv-hash", exp)
		wantErr(t, err, vaern.ErrNotFound)

		// A failing fn does not spend the link, and what it did is rolled back.
		boom := errors.New("boom")
		calls := 0
		err = s.UseLinkToken(f.ctx, "invite", "inv-hash", func(tx *store.Tx, got vaern.LinkToken) error {
			calls++
			if err := tx.EnqueueMail(f.ctx, vaern.Mail{To: "welcome@aarhus.dk", Subject: "Welcome"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Fatalf("UseLinkToken = %v after %d calls, want boom", err, calls)
		}
		if n := len(must(s.Outbox(f.ctx, 10))(t)); n != 1 {
			t.Fatalf("failed use left %d mails, want 1", n)
		}
		if got := must(s.LinkToken(f.ctx, "invite", "inv-hash", t0))(t); !got.UsedAt.IsZero() {
			t.Fatalf("failed use spent the link: %+v", got)
		}

		// First use works and sees the link; the second is not found and fn does not run.
		f.clock.Add(time.Hour)
		var seen vaern.LinkToken
		ok(t, s.UseLinkToken(f.ctx, "invite", "inv-hash", func(tx *store.Tx, got vaern.LinkToken) error {
			seen = got
			return tx.Audit(f.ctx, sys, store.Change{OrgID: got.OrgID, Action: "test.accept", ObjectType: "link_token", ObjectID: got.ID})
		}))
		if seen != want {
			t.Fatalf("fn saw %+v, want %+v", seen, want)
		}
		f.wantAudit(t, f.A.Org.ID, sys, "test.accept", lt.ID)
		calls = 0
		err = s.UseLinkToken(f.ctx, "invite", "inv-hash", func(*store.Tx, vaern.LinkToken) error { calls++; return nil })
		wantErr(t, err, vaern.ErrNotFound)
		if calls != 0 {
			t.Fatal("fn ran on a used link")
		}
		if _, err := s.LinkToken(f.ctx, "invite", "inv-hash", f.clock.Now()); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("used link looked up: %v", err)
		}
		if n := count(t, s, "SELECT used_at FROM link_tokens WHERE id = ?", lt.ID); n != t0.Add(time.Hour).UnixMilli() {
			t.Fatalf("used_at = %d", n)
		}

		// An expired link is not usable, and using it does not spend it.
		reset := must(s.CreateLinkToken(f.ctx, sys, vaern.LinkToken{Kind: "reset", Email: "viewer@aarhus.dk", UserID: f.A.Viewer.ID,
			ExpiresAt: f.clock.Now().Add(time.Hour)}, "reset-hash", vaern.Mail{To: "viewer@aarhus.dk", Subject: "Reset"}))(t)
		f.wantAudit(t, 0, sys, "link.reset", reset.ID) // no organisation: the system chain
		f.clock.Add(time.Hour)
		err = s.UseLinkToken(f.ctx, "reset", "reset-hash", func(*store.Tx, vaern.LinkToken) error { calls++; return nil })
		wantErr(t, err, vaern.ErrNotFound)
		if calls != 0 || count(t, s, "SELECT used_at FROM link_tokens WHERE id = ?", reset.ID) != 0 {
			t.Fatal("expired link ran fn or was spent")
		}
		err = s.UseLinkToken(f.ctx, "reset", "unknown", func(*store.Tx, vaern.LinkToken) error { calls++; return nil })
		wantErr(t, err, vaern.ErrNotFound)
	})
}
