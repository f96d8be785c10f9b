package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// Jobs belong to the installation's one centre; the foreign id is one that does not exist. The
// job is of a kind no worker runs, so it stays as the test leaves it.
func init() {
	idKinds["job"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			id, err := s.Store.EnqueueJob(context.Background(), "test.authz", nil, store.JobOpts{OrgID: s.Fix.A.ID})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(id)
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "999999", true },
	}
}
