package crashtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

const (
	importRows = 10000
	mails      = 1500
)

// TestCrashDuringJobs kills the server with SIGKILL while it imports a 10,000-row spreadsheet and
// delivers 1,500 e-mails, restarts it, and checks that the import then completed (every row is in
// the register) or was marked failed with a reason, and that every e-mail was delivered.
func TestCrashDuringJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the server during a large import")
	}
	// A PostgreSQL node's jobs are taken up when their lease runs out; keep it short here.
	t.Setenv("VAERN_JOB_LEASE", "3s")
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			orgID, importID := seedJobs(t, dsn)
			logPath := filepath.Join(t.TempDir(), "server.log")
			st, err := store.Open(context.Background(), dsn, wire.StoreOptions(store.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()

			// First run: killed once the import is under way and some mail has gone.
			s := start(t, dsn, logPath)
			ctx := context.Background()
			deadline := time.Now().Add(60 * time.Second)
			for {
				imp, err := st.RegisterImport(ctx, orgID, importID)
				if err != nil {
					t.Fatal(err)
				}
				j, err := st.Job(ctx, imp.JobID)
				if err != nil {
					t.Fatal(err)
				}
				if j.State == store.JobRunning || imp.Status != store.ImportRunning {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the import never started")
				}
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
			s.kill()
			imp, _ := st.RegisterImport(ctx, orgID, importID)
			sent := countSent(t, st)
			t.Logf("killed with the import %s and %d of %d e-mails sent", imp.Status, sent, mails)
			if sent == mails && imp.Status == store.ImportDone {
				t.Log("everything finished before the kill: the restart has nothing to take up")
			}

			// Second run: it must take up what the first left.
			s = start(t, dsn, logPath)
			defer s.kill()
			// The restarted node must take everything up; on a loaded machine that can take
			// minutes, so the test fails only when nothing moves for a minute (a stuck job), not
			// on the time the whole takes.
			stall, lastSent, lastStatus, lastDone := time.Now().Add(60*time.Second), -1, "", int64(-1)
			for {
				imp, err = st.RegisterImport(ctx, orgID, importID)
				if err != nil {
					t.Fatal(err)
				}
				sent = countSent(t, st)
				if imp.Status != store.ImportRunning && sent == mails {
					break
				}
				done := int64(-1)
				if j, err := st.Job(ctx, imp.JobID); err == nil {
					done = j.ProgressDone
				}
				if sent != lastSent || imp.Status != lastStatus || done != lastDone {
					stall, lastSent, lastStatus, lastDone = time.Now().Add(60*time.Second), sent, imp.Status, done
				}
				if time.Now().After(stall) {
					j, _ := st.Job(ctx, imp.JobID)
					t.Fatalf("after the restart nothing moved for a minute: import %s (job %+v), %d of %d e-mails sent", imp.Status, j, sent, mails)
				}
				time.Sleep(100 * time.Millisecond)
			}
			switch imp.Status {
			case store.ImportDone:
				_, n, err := st.Systems(ctx, orgID, vaern.SystemFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if n != importRows {
					t.Fatalf("import done with %d systems in the register, want %d", n, importRows)
				}
			case store.ImportFailed:
				if !strings.Contains(imp.Result, `"error"`) {
					t.Fatalf("import failed without a reason: %s", imp.Result)
				}
			default:
				t.Fatalf("import ended as %q", imp.Status)
			}
			// Every delivery job is done; none is left running or queued.
			for _, state := range []string{store.JobQueued, store.JobRunning, store.JobFailed} {
				if js, err := st.Jobs(ctx, store.JobFilter{Kind: store.MailDeliverKind, State: state}); err != nil || len(js) > 0 {
					t.Fatalf("%d delivery jobs %s (%v)", len(js), state, err)
				}
			}
		})
	}
}

func countSent(t *testing.T, st *store.Store) int {
	t.Helper()
	all, err := st.Outbox(context.Background(), 2*mails)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range all {
		if !m.SentAt.IsZero() {
			n++
		}
	}
	return n
}

// seedJobs creates a member with a checked 10,000-row import that is started (its job queued)
// and 1,500 queued e-mails, all before the server starts.
func seedJobs(t *testing.T, dsn string) (orgID, importID int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := vaern.System("crashtest")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Centret", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Name,Vendor,Product,Version\n")
	for i := range importRows {
		fmt.Fprintf(&b, "System %05d,Leverandør %d,Produkt %d,%d.0\n", i, i%50, i%300, i%9)
	}
	actor := vaern.Actor{OrgID: org.ID, Role: vaern.RoleCoordinator, Email: "koordinator@aarhus.dk"}
	id, err := st.CreateImport(ctx, actor, org.ID, "stor.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := register.ReadTable([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	mapping := register.GuessMapping(tab.Header)
	if mapping[0] != "name" {
		t.Fatalf("mapping %v", mapping)
	}
	if err := st.UpdateImport(ctx, org.ID, id, mapping, store.ImportChecked, len(tab.Rows), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartImport(ctx, actor, org.ID, id, len(tab.Rows)); err != nil {
		t.Fatal(err)
	}
	for i := range mails {
		if err := st.EnqueueMail(ctx, vaern.Mail{To: fmt.Sprintf("person%d@aarhus.dk", i), Subject: "Påmindelse", Body: "Hej"}); err != nil {
			t.Fatal(err)
		}
	}
	return org.ID, id
}
