package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestEveryChangeIsAudited runs each mutating method once and checks that exactly one row was added,
// to the right organisation's chain, naming the actor and the object, and that no other chain moved.
func TestEveryChangeIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx, a := f.ctx, f.A
		co, ca := f.coordA(), f.centreAdmin()
		self := f.actor(a.Respondent, a.Org.ID, vaern.RoleRespondent)
		var newUnit vaern.Unit
		var newUser vaern.User
		var tok vaern.APIToken
		var member vaern.Org
		ops := []struct {
			action string
			org    func() int64
			actor  vaern.Actor
			do     func() (object int64, err error)
		}{
			{"org.create", func() int64 { return f.Centre.ID }, ca, func() (int64, error) {
				o, err := s.CreateMember(ctx, ca, f.Centre.ID, vaern.Org{Code: "0461", Name: "Odense", Country: "DK"})
				member = o
				return o.ID, err
			}},
			{"org.update", func() int64 { return f.Centre.ID }, ca, func() (int64, error) {
				member.Population = 200000
				return member.ID, s.UpdateMember(ctx, ca, f.Centre.ID, member)
			}},
			{"org.require_2fa", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return a.Org.ID, s.SetRequire2FA(ctx, co, a.Org.ID, true)
			}},
			{"unit.create", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				u, err := s.CreateUnit(ctx, co, a.Org.ID, a.Admin.ID, "Audit")
				newUnit = u
				return u.ID, err
			}},
			{"unit.update", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return newUnit.ID, s.UpdateUnit(ctx, co, a.Org.ID, newUnit.ID, 0, "Internal audit")
			}},
			{"user.create", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				u, err := s.CreateUser(ctx, co, store.NewUser{Email: "auditor@aarhus.dk", OrgID: a.Org.ID, Role: vaern.RoleViewer, UnitID: newUnit.ID})
				newUser = u
				return u.ID, err
			}},
			{"unit.delete", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return newUnit.ID, s.DeleteUnit(ctx, co, a.Org.ID, newUnit.ID)
			}},
			{"membership.role", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return newUser.ID, s.SetRole(ctx, co, a.Org.ID, newUser.ID, vaern.RoleRespondent, a.Other.ID)
			}},
			{"membership.add", func() int64 { return f.B.Org.ID }, f.coordB(), func() (int64, error) {
				return newUser.ID, s.AddMembership(ctx, f.coordB(), vaern.Membership{UserID: newUser.ID, OrgID: f.B.Org.ID, Role: vaern.RoleViewer})
			}},
			{"user.password", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				return a.Respondent.ID, s.SetPassword(ctx, self, a.Org.ID, a.Respondent.ID, "h2", "")
			}},
			{"user.profile", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				return a.Respondent.ID, s.UpdateProfile(ctx, self, a.Org.ID, a.Respondent.ID, "R", "nb")
			}},
			{"user.2fa.enable", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				if err := s.StartTOTP(ctx, a.Respondent.ID, "S"); err != nil {
					return 0, err
				}
				return a.Respondent.ID, s.EnableTOTP(ctx, self, a.Org.ID, a.Respondent.ID, []string{"c1"})
			}},
			{"user.2fa.recovery_code", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				used, err := s.UseRecoveryCode(ctx, self, a.Org.ID, a.Respondent.ID, "c1")
				if err == nil && !used {
					err = fmt.Errorf("code not used")
				}
				return a.Respondent.ID, err
			}},
			{"user.2fa.reset", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return a.Respondent.ID, s.ResetTOTP(ctx, co, a.Org.ID, a.Respondent.ID)
			}},
			{"user.sign_out_everywhere", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				_, err := s.SignOutEverywhere(ctx, self, a.Org.ID, a.Respondent.ID)
				return a.Respondent.ID, err
			}},
			{"api_token.create", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				t, err := s.CreateAPIToken(ctx, self, vaern.APIToken{UserID: a.Respondent.ID, OrgID: a.Org.ID, Name: "t", ExpiresAt: t0.Add(time.Hour)}, "th")
				tok = t
				return t.ID, err
			}},
			{"api_token.revoke", func() int64 { return a.Org.ID }, self, func() (int64, error) {
				return tok.ID, s.RevokeAPIToken(ctx, self, a.Org.ID, a.Respondent.ID, tok.ID)
			}},
			{"link.invite", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				lt, err := s.CreateLinkToken(ctx, co, vaern.LinkToken{Kind: "invite", Email: "i@aarhus.dk", OrgID: a.Org.ID, Role: vaern.RoleViewer,
					ExpiresAt: t0.Add(time.Hour)}, "lh", vaern.Mail{To: "i@aarhus.dk", Subject: "Invite"})
				return lt.ID, err
			}},
			{"membership.remove", func() int64 { return a.Org.ID }, co, func() (int64, error) {
				return newUser.ID, s.RemoveMember(ctx, co, a.Org.ID, newUser.ID)
			}},
		}
		for _, op := range ops {
			t.Run(op.action, func(t *testing.T) {
				f.clock.Add(time.Second)
				before := f.auditCounts(t)
				obj, err := op.do()
				ok(t, err)
				org := op.org()
				after := f.auditCounts(t)
				for chain, n := range before {
					want := n
					if chain == org {
						want++
					}
					if after[chain] != want {
						t.Fatalf("chain %d: %d rows → %d, want %d", chain, n, after[chain], want)
					}
				}
				e := f.wantAudit(t, org, op.actor, op.action, obj)
				if !e.At.Equal(f.clock.Now()) {
					t.Fatalf("At = %v, want %v", e.At, f.clock.Now())
				}
			})
		}
		n, probs, err := s.VerifyAudit(ctx)
		ok(t, err)
		if len(probs) != 0 {
			t.Fatalf("problems: %v", probs)
		}
		total := 0
		for _, c := range f.auditCounts(t) {
			total += c
		}
		if n != total {
			t.Fatalf("VerifyAudit checked %d rows, want %d", n, total)
		}
	})
}

