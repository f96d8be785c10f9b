package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// t0 is the fixed start of every test's clock; a whole millisecond so that stored times compare exactly.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// member is one member organisation of the fixture with its unit tree and one user per member role:
//
//	Admin (top) → Dept → Team
//	Other (top)
type member struct {
	Org                             vaern.Org
	Admin, Dept, Team, Other        vaern.Unit
	Coordinator, Respondent, Viewer vaern.User
}

// fixture is a centre with two members, A and B, built through the store's own methods.
type fixture struct {
	s     *store.Store
	ctx   context.Context
	clock *clock

	Centre                     vaern.Org
	CentreAdmin, CentreAnalyst vaern.User
	A, B                       member
}

// sys is the actor for fixture set-up and operator changes.
var sys = vaern.System("test")

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	f := &fixture{s: s, ctx: context.Background(), clock: &clock{now: t0}}
	s.SetClock(f.clock.Now)
	f.Centre = must(s.CreateCentre(f.ctx, sys, vaern.Org{Code: "KL", Name: "KL Sikkerhed", Country: "DK"}))(t)
	f.CentreAdmin = f.user(t, f.Centre.ID, vaern.RoleCentreAdmin, 0, "centre.admin@kl.dk")
	f.CentreAnalyst = f.user(t, f.Centre.ID, vaern.RoleCentreAnalyst, 0, "centre.analyst@kl.dk")
	f.A = f.member(t, "0101", "Aarhus Kommune", "aarhus.dk")
	f.B = f.member(t, "0202", "Bergen kommune", "bergen.no")
	return f
}

func (f *fixture) member(t *testing.T, code, name, domain string) member {
	t.Helper()
	ctx, s := f.ctx, f.s
	var m member
	country := "DK"
	if domain == "bergen.no" {
		country = "NO"
	}
	m.Org = must(s.CreateMember(ctx, f.actor(f.CentreAdmin, f.Centre.ID, vaern.RoleCentreAdmin), f.Centre.ID,
		vaern.Org{Code: code, Name: name, Country: country, Region: "Region", Population: 100000, SizeClass: vaern.SizeLarge}))(t)
	m.Coordinator = f.user(t, m.Org.ID, vaern.RoleCoordinator, 0, "coordinator@"+domain)
	co := f.actor(m.Coordinator, m.Org.ID, vaern.RoleCoordinator)
	m.Admin = must(s.CreateUnit(ctx, co, m.Org.ID, 0, "Administration"))(t)
	m.Dept = must(s.CreateUnit(ctx, co, m.Org.ID, m.Admin.ID, "IT department"))(t)
	m.Team = must(s.CreateUnit(ctx, co, m.Org.ID, m.Dept.ID, "Operations team"))(t)
	m.Other = must(s.CreateUnit(ctx, co, m.Org.ID, 0, "Schools"))(t)
	m.Respondent = f.user(t, m.Org.ID, vaern.RoleRespondent, m.Dept.ID, "respondent@"+domain)
	m.Viewer = f.user(t, m.Org.ID, vaern.RoleViewer, m.Team.ID, "viewer@"+domain)
	return m
}

func (f *fixture) user(t *testing.T, orgID int64, role vaern.Role, unitID int64, email string) vaern.User {
	t.Helper()
	return must(f.s.CreateUser(f.ctx, sys, store.NewUser{Email: email, Name: "User " + email,
		PasswordHash: "hash-of-" + email, OrgID: orgID, Role: role, UnitID: unitID}))(t)
}

// actor returns u acting for org with role, from a fixed address.
func (f *fixture) actor(u vaern.User, orgID int64, role vaern.Role) vaern.Actor {
	return vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: orgID, Role: role, IP: "192.0.2.10"}
}

func (f *fixture) coordA() vaern.Actor {
	return f.actor(f.A.Coordinator, f.A.Org.ID, vaern.RoleCoordinator)
}
func (f *fixture) coordB() vaern.Actor {
	return f.actor(f.B.Coordinator, f.B.Org.ID, vaern.RoleCoordinator)
}
func (f *fixture) centreAdmin() vaern.Actor {
	return f.actor(f.CentreAdmin, f.Centre.ID, vaern.RoleCentreAdmin)
}

