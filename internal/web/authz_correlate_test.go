package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// The early warnings' id kinds. Early warnings and warninglists belong to the centre, of which
// there is one: no other centre's object exists, and a member's role never reaches the routes.
func init() {
	idKinds["early-warning"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			return fmt.Sprint(ewOf(t, s, "203.0.113.", s.Fix.A.ID, s.Fix.B.ID))
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "", false },
	}
	idKinds["warninglist"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			ctx := context.Background()
			if err := s.Store.EnsureWarninglists(ctx, s.Fix.Centre.ID, correlate.Defaults()); err != nil {
				t.Fatal(err)
			}
			lists, err := s.Store.Warninglists(ctx, s.Fix.Centre.ID)
			if err != nil || len(lists) == 0 {
				t.Fatal(lists, err)
			}
			return fmt.Sprint(lists[0].ID)
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "", false },
	}
}

// ewOf saves a fresh early warning for an indicator with the prefix, seen by the members.
func ewOf(t *testing.T, s *testserver.Server, prefix string, members ...int64) int64 {
	t.Helper()
	counter++
	at := s.Store.Now().Add(-20 * time.Minute)
	var id int64
	err := s.Store.SaveEarlyWarnings(context.Background(), s.Fix.Centre.ID, time.Hour, []vaern.EarlyWarning{{Kind: vaern.IndicatorIP,
		Value: fmt.Sprintf("%s%d", prefix, counter%250+1), SignatureID: 2024001, Signature: "ET SCAN probe", FirstSeen: at.Add(time.Duration(counter) * time.Millisecond),
		LastSeen: at.Add(10 * time.Minute), Alerts: 4, MemberIDs: members}},
		func(_ *store.Tx, w vaern.EarlyWarning, _ store.EarlyWarningSaved) error { id = w.ID; return nil })
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	return id
}
