package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestCreateUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		cases := []struct {
			name      string
			nu        store.NewUser
			want      error
			wantEmail string
		}{
			{"email lower-cased and trimmed", store.NewUser{Email: "  Jens.Hansen@Aarhus.DK ", Name: " Jens ", Lang: "da", OrgID: f.A.Org.ID, Role: vaern.RoleRespondent, UnitID: f.A.Team.ID}, nil, "jens.hansen@aarhus.dk"},
			{"centre analyst in the centre", store.NewUser{Email: "soc@kl.dk", OrgID: f.Centre.ID, Role: vaern.RoleCentreAnalyst}, nil, "soc@kl.dk"},
			{"duplicate email, other case", store.NewUser{Email: "COORDINATOR@aarhus.dk", OrgID: f.B.Org.ID, Role: vaern.RoleViewer}, invalid("email"), ""},
			{"display name not accepted", store.NewUser{Email: "Jens <jens@aarhus.dk>", OrgID: f.A.Org.ID, Role: vaern.RoleViewer}, invalid("email"), ""},
			{"no domain dot", store.NewUser{Email: "jens@localhost", OrgID: f.A.Org.ID, Role: vaern.RoleViewer}, invalid("email"), ""},
			{"unknown role", store.NewUser{Email: "x1@aarhus.dk", OrgID: f.A.Org.ID, Role: "boss"}, invalid("role"), ""},
			{"centre role in a member", store.NewUser{Email: "x2@aarhus.dk", OrgID: f.A.Org.ID, Role: vaern.RoleCentreAdmin}, invalid("role"), ""},
			{"member role in the centre", store.NewUser{Email: "x3@kl.dk", OrgID: f.Centre.ID, Role: vaern.RoleCoordinator}, invalid("role"), ""},
			{"unit of another org", store.NewUser{Email: "x4@aarhus.dk", OrgID: f.A.Org.ID, Role: vaern.RoleViewer, UnitID: f.B.Team.ID}, invalid("unit"), ""},
			{"unknown org", store.NewUser{Email: "x5@aarhus.dk", OrgID: 999999, Role: vaern.RoleViewer}, vaern.ErrNotFound, ""},
			{"unknown language", store.NewUser{Email: "x6@aarhus.dk", Lang: "sv", OrgID: f.A.Org.ID, Role: vaern.RoleViewer}, invalid("lang"), ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				u, err := s.CreateUser(f.ctx, f.coordA(), c.nu)
				wantErr(t, err, c.want)
				if c.want != nil {
					if after := f.auditCounts(t); !equalCounts(before, after) {
						t.Fatalf("refused user wrote audit rows")
					}
					if c.nu.Email[0] == 'x' {
						_, err := s.UserByEmail(f.ctx, c.nu.Email)
						wantErr(t, err, vaern.ErrNotFound)
					}
					return
				}
				want := vaern.User{ID: u.ID, Email: c.wantEmail, Name: trim(c.nu.Name), Lang: c.nu.Lang, CreatedAt: t0, UpdatedAt: t0}
				if u != want {
					t.Fatalf("user = %+v, want %+v", u, want)
				}
				if got := must(s.UserSelf(f.ctx, u.ID))(t); got != want {
					t.Fatalf("stored user = %+v, want %+v", got, want)
				}
				m := must(s.OrgUser(f.ctx, c.nu.OrgID, u.ID))(t)
				if m.User != want || m.Role != c.nu.Role || m.UnitID != c.nu.UnitID {
					t.Fatalf("member = %+v", m)
				}
				e := f.wantAudit(t, c.nu.OrgID, f.coordA(), "user.create", u.ID)
				if !contains(e.Detail, `"email":"`+c.wantEmail+`"`) || !contains(e.Detail, `"role":"`+string(c.nu.Role)+`"`) {
					t.Fatalf("detail = %s", e.Detail)
				}
			})
		}
	})
}

