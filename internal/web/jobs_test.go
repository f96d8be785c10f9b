package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// The centre admin's Jobs page lists the jobs with a failed one's error, and retries and cancels
// them with plain forms; a job that has moved on meanwhile is said so.
func TestJobsPage(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			st := s.Store
			// Kinds no worker runs, so the jobs stay as the test leaves them.
			failed, err := st.EnqueueJob(ctx, "test.sync", nil, store.JobOpts{OrgID: s.Fix.A.ID, MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			c, err := st.ClaimJobs(ctx, "test", []string{"test.sync"}, st.Now(), time.Minute, 1)
			if err != nil || len(c) != 1 {
				t.Fatalf("claim %v %v", c, err)
			}
			if err := st.FailJob(ctx, c[0].Lock(), "feed answered 503", time.Time{}); err != nil {
				t.Fatal(err)
			}
			queued, err := st.EnqueueJob(ctx, "test.later", nil, store.JobOpts{RunAt: st.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			admin := s.Login(t, "centre-admin")
			code, body := get(t, admin, s.URL+"/centre/jobs")
			if code != 200 || !strings.Contains(body, "feed answered 503") || !strings.Contains(body, s.Fix.A.Name) ||
				!strings.Contains(body, fmt.Sprintf(`action="/centre/jobs/%d/retry"`, failed)) ||
				!strings.Contains(body, fmt.Sprintf(`action="/centre/jobs/%d/cancel"`, queued)) ||
				strings.Contains(body, fmt.Sprintf(`action="/centre/jobs/%d/cancel"`, failed)) {
				t.Fatalf("jobs page (%d):\n%s", code, body)
			}
			code, body = get(t, admin, s.URL+"/centre/jobs?state=failed")
			if code != 200 || !strings.Contains(body, "feed answered 503") || strings.Contains(body, fmt.Sprintf("/centre/jobs/%d/cancel", queued)) {
				t.Fatalf("failed jobs (%d):\n%s", code, body)
			}
			for _, step := range []struct {
				path, want string
				id         int64
			}{
				{fmt.Sprintf("/centre/jobs/%d/retry", failed), store.JobQueued, failed},
				{fmt.Sprintf("/centre/jobs/%d/cancel", queued), store.JobCancelled, queued},
				{fmt.Sprintf("/centre/jobs/%d/cancel", queued), store.JobCancelled, queued}, // moved on: said, not an error
			} {
				code, loc, _ := postForm(t, admin, s.URL+step.path, url.Values{})
				if code != http.StatusSeeOther || loc != "/centre/jobs" {
					t.Fatalf("POST %s: %d → %q", step.path, code, loc)
				}
				if j, _ := st.Job(ctx, step.id); j.State != step.want {
					t.Fatalf("after POST %s: %s, want %s", step.path, j.State, step.want)
				}
			}
			// In Danish, and nothing for a member's coordinator.
			if code, _, _ := postForm(t, admin, s.URL+"/lang", url.Values{"lang": {"da"}}); code >= 400 {
				t.Fatalf("lang: %d", code)
			}
			if _, body := get(t, admin, s.URL+"/centre/jobs"); !strings.Contains(body, "Baggrundsjob") || !strings.Contains(body, "Annulleret") {
				t.Fatalf("Danish jobs page:\n%s", body)
			}
			if code, _ := get(t, s.Login(t, "A:coordinator"), s.URL+"/centre/jobs"); code != http.StatusForbidden {
				t.Fatalf("coordinator: %d", code)
			}
		})
	}
}