// fixtureRows is how many audit rows newFixture writes: the centre's chain holds the centre, its two
// users and the two members; each member's chain holds its coordinator, four units and two users.
const (
	centreRows  = 5
	memberRows  = 7
	fixtureRows = centreRows + 2*memberRows
)

func TestVerifyAuditDetectsTampering(t *testing.T) {
	t.Parallel()
	type setup struct {
		f     *fixture
		chain int64
		rows  map[int64]vaern.AuditEntry // A's chain by seq
	}
	// forge appends a row to A's chain with a correct hash and link, as someone with database access
	// but without Værn would.
	forge := func(t *testing.T, x setup, seq int64, prev string) vaern.AuditEntry {
		e := vaern.AuditEntry{Chain: x.chain, Seq: seq, At: t0.Add(time.Hour), ActorID: x.f.A.Coordinator.ID,
			ActorEmail: x.f.A.Coordinator.Email, OrgID: x.chain, Action: "user.create", ObjectType: "user", ObjectID: "4242",
			Detail: `{"email":"ghost@aarhus.dk"}`, PrevHash: prev}
		e.Hash = store.AuditHash(e)
		exec(t, x.f.s, `INSERT INTO audit_log (chain, seq, at, actor_id, actor_email, org_id, action, object_type, object_id,
			detail, ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Chain, e.Seq, e.At.UnixMilli(), e.ActorID,
			e.ActorEmail, e.OrgID, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.IP, e.PrevHash, e.Hash)
		return e
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, x setup)
		rows   int // rows VerifyAudit checks afterwards
		want   func(x setup) []store.AuditProblem
	}{
		{"clean", func(*testing.T, setup) {}, fixtureRows, func(setup) []store.AuditProblem { return nil }},
		{"changed detail", func(t *testing.T, x setup) {
			exec(t, x.f.s, "UPDATE audit_log SET detail = ? WHERE chain = ? AND seq = 3", `{"name":"Renamed"}`, x.chain)
		}, fixtureRows, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 3, RowID: x.rows[3].ID, Kind: "changed"}}
		}},
		{"changed actor of the last row", func(t *testing.T, x setup) {
			exec(t, x.f.s, "UPDATE audit_log SET actor_email = 'someone@else.dk' WHERE chain = ? AND seq = 7", x.chain)
		}, fixtureRows, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 7, RowID: x.rows[7].ID, Kind: "changed"}}
		}},
		{"last row changed and re-hashed", func(t *testing.T, x setup) {
			e := x.rows[7]
			e.Detail = `{"email":"other@aarhus.dk"}`
			e.Hash = store.AuditHash(e)
			exec(t, x.f.s, "UPDATE audit_log SET detail = ?, hash = ? WHERE id = ?", e.Detail, e.Hash, e.ID)
		}, fixtureRows, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 7, Kind: "changed"}}
		}},
		{"middle row removed", func(t *testing.T, x setup) {
			exec(t, x.f.s, "DELETE FROM audit_log WHERE chain = ? AND seq = 4", x.chain)
		}, fixtureRows - 1, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 4, Kind: "removed"}}
		}},
		{"first row removed", func(t *testing.T, x setup) {
			exec(t, x.f.s, "DELETE FROM audit_log WHERE chain = ? AND seq = 1", x.chain)
		}, fixtureRows - 1, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 1, Kind: "removed"}}
		}},
		{"last row removed, head remains", func(t *testing.T, x setup) {
			exec(t, x.f.s, "DELETE FROM audit_log WHERE chain = ? AND seq = 7", x.chain)
		}, fixtureRows - 1, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 7, Kind: "removed"}}
		}},
		{"last two rows removed", func(t *testing.T, x setup) {
			exec(t, x.f.s, "DELETE FROM audit_log WHERE chain = ? AND seq >= 6", x.chain)
		}, fixtureRows - 2, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 6, Kind: "removed"}}
		}},
		{"whole chain removed", func(t *testing.T, x setup) {
			exec(t, x.f.s, "DELETE FROM audit_log WHERE chain = ?", x.chain)
		}, fixtureRows - memberRows, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 1, Kind: "removed"}}
		}},
		{"forged row appended", func(t *testing.T, x setup) {
			forge(t, x, 8, x.rows[7].Hash)
		}, fixtureRows + 1, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: x.chain, Seq: 8, Kind: "inserted"}}
		}},
		{"forged row before the first", func(t *testing.T, x setup) {
			forge(t, x, 0, "")
		}, fixtureRows + 1, func(x setup) []store.AuditProblem {
			id := count(t, x.f.s, "SELECT id FROM audit_log WHERE chain = ? AND seq = 0", x.chain)
			return []store.AuditProblem{{Chain: x.chain, Seq: 0, RowID: id, Kind: "inserted"}}
		}},
		{"forged chain without a head", func(t *testing.T, x setup) {
			x.chain = 999999
			forge(t, x, 1, "")
		}, fixtureRows + 1, func(x setup) []store.AuditProblem {
			return []store.AuditProblem{{Chain: 999999, Seq: 0, Kind: "inserted"}}
		}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t, storetest.Open(t, s.Engine()))
				x := setup{f: f, chain: f.A.Org.ID, rows: map[int64]vaern.AuditEntry{}}
				for _, e := range f.audit(t, x.chain) {
					x.rows[e.Seq] = e
				}
				if len(x.rows) != memberRows {
					t.Fatalf("A's chain has %d rows, want %d", len(x.rows), memberRows)
				}
				c.tamper(t, x)
				n, probs, err := f.s.VerifyAudit(f.ctx)
				ok(t, err)
				if n != c.rows {
					t.Errorf("checked %d rows, want %d", n, c.rows)
				}
				want := c.want(x)
				if len(probs) != len(want) {
					t.Fatalf("problems = %v, want %v", probs, want)
				}
				for i := range want {
					p := probs[i]
					if p.Chain != want[i].Chain || p.Seq != want[i].Seq || p.RowID != want[i].RowID || p.Kind != want[i].Kind || p.What == "" {
						t.Fatalf("problem %d = %+v, want %+v", i, p, want[i])
					}
				}
			})
		}
	})
}

// TestWriteIsAtomic checks that a transaction that fails leaves neither its changes nor their audit
// rows behind, and that one that succeeds leaves an intact chain.
func TestWriteIsAtomic(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		abort := fmt.Errorf("abort")
		write := func(fail bool) error {
			return s.Write(f.ctx, func(tx *store.Tx) error {
				u, err := tx.CreateUnit(f.ctx, f.coordA(), f.A.Org.ID, 0, "Batch")
				if err != nil {
					return err
				}
				if _, err := tx.CreateUser(f.ctx, f.coordA(), store.NewUser{Email: "batch@aarhus.dk", OrgID: f.A.Org.ID,
					Role: vaern.RoleViewer, UnitID: u.ID}); err != nil {
					return err
				}
				if fail {
					return abort
				}
				return nil
			})
		}
		before := f.auditCounts(t)
		if err := write(true); err != abort {
			t.Fatalf("Write = %v, want abort", err)
		}
		if after := f.auditCounts(t); !equalCounts(before, after) {
			t.Fatalf("rolled-back write left audit rows: %v → %v", before, after)
		}
		if n := len(must(s.Units(f.ctx, f.A.Org.ID))(t)); n != 4 {
			t.Fatalf("rolled-back write left a unit: %d units", n)
		}
		_, err := s.UserByEmail(f.ctx, "batch@aarhus.dk")
		wantErr(t, err, vaern.ErrNotFound)

		ok(t, write(false))
		if rows := f.audit(t, f.A.Org.ID); len(rows) != memberRows+2 || rows[0].Action != "user.create" || rows[1].Action != "unit.create" {
			t.Fatalf("audit after batch: %d rows, newest %+v", len(rows), rows[0])
		}
		n, probs, err := s.VerifyAudit(f.ctx)
		ok(t, err)
		if n != fixtureRows+2 || len(probs) != 0 {
			t.Fatalf("VerifyAudit = %d rows, problems %v", n, probs)
		}
	})
}
