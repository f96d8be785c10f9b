package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestConcurrentWrites hammers one store from 50 goroutines. On SQLite every write must queue on the
// single writer instead of failing with SQLITE_BUSY; on PostgreSQL the audit head must serialise
// appends so that no sequence number is used twice or skipped.
func TestConcurrentWrites(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		const workers = 50
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for i := 0; i < workers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m := f.A
				if i%2 == 1 {
					m = f.B
				}
				a := f.actor(m.Coordinator, m.Org.ID, vaern.RoleCoordinator)
				u, err := s.CreateUnit(f.ctx, a, m.Org.ID, m.Dept.ID, fmt.Sprintf("Unit %02d", i))
				if err != nil {
					errs <- fmt.Errorf("worker %d: create unit: %w", i, err)
					return
				}
				if _, err := s.CreateUser(f.ctx, a, store.NewUser{Email: fmt.Sprintf("worker%02d@example.dk", i), OrgID: m.Org.ID,
					Role: vaern.RoleRespondent, UnitID: u.ID}); err != nil {
					errs <- fmt.Errorf("worker %d: create user: %w", i, err)
					return
				}
				// A read in between writes, on the reader pool.
				if _, err := s.OrgUsers(f.ctx, m.Org.ID); err != nil {
					errs <- fmt.Errorf("worker %d: list users: %w", i, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if t.Failed() {
			return
		}
		for _, m := range []member{f.A, f.B} {
			if n := len(must(s.Units(f.ctx, m.Org.ID))(t)); n != 4+workers/2 {
				t.Errorf("org %d has %d units, want %d", m.Org.ID, n, 4+workers/2)
			}
			if n := len(must(s.OrgUsers(f.ctx, m.Org.ID))(t)); n != 3+workers/2 {
				t.Errorf("org %d has %d users, want %d", m.Org.ID, n, 3+workers/2)
			}
			rows := f.audit(t, m.Org.ID)
			if len(rows) != memberRows+workers {
				t.Errorf("org %d has %d audit rows, want %d", m.Org.ID, len(rows), memberRows+workers)
			}
			for i, e := range rows { // newest first: seq counts down without a gap
				if want := int64(len(rows) - i); e.Seq != want {
					t.Fatalf("org %d row %d has seq %d, want %d", m.Org.ID, i, e.Seq, want)
				}
			}
		}
		n, probs, err := s.VerifyAudit(f.ctx)
		ok(t, err)
		if len(probs) != 0 || n != fixtureRows+2*workers {
			t.Fatalf("VerifyAudit: %d rows (want %d), problems %v", n, fixtureRows+2*workers, probs)
		}
	})
}
