package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// richFixture is the fixture plus rows in the tables the platform, the baseline and the register
// fill: a round with answers and a file as evidence (a blob), a system, a session, an API token, and a
// unit whose parent has a higher id than itself (a tree the copier must load parents first).
func richFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	f := newFixture(t, s)
	ctx := f.ctx
	fws, err := framework.Builtin()
	if err != nil || len(fws) == 0 {
		t.Fatalf("builtin frameworks: %v", err)
	}
	admin := f.centreAdmin()
	info := must(s.SaveFramework(ctx, admin, f.Centre.ID, fws[0], true, false))(t)
	must(s.CreateRound(ctx, admin, f.Centre.ID, vaern.Round{Year: 2025, FrameworkID: info.ID, Title: "Runde 2025",
		OpensAt: t0.Add(-time.Hour), ClosesAt: t0.Add(30 * 24 * time.Hour)}, []int64{f.A.Org.ID, f.B.Org.ID}))(t)
	as := must(s.Assessments(ctx, f.A.Org.ID))(t)
	if len(as) == 0 {
		t.Fatal("no assessment")
	}
	var in []store.AnswerInput
	for _, q := range fws[0].Questions() {
		if q.Scope != framework.ScopeOrganisation || len(in) == 8 {
			continue
		}
		in = append(in, store.AnswerInput{QuestionID: q.ID, Value: "2", Comment: "Vi følger proceduren – næsten altid ☃"})
	}
	ok(t, s.ImportAnswers(ctx, sys, f.A.Org.ID, as[0].ID, in, false))
	ans := must(s.SaveAnswer(ctx, f.coordA(), f.A.Org.ID, as[0].ID, store.AnswerInput{QuestionID: in[0].QuestionID, Value: "3",
		Comment: "opdateret"}))(t)
	data := []byte{0, 1, 2, 0xff, 0xfe, 'P', 'D', 'F'}
	must(s.AddEvidence(ctx, f.coordA(), f.A.Org.ID, ans.ID, vaern.Evidence{Kind: "file", Name: "politik.pdf",
		ContentType: "application/pdf"}, data))(t)
	must(s.CreateSystem(ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Sags- og dokumentsystem", UnitID: f.A.Dept.ID}))(t)
	must(s.CreateAPIToken(ctx, f.coordA(), vaern.APIToken{UserID: f.A.Coordinator.ID, OrgID: f.A.Org.ID, Name: "ci",
		ExpiresAt: t0.Add(time.Hour)}, "tokenhash"))(t)
	ok(t, s.CreateSession(ctx, vaern.Session{ID: "sessionhash", UserID: f.A.Coordinator.ID, OrgID: f.A.Org.ID,
		CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour), IP: "192.0.2.1"}))
	child := must(s.CreateUnit(ctx, f.coordA(), f.A.Org.ID, 0, "Flyttes"))(t)
	parent := must(s.CreateUnit(ctx, f.coordA(), f.A.Org.ID, 0, "Ny forvaltning"))(t)
	ok(t, s.UpdateUnit(ctx, f.coordA(), f.A.Org.ID, child.ID, parent.ID, "Flyttet"))
	return f
}