func TestPasswordLogin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u, hash, err := s.PasswordLogin(f.ctx, "  Respondent@Aarhus.dk")
		ok(t, err)
		if u.ID != f.A.Respondent.ID || hash != "hash-of-respondent@aarhus.dk" {
			t.Fatalf("PasswordLogin = %+v, %q", u, hash)
		}
		_, _, err = s.PasswordLogin(f.ctx, "nobody@aarhus.dk")
		wantErr(t, err, vaern.ErrNotFound)
		if got := must(s.UserByEmail(f.ctx, "VIEWER@bergen.no"))(t); got.ID != f.B.Viewer.ID {
			t.Fatalf("UserByEmail = %+v", got)
		}
	})
}

func TestOrgUsersScoping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, m := range []member{f.A, f.B} {
			list := must(s.OrgUsers(f.ctx, m.Org.ID))(t)
			want := map[int64]vaern.Role{m.Coordinator.ID: vaern.RoleCoordinator, m.Respondent.ID: vaern.RoleRespondent, m.Viewer.ID: vaern.RoleViewer}
			if len(list) != len(want) {
				t.Fatalf("org %d has %d users, want %d: %+v", m.Org.ID, len(list), len(want), list)
			}
			for _, u := range list {
				if r, ok := want[u.ID]; !ok || r != u.Role {
					t.Fatalf("org %d lists %+v", m.Org.ID, u)
				}
			}
		}
		cases := []struct {
			name      string
			org, user int64
			found     bool
			unit      string
		}{
			{"own respondent with unit", f.A.Org.ID, f.A.Respondent.ID, true, "IT department"},
			{"own coordinator without unit", f.A.Org.ID, f.A.Coordinator.ID, true, ""},
			{"user of B via A", f.A.Org.ID, f.B.Respondent.ID, false, ""},
			{"user of A via B", f.B.Org.ID, f.A.Coordinator.ID, false, ""},
			{"member user via the centre", f.Centre.ID, f.A.Coordinator.ID, false, ""},
			{"centre user via A", f.A.Org.ID, f.CentreAdmin.ID, false, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				m, err := s.OrgUser(f.ctx, c.org, c.user)
				if !c.found {
					wantErr(t, err, vaern.ErrNotFound)
					return
				}
				ok(t, err)
				if m.ID != c.user || m.UnitName != c.unit {
					t.Fatalf("OrgUser = %+v", m)
				}
			})
		}
		orgs, roles, err := s.UserOrgs(f.ctx, f.A.Viewer.ID)
		ok(t, err)
		if len(orgs) != 1 || orgs[0].ID != f.A.Org.ID || roles[0] != vaern.RoleViewer {
			t.Fatalf("UserOrgs = %+v %v", orgs, roles)
		}
	})
}

func TestAddMembership(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		cases := []struct {
			name string
			m    vaern.Membership
			want error
		}{
			{"A's viewer joins B", vaern.Membership{UserID: f.A.Viewer.ID, OrgID: f.B.Org.ID, Role: vaern.RoleRespondent, UnitID: f.B.Dept.ID}, nil},
			{"role that does not fit", vaern.Membership{UserID: f.A.Respondent.ID, OrgID: f.B.Org.ID, Role: vaern.RoleCentreAdmin}, invalid("role")},
			{"unit of another org", vaern.Membership{UserID: f.A.Respondent.ID, OrgID: f.B.Org.ID, Role: vaern.RoleViewer, UnitID: f.A.Dept.ID}, invalid("unit")},
			{"unknown org", vaern.Membership{UserID: f.A.Respondent.ID, OrgID: 999999, Role: vaern.RoleViewer}, vaern.ErrNotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				wantErr(t, s.AddMembership(f.ctx, f.coordB(), c.m), c.want)
				if c.want != nil {
					if after := f.auditCounts(t); !equalCounts(before, after) {
						t.Fatalf("refused membership wrote audit rows")
					}
					_, err := s.OrgUser(f.ctx, c.m.OrgID, c.m.UserID)
					wantErr(t, err, vaern.ErrNotFound)
					return
				}
				m := must(s.OrgUser(f.ctx, c.m.OrgID, c.m.UserID))(t)
				if m.Role != c.m.Role || m.UnitID != c.m.UnitID {
					t.Fatalf("member = %+v", m)
				}
				f.wantAudit(t, c.m.OrgID, f.coordB(), "membership.add", c.m.UserID)
			})
		}
		orgs, roles, err := s.UserOrgs(f.ctx, f.A.Viewer.ID)
		ok(t, err)
		if len(orgs) != 2 || orgs[0].ID != f.A.Org.ID || roles[0] != vaern.RoleViewer || orgs[1].ID != f.B.Org.ID || roles[1] != vaern.RoleRespondent {
			t.Fatalf("UserOrgs = %+v %v", orgs, roles)
		}
	})
}

func TestSetRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.A
		cases := []struct {
			name string
			org  int64
			user int64
			role vaern.Role
			unit int64
			want error
		}{
			{"demote the only coordinator", a.Org.ID, a.Coordinator.ID, vaern.RoleRespondent, 0, invalid("role")},
			{"promote the respondent", a.Org.ID, a.Respondent.ID, vaern.RoleCoordinator, a.Admin.ID, nil},
			{"now the first coordinator may step down", a.Org.ID, a.Coordinator.ID, vaern.RoleViewer, a.Other.ID, nil},
			{"and the second may not", a.Org.ID, a.Respondent.ID, vaern.RoleViewer, 0, invalid("role")},
			{"coordinator keeps role, changes unit", a.Org.ID, a.Respondent.ID, vaern.RoleCoordinator, a.Team.ID, nil},
			{"centre role in a member", a.Org.ID, a.Viewer.ID, vaern.RoleCentreAnalyst, 0, invalid("role")},
			{"unit of another org", a.Org.ID, a.Viewer.ID, vaern.RoleRespondent, f.B.Dept.ID, invalid("unit")},
			{"user of B via A", a.Org.ID, f.B.Viewer.ID, vaern.RoleRespondent, 0, vaern.ErrNotFound},
			{"last centre admin", f.Centre.ID, f.CentreAdmin.ID, vaern.RoleCentreAnalyst, 0, invalid("role")},
			{"member role in the centre", f.Centre.ID, f.CentreAnalyst.ID, vaern.RoleCoordinator, 0, invalid("role")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				old, oldErr := s.OrgUser(f.ctx, c.org, c.user)
				wantErr(t, s.SetRole(f.ctx, f.coordA(), c.org, c.user, c.role, c.unit), c.want)
				if c.want != nil {
					if after := f.auditCounts(t); !equalCounts(before, after) {
						t.Fatalf("refused role change wrote audit rows")
					}
					now, err := s.OrgUser(f.ctx, c.org, c.user)
					if (err == nil) != (oldErr == nil) || now.Role != old.Role || now.UnitID != old.UnitID {
						t.Fatalf("refused role change changed the member: %+v → %+v", old, now)
					}
					return
				}
				m := must(s.OrgUser(f.ctx, c.org, c.user))(t)
				if m.Role != c.role || m.UnitID != c.unit {
					t.Fatalf("member = %+v, want role %s unit %d", m, c.role, c.unit)
				}
				e := f.wantAudit(t, c.org, f.coordA(), "membership.role", c.user)
				if !contains(e.Detail, `"from":"`+string(old.Role)+`"`) || !contains(e.Detail, `"to":"`+string(c.role)+`"`) {
					t.Fatalf("detail = %s", e.Detail)
				}
			})
		}
		// B's membership was never touched.
		if m := must(s.OrgUser(f.ctx, f.B.Org.ID, f.B.Viewer.ID))(t); m.Role != vaern.RoleViewer || m.UnitID != f.B.Team.ID {
			t.Fatalf("B's viewer = %+v", m)
		}
	})
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.A
		// The viewer also belongs to B, with a session and a token there that must survive.
		ok(t, s.AddMembership(f.ctx, f.coordB(), vaern.Membership{UserID: a.Viewer.ID, OrgID: f.B.Org.ID, Role: vaern.RoleViewer}))
		f.session(t, a.Viewer, a.Org.ID, "ses-viewer-a")
		f.session(t, a.Viewer, f.B.Org.ID, "ses-viewer-b")
		tokA := f.token(t, a.Viewer, a.Org.ID, vaern.RoleViewer, "cli", "hash-viewer-a")
		tokB := f.token(t, a.Viewer, f.B.Org.ID, vaern.RoleViewer, "cli", "hash-viewer-b")

		before := f.auditCounts(t)
		wantErr(t, s.RemoveMember(f.ctx, f.coordA(), a.Org.ID, a.Coordinator.ID), invalid("role"))
		wantErr(t, s.RemoveMember(f.ctx, f.coordA(), a.Org.ID, f.B.Respondent.ID), vaern.ErrNotFound)
		wantErr(t, s.RemoveMember(f.ctx, f.coordA(), a.Org.ID, f.B.Coordinator.ID), vaern.ErrNotFound)
		if after := f.auditCounts(t); !equalCounts(before, after) {
			t.Fatalf("refused removals wrote audit rows")
		}
		if _, err := s.OrgUser(f.ctx, f.B.Org.ID, f.B.Respondent.ID); err != nil {
			t.Fatalf("refused removal removed B's respondent: %v", err)
		}

		f.clock.Add(time.Minute)
		ok(t, s.RemoveMember(f.ctx, f.coordA(), a.Org.ID, a.Viewer.ID))
		f.wantAudit(t, a.Org.ID, f.coordA(), "membership.remove", a.Viewer.ID)
		_, err := s.OrgUser(f.ctx, a.Org.ID, a.Viewer.ID)
		wantErr(t, err, vaern.ErrNotFound)
		if f.live(t, "ses-viewer-a") || !f.live(t, "ses-viewer-b") {
			t.Fatal("RemoveMember must end the session in A and only that one")
		}
		if _, err := s.LoadAPIToken(f.ctx, "hash-viewer-a", f.clock.Now()); err == nil {
			t.Fatal("token in A still loads")
		}
		if _, err := s.LoadAPIToken(f.ctx, "hash-viewer-b", f.clock.Now()); err != nil {
			t.Fatalf("token in B: %v", err)
		}
		toks := must(s.APITokens(f.ctx, a.Org.ID, a.Viewer.ID))(t)
		if len(toks) != 1 || toks[0].ID != tokA.ID || !toks[0].RevokedAt.Equal(f.clock.Now()) {
			t.Fatalf("tokens in A = %+v", toks)
		}
		if toks := must(s.APITokens(f.ctx, f.B.Org.ID, a.Viewer.ID))(t); len(toks) != 1 || toks[0].ID != tokB.ID || !toks[0].RevokedAt.IsZero() {
			t.Fatalf("tokens in B = %+v", toks)
		}
		// A second removal finds nothing.
		wantErr(t, s.RemoveMember(f.ctx, f.coordA(), a.Org.ID, a.Viewer.ID), vaern.ErrNotFound)
	})
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u := f.A.Respondent
		self := f.actor(u, f.A.Org.ID, vaern.RoleRespondent)
		f.session(t, u, f.A.Org.ID, "keep")
		f.session(t, u, f.A.Org.ID, "other-1")
		f.session(t, u, f.A.Org.ID, "other-2")
		f.session(t, f.A.Viewer, f.A.Org.ID, "viewer")

		ok(t, s.SetPassword(f.ctx, self, f.A.Org.ID, u.ID, "new-hash", "keep"))
		if _, hash, _ := s.PasswordLogin(f.ctx, u.Email); hash != "new-hash" {
			t.Fatalf("hash = %q", hash)
		}
		for id, want := range map[string]bool{"keep": true, "other-1": false, "other-2": false, "viewer": true} {
			if got := f.live(t, id); got != want {
				t.Errorf("session %s live = %v, want %v", id, got, want)
			}
		}
		f.wantAudit(t, f.A.Org.ID, self, "user.password", u.ID)

		// Without a session to keep (a reset link), every session ends.
		ok(t, s.SetPassword(f.ctx, sys, f.A.Org.ID, u.ID, "reset-hash", ""))
		if f.live(t, "keep") {
			t.Fatal("reset kept a session")
		}
		if _, hash, _ := s.PasswordLogin(f.ctx, u.Email); hash != "reset-hash" {
			t.Fatalf("hash = %q", hash)
		}
		// A user that never had a password identity gets one.
		nu := must(s.CreateUser(f.ctx, f.coordA(), store.NewUser{Email: "invited@aarhus.dk", OrgID: f.A.Org.ID, Role: vaern.RoleViewer}))(t)
		ok(t, s.SetPassword(f.ctx, sys, f.A.Org.ID, nu.ID, "first-hash", ""))
		if _, hash, _ := s.PasswordLogin(f.ctx, "invited@aarhus.dk"); hash != "first-hash" {
			t.Fatalf("hash = %q", hash)
		}
		wantErr(t, s.SetPassword(f.ctx, sys, f.A.Org.ID, 999999, "x", ""), vaern.ErrNotFound)
		// A user of B through A: not found, and B's password is unchanged.
		wantErr(t, s.SetPassword(f.ctx, f.coordA(), f.A.Org.ID, f.B.Viewer.ID, "x", ""), vaern.ErrNotFound)
		if _, hash, _ := s.PasswordLogin(f.ctx, f.B.Viewer.Email); hash != "hash-of-viewer@bergen.no" {
			t.Fatalf("B's hash = %q", hash)
		}
	})
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u := f.A.Viewer
		self := f.actor(u, f.A.Org.ID, vaern.RoleViewer)
		cases := []struct {
			name, uname, lang string
			want              error
		}{
			{"danish", " Karen Jensen ", "da", nil},
			{"bokmål", "Kari Nordmann", "nb", nil},
			{"english", "Karen", "en", nil},
			{"browser default", "Karen", "", nil},
			{"swedish", "Karen", "sv", invalid("lang")},
			{"upper case", "Karen", "DA", invalid("lang")},
			{"name too long", strings.Repeat("x", 201), "da", invalid("name")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := must(s.UserSelf(f.ctx, u.ID))(t)
				now := f.clock.Add(time.Second)
				wantErr(t, s.UpdateProfile(f.ctx, self, f.A.Org.ID, u.ID, c.uname, c.lang), c.want)
				got := must(s.UserSelf(f.ctx, u.ID))(t)
				if c.want != nil {
					if got != before {
						t.Fatalf("refused profile changed the user: %+v", got)
					}
					return
				}
				if got.Name != trim(c.uname) || got.Lang != c.lang || !got.UpdatedAt.Equal(now) {
					t.Fatalf("user = %+v", got)
				}
				f.wantAudit(t, f.A.Org.ID, self, "user.profile", u.ID)
			})
		}
		wantErr(t, s.UpdateProfile(f.ctx, self, f.A.Org.ID, 999999, "X", "da"), vaern.ErrNotFound)
		wantErr(t, s.UpdateProfile(f.ctx, f.coordA(), f.A.Org.ID, f.B.Viewer.ID, "Hijacked", "da"), vaern.ErrNotFound)
		if got := must(s.UserSelf(f.ctx, f.B.Viewer.ID))(t); got != f.B.Viewer {
			t.Fatalf("B's viewer changed: %+v", got)
		}
	})
}

func TestTOTPAndRecoveryCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		u := f.A.Respondent
		self := f.actor(u, f.A.Org.ID, vaern.RoleRespondent)

		// Enabling without a started secret is refused.
		wantErr(t, s.EnableTOTP(f.ctx, self, f.A.Org.ID, u.ID, []string{"r1"}), vaern.ErrNotFound)
		ok(t, s.StartTOTP(f.ctx, u.ID, "SECRET1"))
		ok(t, s.StartTOTP(f.ctx, u.ID, "SECRET2")) // a rescan replaces the pending secret
		if sec := must(s.TOTPSecret(f.ctx, u.ID))(t); sec != "SECRET2" {
			t.Fatalf("secret = %q", sec)
		}
		if must(s.UserSelf(f.ctx, u.ID))(t).TOTPEnabled {
			t.Fatal("enabled before EnableTOTP")
		}
		ok(t, s.EnableTOTP(f.ctx, self, f.A.Org.ID, u.ID, []string{"r1", "r2", "r3"}))
		f.wantAudit(t, f.A.Org.ID, self, "user.2fa.enable", u.ID)
		if !must(s.UserSelf(f.ctx, u.ID))(t).TOTPEnabled {
			t.Fatal("not enabled")
		}
		// Once enabled, the secret cannot be replaced by starting again.
		wantErr(t, s.StartTOTP(f.ctx, u.ID, "EVIL"), vaern.ErrNotFound)
		if sec := must(s.TOTPSecret(f.ctx, u.ID))(t); sec != "SECRET2" {
			t.Fatalf("secret = %q", sec)
		}

		// Recovery codes: each works once, unknown ones never, and another user's codes are not ours.
		ok(t, s.StartTOTP(f.ctx, f.A.Viewer.ID, "VSECRET"))
		ok(t, s.EnableTOTP(f.ctx, f.actor(f.A.Viewer, f.A.Org.ID, vaern.RoleViewer), f.A.Org.ID, f.A.Viewer.ID, []string{"v1"}))
		steps := []struct {
			user int64
			code string
			want bool
			left int
		}{
			{u.ID, "r2", true, 2},
			{u.ID, "r2", false, 2},
			{u.ID, "nope", false, 2},
			{u.ID, "v1", false, 2},
			{u.ID, "r1", true, 1},
			{u.ID, "r3", true, 0},
			{u.ID, "r3", false, 0},
		}
		for i, st := range steps {
			before := len(f.audit(t, f.A.Org.ID))
			got := must(s.UseRecoveryCode(f.ctx, self, f.A.Org.ID, st.user, st.code))(t)
			if got != st.want {
				t.Fatalf("step %d: UseRecoveryCode(%s) = %v, want %v", i, st.code, got, st.want)
			}
			if left := must(s.RecoveryCodesLeft(f.ctx, u.ID))(t); left != st.left {
				t.Fatalf("step %d: %d codes left, want %d", i, left, st.left)
			}
			wantRows := before
			if st.want {
				wantRows++
				f.wantAudit(t, f.A.Org.ID, self, "user.2fa.recovery_code", u.ID)
			}
			if n := len(f.audit(t, f.A.Org.ID)); n != wantRows {
				t.Fatalf("step %d: %d audit rows, want %d", i, n, wantRows)
			}
		}
		if left := must(s.RecoveryCodesLeft(f.ctx, f.A.Viewer.ID))(t); left != 1 {
			t.Fatalf("viewer's codes left = %d", left)
		}

		// Re-enabling replaces the codes.
		ok(t, s.EnableTOTP(f.ctx, self, f.A.Org.ID, u.ID, []string{"n1", "n2"}))
		if left := must(s.RecoveryCodesLeft(f.ctx, u.ID))(t); left != 2 {
			t.Fatalf("codes after re-enable = %d", left)
		}

		// Reset by the coordinator (lost phone): off, secret and codes gone, sessions ended.
		f.session(t, u, f.A.Org.ID, "resp-1")
		f.session(t, f.A.Coordinator, f.A.Org.ID, "coord-1")
		wantErr(t, s.ResetTOTP(f.ctx, f.coordB(), f.B.Org.ID, u.ID), vaern.ErrNotFound) // B cannot reset A's user
		if !must(s.UserSelf(f.ctx, u.ID))(t).TOTPEnabled || !f.live(t, "resp-1") {
			t.Fatal("refused reset changed the user")
		}
		ok(t, s.ResetTOTP(f.ctx, f.coordA(), f.A.Org.ID, u.ID))
		f.wantAudit(t, f.A.Org.ID, f.coordA(), "user.2fa.reset", u.ID)
		got := must(s.UserSelf(f.ctx, u.ID))(t)
		if got.TOTPEnabled || must(s.TOTPSecret(f.ctx, u.ID))(t) != "" || must(s.RecoveryCodesLeft(f.ctx, u.ID))(t) != 0 {
			t.Fatalf("after reset: %+v", got)
		}
		if f.live(t, "resp-1") || !f.live(t, "coord-1") {
			t.Fatal("reset must end the user's sessions and only theirs")
		}
		// A user resetting their own 2FA keeps the session they do it from.
		ok(t, s.StartTOTP(f.ctx, u.ID, "S3"))
		ok(t, s.EnableTOTP(f.ctx, self, f.A.Org.ID, u.ID, nil))
		f.session(t, u, f.A.Org.ID, "resp-2")
		ok(t, s.ResetTOTP(f.ctx, self, f.A.Org.ID, u.ID))
		if !f.live(t, "resp-2") {
			t.Fatal("self reset ended the own session")
		}
	})
}
