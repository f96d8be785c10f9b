package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestSaveAnswerConcurrentKeepsEachOutcome sends saves that are allowed and saves the rules refuse
// all at once, so that on PostgreSQL they share batched transactions and on SQLite group commits:
// each save gets its own outcome, a refused one writes nothing, an accepted one writes its answer,
// its history row and exactly one audit row, and every audit chain still verifies.
func TestSaveAnswerConcurrentKeepsEachOutcome(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			s := storetest.OpenWith(t, e, store.Options{AuditShards: 3})
			f, fw, aid := roundFixture(t, s)
			qs := orgQuestions(fw)
			var unitQ *framework.Question
			for _, q := range fw.Questions() {
				if q.Scope == framework.ScopeUnit {
					unitQ = q
					break
				}
			}
			before := count(t, s, "SELECT COUNT(*) FROM audit_log WHERE org_id = ?", f.A.Org.ID)
			type try struct {
				a    vaern.Actor
				in   store.AnswerInput
				want error
			}
			var tries []try
			for round := 0; round < 8; round++ {
				for i := 0; i < 6; i++ {
					// The same slots again and again: two saves of one answer in one batch.
					tries = append(tries, try{f.coordA(), store.AnswerInput{QuestionID: qs[i].ID, Value: "dontknow", Comment: fmt.Sprint(round)}, nil})
				}
				tries = append(tries,
					try{f.actor(f.A.Respondent, f.A.Org.ID, vaern.RoleRespondent), store.AnswerInput{QuestionID: qs[7].ID, Value: "dontknow"}, vaern.ErrForbidden},
					try{f.coordA(), store.AnswerInput{QuestionID: qs[1].ID, Value: "maybe"}, invalid("value")},
					try{f.coordA(), store.AnswerInput{QuestionID: "NO-SUCH", Value: "dontknow"}, invalid("q")},
					try{f.coordA(), store.AnswerInput{QuestionID: unitQ.ID, UnitID: f.B.Dept.ID, Value: "dontknow"}, vaern.ErrNotFound},
					try{f.coordA(), store.AnswerInput{QuestionID: unitQ.ID, UnitID: f.A.Dept.ID, Value: "dontknow"}, nil},
					try{f.coordB(), store.AnswerInput{QuestionID: qs[0].ID, Value: "dontknow"}, vaern.ErrForbidden},
				)
			}
			errs := make([]error, len(tries))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, x := range tries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.SaveAnswer(f.ctx, x.a, f.A.Org.ID, aid, x.in)
				}()
			}
			close(start)
			wg.Wait()
			var saved int64
			for i, x := range tries {
				if x.want == nil {
					ok(t, errs[i])
					saved++
					continue
				}
				var ve *vaern.ValidationError
				if errors.As(x.want, &ve) {
					wantErr(t, errs[i], x.want)
				} else if !errors.Is(errs[i], x.want) {
					t.Errorf("save %d (%s): %v, want %v", i, x.in.QuestionID, errs[i], x.want)
				}
			}
			if n := count(t, s, "SELECT COUNT(*) FROM audit_log WHERE org_id = ?", f.A.Org.ID) - before; n != saved {
				t.Errorf("%d audit rows for %d accepted saves", n, saved)
			}
			if n := count(t, s, "SELECT COUNT(*) FROM answer_history h JOIN answers a ON a.id = h.answer_id WHERE a.assessment_id = ?", aid); n != saved {
				t.Errorf("%d history rows for %d accepted saves", n, saved)
			}
			if n := count(t, s, "SELECT COUNT(*) FROM answers WHERE assessment_id = ?", aid); n != 7 {
				t.Errorf("%d answers stored, want 7", n)
			}
			_, probs, err := s.VerifyAudit(f.ctx)
			ok(t, err)
			if len(probs) > 0 {
				t.Fatalf("audit chain after concurrent saves: %v", probs)
			}
		})
	}
}

// TestSaveAnswerChecksSessionInTransaction checks that a save carrying a SessionCheck (the
// autosave, whose session the web layer may take from a short-lived cache) is refused with
// ErrUnauthorized and writes nothing when the session is gone, expired, idle, waiting for its
// second factor, another user's or its user is disabled, alone and batched with valid saves.
func TestSaveAnswerChecksSessionInTransaction(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			s := storetest.OpenWith(t, e, store.Options{AuditShards: 3})
			f, fw, aid := roundFixture(t, s)
			qs := orgQuestions(fw)
			now := s.Now()
			coord := f.coordA()
			mk := func(id string, user int64, mfa bool, lastSeen, expires time.Time) {
				ok(t, s.CreateSession(f.ctx, vaern.Session{ID: id, UserID: user, OrgID: f.A.Org.ID, MFAPending: mfa,
					CreatedAt: now.Add(-time.Hour), LastSeenAt: lastSeen, ExpiresAt: expires}))
			}
			mk("valid", coord.UserID, false, now, now.Add(time.Hour))
			mk("expired", coord.UserID, false, now, now.Add(-time.Second))
			mk("idle", coord.UserID, false, now.Add(-3*time.Hour), now.Add(time.Hour))
			mk("mfa", coord.UserID, true, now, now.Add(time.Hour))
			mk("other", f.A.Respondent.ID, false, now, now.Add(time.Hour))
			check := func(id string) *store.SessionCheck { return &store.SessionCheck{ID: id, Now: now, Idle: time.Hour} }
			type try struct {
				sess string
				want error
			}
			tries := []try{{"valid", nil}, {"gone", vaern.ErrUnauthorized}, {"expired", vaern.ErrUnauthorized},
				{"idle", vaern.ErrUnauthorized}, {"mfa", vaern.ErrUnauthorized}, {"other", vaern.ErrUnauthorized}}
			for round := 0; round < 2; round++ {
				// Round 0 one by one, round 1 all at once (batched on PostgreSQL).
				errs := make([]error, len(tries))
				var wg sync.WaitGroup
				for i, x := range tries {
					save := func() {
						_, errs[i] = s.SaveAnswer(f.ctx, coord, f.A.Org.ID, aid, store.AnswerInput{QuestionID: qs[i].ID, Value: "dontknow",
							Comment: fmt.Sprint(round), Session: check(x.sess)})
					}
					if round == 0 {
						save()
						continue
					}
					wg.Add(1)
					go func() { defer wg.Done(); save() }()
				}
				wg.Wait()
				for i, x := range tries {
					if !errors.Is(errs[i], x.want) && !(x.want == nil && errs[i] == nil) {
						t.Errorf("round %d, session %s: %v, want %v", round, x.sess, errs[i], x.want)
					}
				}
			}
			if n := count(t, s, "SELECT COUNT(*) FROM answers WHERE assessment_id = ?", aid); n != 1 {
				t.Errorf("%d answers stored, want only the valid session's", n)
			}
			// A disabled user's session no longer saves.
			exec(t, s, "UPDATE users SET disabled = ? WHERE id = ?", true, coord.UserID)
			if _, err := s.SaveAnswer(f.ctx, coord, f.A.Org.ID, aid, store.AnswerInput{QuestionID: qs[0].ID, Value: "dontknow", Session: check("valid")}); !errors.Is(err, vaern.ErrUnauthorized) {
				t.Errorf("a disabled user's save: %v", err)
			}
			_, probs, err := s.VerifyAudit(f.ctx)
			ok(t, err)
			if len(probs) > 0 {
				t.Fatalf("audit chain: %v", probs)
			}
		})
	}
}