// audit returns the organisation's audit rows, newest first.
func (f *fixture) audit(t *testing.T, orgID int64) []vaern.AuditEntry {
	t.Helper()
	return must(f.s.AuditLog(f.ctx, orgID, 0, 10000))(t)
}

// auditCounts returns how many audit rows every fixture organisation (and the system chain) holds.
func (f *fixture) auditCounts(t *testing.T) map[int64]int {
	t.Helper()
	out := map[int64]int{}
	for _, id := range []int64{0, f.Centre.ID, f.A.Org.ID, f.B.Org.ID} {
		out[id] = len(f.audit(t, id))
	}
	return out
}

// wantAudit checks that the newest row of org's chain records action by actor on object.
func (f *fixture) wantAudit(t *testing.T, orgID int64, a vaern.Actor, action string, objectID int64) vaern.AuditEntry {
	t.Helper()
	rows := f.audit(t, orgID)
	if len(rows) == 0 {
		t.Fatalf("org %d has no audit rows, want %s", orgID, action)
	}
	e := rows[0]
	if e.Action != action || e.ActorID != a.UserID || e.ActorEmail != a.Email || e.IP != a.IP ||
		e.ObjectID != fmt.Sprint(objectID) || e.Chain != orgID || e.OrgID != orgID || e.Seq != int64(len(rows)) {
		t.Fatalf("newest audit row of org %d = %+v\nwant action %s, actor %d/%s/%s, object %d, chain %d, seq %d",
			orgID, e, action, a.UserID, a.Email, a.IP, objectID, orgID, len(rows))
	}
	return e
}

// must turns (v, err) into v, failing the test on an error: must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks err against want: nil, a sentinel (errors.Is), or a *vaern.ValidationError whose Field
// must match.
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	var wv *vaern.ValidationError
	switch {
	case want == nil:
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
	case errors.As(want, &wv):
		var gv *vaern.ValidationError
		if !errors.As(err, &gv) || gv.Field != wv.Field {
			t.Fatalf("error = %v (%T), want a validation error on field %q", err, err, wv.Field)
		}
	default:
		if !errors.Is(err, want) {
			t.Fatalf("error = %v, want %v", err, want)
		}
	}
}

// invalid is the expected error of a validation failure on field.
func invalid(field string) error { return &vaern.ValidationError{Field: field} }

// exec tampers with the database outside the store's methods.
func exec(t testing.TB, s *store.Store, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	ok(t, s.Write(ctx, func(tx *store.Tx) error { return store.ExecForTest(ctx, tx, query, args...) }))
}

func itoa(id int64) string { return fmt.Sprint(id) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func equalCounts(a, b map[int64]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func trim(s string) string { return strings.TrimSpace(s) }

// Session lifetimes used by the tests.
const (
	idle     = 30 * time.Minute
	lifetime = 12 * time.Hour
)

// session signs u in to org with session id, at the clock's current time.
func (f *fixture) session(t *testing.T, u vaern.User, orgID int64, id string) vaern.Session {
	t.Helper()
	now := f.clock.Now()
	ses := vaern.Session{ID: id, UserID: u.ID, OrgID: orgID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(lifetime),
		IP: "198.51.100.7", UserAgent: "Firefox"}
	ok(t, f.s.CreateSession(f.ctx, ses))
	return ses
}

// live reports whether session id loads at the clock's current time.
func (f *fixture) live(t *testing.T, id string) bool {
	t.Helper()
	_, err := f.s.LoadSession(f.ctx, id, f.clock.Now(), idle)
	if err != nil && !errors.Is(err, vaern.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// token creates an API token for u in org with the given hash, valid for a day.
func (f *fixture) token(t *testing.T, u vaern.User, orgID int64, role vaern.Role, name, hash string) vaern.APIToken {
	t.Helper()
	return must(f.s.CreateAPIToken(f.ctx, f.actor(u, orgID, role),
		vaern.APIToken{UserID: u.ID, OrgID: orgID, Name: name, Prefix: hash[:4], ExpiresAt: f.clock.Now().Add(24 * time.Hour)}, hash))(t)
}

// count runs a query that returns one integer.
func count(t testing.TB, s *store.Store, query string, args ...any) int64 {
	t.Helper()
	return must(store.QueryIntForTest(context.Background(), s, query, args...))(t)
}