func sumsOf(t *testing.T, s *store.Store) map[string]store.TableSum {
	t.Helper()
	sums, err := s.Checksums(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.TableSum{}
	for _, x := range sums {
		out[x.Table] = x
	}
	return out
}

func sameContent(t *testing.T, what string, want, got map[string]store.TableSum) {
	t.Helper()
	if len(want) == 0 || len(want) != len(got) {
		t.Fatalf("%s: %d tables, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		if g := got[name]; g != w {
			t.Errorf("%s: table %s: %d rows %.12s, want %d rows %.12s", what, name, g.Rows, g.Sum, w.Rows, w.Sum)
		}
	}
}

func verifyAudit(t *testing.T, s *store.Store) {
	t.Helper()
	n, probs, err := s.VerifyAudit(context.Background())
	if err != nil || len(probs) > 0 || n == 0 {
		t.Fatalf("audit: %d rows, problems %v, %v", n, probs, err)
	}
}

// TestCopyBetweenEngines moves a database SQLite → PostgreSQL → SQLite and checks every table by
// count and checksum, that identity sequences continue after the copied ids, and that the copy is
// usable.
func TestCopyBetweenEngines(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	f := richFixture(t, src)
	want := sumsOf(t, src)
	for _, n := range []string{"answers", "evidence", "units", "audit_log", "systems", "sessions", "api_tokens"} {
		if want[n].Rows == 0 {
			t.Fatalf("the fixture has no rows in %s", n)
		}
	}
	pg := storetest.Open(t, store.Postgres)
	res, err := store.Copy(ctx, src, pg, store.CopyOptions{Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows() == 0 || len(res.Tables) != len(want) {
		t.Fatalf("copied %d rows in %d tables", res.Rows(), len(res.Tables))
	}
	sameContent(t, "sqlite → postgres", want, sumsOf(t, pg))
	verifyAudit(t, pg)
	if err := pg.CheckSchema(ctx); err != nil {
		t.Fatalf("the target is not usable: %v", err)
	}
	// New rows get fresh ids after the copied ones.
	u, err := pg.CreateUnit(ctx, f.coordA(), f.A.Org.ID, 0, "Efter flytningen")
	if err != nil {
		t.Fatalf("insert after the copy: %v", err)
	}
	if u.ID <= f.A.Other.ID {
		t.Fatalf("new unit id %d is not after the copied ones", u.ID)
	}
	verifyAudit(t, pg)

	back := storetest.Open(t, store.SQLite)
	if _, err := store.Copy(ctx, pg, back, store.CopyOptions{Source: "test back"}); err != nil {
		t.Fatal(err)
	}
	sameContent(t, "postgres → sqlite", sumsOf(t, pg), sumsOf(t, back))
	verifyAudit(t, back)
	if err := back.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestCopyTarget covers the target's state: a non-empty target is refused unless forced, an
// interrupted move marks the target incomplete (and Værn refuses it), and running it again resumes.
func TestCopyTarget(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src := storetest.Open(t, store.SQLite)
			richFixture(t, src)
			want := sumsOf(t, src)

			dst := storetest.Open(t, e)
			newFixture(t, dst)
			_, err := store.Copy(ctx, src, dst, store.CopyOptions{Source: "src"})
			if !errors.Is(err, store.ErrTargetNotEmpty) || !strings.Contains(err.Error(), "--force") || !strings.Contains(err.Error(), "orgs") {
				t.Fatalf("copy into a target with data: %v", err)
			}
			if err := dst.CheckSchema(ctx); err != nil {
				t.Fatalf("a refused copy changed the target: %v", err)
			}

			// Interrupted after the first tables: the target is marked incomplete.
			cctx, cancel := context.WithCancel(ctx)
			_, err = store.Copy(cctx, src, dst, store.CopyOptions{Source: "src", Force: true, Progress: func(p store.CopyProgress) {
				if p.Phase == "copy" && p.Table == "units" {
					cancel()
				}
			}})
			cancel()
			if err == nil {
				t.Fatal("an interrupted copy succeeded")
			}
			err = dst.CheckSchema(ctx)
			if !errors.Is(err, store.ErrIncomplete) || !strings.Contains(err.Error(), "did not finish") {
				t.Fatalf("an incomplete target is accepted: %v", err)
			}
			// Another source may not continue it without --force.
			if _, err := store.Copy(ctx, src, dst, store.CopyOptions{Source: "other"}); !errors.Is(err, store.ErrTargetNotEmpty) {
				t.Fatalf("a different source continued the move: %v", err)
			}
			res, err := store.Copy(ctx, src, dst, store.CopyOptions{Source: "src"})
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if len(res.Resumed) == 0 {
				t.Fatalf("nothing was resumed")
			}
			sameContent(t, "resumed", want, sumsOf(t, dst))
			if err := dst.CheckSchema(ctx); err != nil {
				t.Fatalf("after the resumed move: %v", err)
			}
		})
	}
}

// TestBackupRestoreRoundTrip takes a backup while writers keep writing, restores it into both
// engines, and compares every table by count and checksum. Every write acknowledged before the
// backup began is in it, and its audit chain verifies.
func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src := storetest.Open(t, e)
			f := richFixture(t, src)
			dir := t.TempDir()

			// A quiet backup holds exactly what the database holds.
			quiet := filepath.Join(dir, "quiet.vaern")
			res, err := src.Backup(ctx, quiet, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows() == 0 {
				t.Fatal("empty backup")
			}
			want := sumsOf(t, src)
			if _, err := src.Backup(ctx, quiet, nil); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Fatalf("a backup over an existing file: %v", err)
			}

			// A busy backup: writers go on meanwhile.
			var stop atomic.Bool
			var mu sync.Mutex
			acked := map[string]time.Time{}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := 0; !stop.Load(); i++ {
						name := fmt.Sprintf("Enhed %d-%d", w, i)
						if _, err := src.CreateUnit(ctx, f.coordA(), f.A.Org.ID, f.A.Admin.ID, name); err != nil {
							t.Errorf("write during backup: %v", err)
							return
						}
						mu.Lock()
						acked[name] = time.Now()
						mu.Unlock()
					}
				})
			}
			// Let some writes be acknowledged before the backup begins.
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				mu.Lock()
				n := len(acked)
				mu.Unlock()
				if n >= 5 || time.Now().After(deadline) {
					break
				}
			}
			began := time.Now()
			busy := filepath.Join(dir, "busy.vaern")
			if _, err := src.Backup(ctx, busy, nil); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
			stop.Store(true)
			wg.Wait()

			for _, to := range []store.Engine{store.SQLite, store.Postgres} {
				t.Run("restore to "+string(to), func(t *testing.T) {
					dst := storetest.Open(t, to)
					if _, err := store.Restore(ctx, dst, quiet, store.RestoreOptions{}); err != nil {
						t.Fatal(err)
					}
					sameContent(t, "quiet backup restored", want, sumsOf(t, dst))
					verifyAudit(t, dst)

					// Restoring over data needs --force, which replaces it.
					if _, err := store.Restore(ctx, dst, busy, store.RestoreOptions{}); !errors.Is(err, store.ErrTargetNotEmpty) {
						t.Fatalf("restore over data: %v", err)
					}
					if _, err := store.Restore(ctx, dst, busy, store.RestoreOptions{Force: true}); err != nil {
						t.Fatal(err)
					}
					bs, err := store.Open(ctx, busy, wire.StoreOptions(store.Options{}))
					if err != nil {
						t.Fatal(err)
					}
					defer bs.Close()
					sameContent(t, "busy backup restored", sumsOf(t, bs), sumsOf(t, dst))
					verifyAudit(t, dst)
					units, err := dst.Units(ctx, f.A.Org.ID)
					if err != nil {
						t.Fatal(err)
					}
					have := map[string]bool{}
					for _, u := range units {
						have[u.Name] = true
					}
					mu.Lock()
					defer mu.Unlock()
					before, inside := 0, 0
					for name, at := range acked {
						if at.Before(began) {
							before++
							if !have[name] {
								t.Errorf("%s was acknowledged before the backup began but is not in it", name)
							}
						} else if have[name] {
							inside++
						}
					}
					if before == 0 {
						t.Fatal("no write was acknowledged before the backup began")
					}
					t.Logf("%d writes before the backup, %d during it included, %d in all", before, inside, len(acked))
				})
			}
		})
	}
}

// TestRestoreRefusesOtherFiles names what a file is when it is not a Værn backup.
func TestRestoreRefusesOtherFiles(t *testing.T) {
	ctx := context.Background()
	dst := storetest.Open(t, store.SQLite)
	dir := t.TempDir()
	dump := filepath.Join(dir, "vaern.dump")
	os.WriteFile(dump, []byte("PGDMP\x01\x0e\x00rest"), 0o600)
	if _, err := store.Restore(ctx, dst, dump, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Fatalf("pg_dump archive: %v", err)
	}
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(txt, []byte("hello"), 0o600)
	if _, err := store.Restore(ctx, dst, txt, store.RestoreOptions{}); err == nil || !strings.Contains(err.Error(), "not a Værn backup") {
		t.Fatalf("text file: %v", err)
	}
	if _, err := store.Restore(ctx, dst, filepath.Join(dir, "missing"), store.RestoreOptions{}); err == nil {
		t.Fatal("a missing file restored")
	}
}
