package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

func TestJobsList(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		dsn, st, org, _ := seeded(t, e)
		ctx := context.Background()
		if err := st.EnqueueMail(ctx, vaern.Mail{To: "a@aarhus.dk", Subject: "Hej", Body: "x"}); err != nil {
			t.Fatal(err)
		}
		imp, err := st.EnqueueJob(ctx, store.RegisterImportKind, store.ImportArgs{OrgID: org.ID, ImportID: 1}, store.JobOpts{OrgID: org.ID, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		claimed, err := st.ClaimJobs(ctx, "test", []string{store.RegisterImportKind}, st.Now(), time.Minute, 1)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		if err := st.FailJob(ctx, claimed[0].Lock(), "row 3: broken", time.Time{}); err != nil {
			t.Fatal(err)
		}
		code, out, errs := vaernRun(t, nil, "jobs", "list", "--database", dsn)
		wantExit(t, code, 0, out, errs, "jobs list")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || lines[0] != fmt.Sprintf("%d register.import failed 1", imp) ||
			!strings.HasSuffix(lines[1], " mail.deliver queued 0") {
			t.Fatalf("jobs list:\n%s", out)
		}
		code, out, errs = vaernRun(t, nil, "jobs", "list", "--database", dsn, "--state", "queued")
		wantExit(t, code, 0, out, errs, "jobs list --state queued")
		if strings.Count(out, "\n") != 1 || !strings.Contains(out, "mail.deliver") {
			t.Fatalf("queued jobs:\n%s", out)
		}
		code, out, errs = vaernRun(t, nil, "jobs", "list", "--database", dsn, "--state", "stuck")
		if code != 2 || !strings.Contains(errs, "--state") {
			t.Fatalf("bad state: exit %d\n%s%s", code, out, errs)
		}
	})
}
