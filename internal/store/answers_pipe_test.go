package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestSaveAnswerHookInBatch checks the change hook on batched saves: it runs inside the save's
// transaction after the save's audit row is written (the hook sees it, though on PostgreSQL the
// row is sent together with the commit when the hook asks nothing), and a hook that fails one save
// fails only that save, which then writes nothing, while the saves it was batched with commit.
func TestSaveAnswerHookInBatch(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			s := storetest.OpenWith(t, e, store.Options{AuditShards: 3})
			f, fw, aid := roundFixture(t, s)
			qs := orgQuestions(fw)[:8]
			failing := qs[3].ID
			var mu sync.Mutex
			var seen []string
			s.SetChangeHook(func(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
				if c.Action != "answer.save" {
					return nil
				}
				n, err := store.QueryIntInTxForTest(ctx, tx, "SELECT COUNT(*) FROM audit_log WHERE action = 'answer.save' AND object_id = ?",
					fmt.Sprint(c.ObjectID))
				if err != nil {
					return err
				}
				q, _ := c.Detail.(map[string]any)["question"].(string)
				mu.Lock()
				seen = append(seen, fmt.Sprintf("%s:%d", q, n))
				mu.Unlock()
				if q == failing {
					return errors.New("hook refuses")
				}
				return nil
			})
			t.Cleanup(func() { s.SetChangeHook(nil) })
			errs := make([]error, len(qs))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, q := range qs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.SaveAnswer(f.ctx, f.coordA(), f.A.Org.ID, aid, store.AnswerInput{QuestionID: q.ID, Value: "dontknow"})
				}()
			}
			close(start)
			wg.Wait()
			for i, q := range qs {
				if q.ID == failing {
					if errs[i] == nil || !strings.Contains(errs[i].Error(), "hook refuses") {
						t.Errorf("save refused by the hook: %v", errs[i])
					}
					continue
				}
				ok(t, errs[i])
			}
			mu.Lock()
			for _, x := range seen {
				if !strings.HasSuffix(x, ":1") {
					t.Errorf("hook saw %s audit rows for its answer, want 1", x)
				}
			}
			mu.Unlock()
			if n := count(t, s, "SELECT COUNT(*) FROM answers WHERE assessment_id = ?", aid); n != int64(len(qs)-1) {
				t.Errorf("%d answers stored, want %d", n, len(qs)-1)
			}
			if n := count(t, s, "SELECT COUNT(*) FROM answers WHERE assessment_id = ? AND question_id = ?", aid, failing); n != 0 {
				t.Errorf("the refused save wrote its answer")
			}
			if n := count(t, s, "SELECT COUNT(*) FROM audit_log WHERE action = 'answer.save' AND org_id = ?", f.A.Org.ID); n != int64(len(qs)-1) {
				t.Errorf("%d audit rows, want %d", n, len(qs)-1)
			}
			// The connections are fine afterwards: the same saves again, one by one, without the hook.
			s.SetChangeHook(nil)
			for _, q := range qs {
				_, err := s.SaveAnswer(f.ctx, f.coordA(), f.A.Org.ID, aid, store.AnswerInput{QuestionID: q.ID, Value: "dontknow"})
				ok(t, err)
			}
			_, probs, err := s.VerifyAudit(f.ctx)
			ok(t, err)
			if len(probs) > 0 {
				t.Fatalf("audit chain: %v", probs)
			}
		})
	}
}
