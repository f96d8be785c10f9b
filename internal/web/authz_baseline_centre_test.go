package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The centre's frameworks and rounds live in the one centre, so there is no other tenant's object
// to try: the foreign id is one that does not exist, which must answer 404 like a foreign one.
func init() {
	missing := func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "999999", true }
	idKinds["framework"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(centreFramework(t, s).ID)
		},
		foreign: missing,
	}
	idKinds["round"] = idKind{
		// A fresh round each time, so that closing one never affects a later call.
		own: func(t *testing.T, s *testserver.Server, role string) string {
			ctx := context.Background()
			now := s.Store.Now()
			counter++
			r, err := s.Store.CreateRound(ctx, vaern.System("authz-test"), s.Fix.Centre.ID, vaern.Round{Year: now.Year(),
				FrameworkID: centreFramework(t, s).ID, Title: fmt.Sprintf("Runde %d", counter), OpensAt: now.Add(-time.Hour),
				ClosesAt: now.Add(30 * 24 * time.Hour)}, []int64{s.Fix.A.ID, s.Fix.B.ID})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(r.ID)
		},
		foreign: missing,
	}
}

// centreFramework installs the built-in frameworks in the test centre and returns the newest
// baseline.
func centreFramework(t *testing.T, s *testserver.Server) vaern.FrameworkInfo {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Store.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
		t.Fatal(err)
	}
	info, err := s.Store.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
	if err != nil {
		t.Fatal(err)
	}
	return info
}
