package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/wire"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines to log into.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

// vaernRun runs the command line in-process and returns the exit status, stdout and stderr.
func vaernRun(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	if getenv == nil {
		getenv = noEnv
	}
	var out, errb syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, getenv, strings.NewReader(""), &out, &errb) }()
	select {
	case code := <-done:
		return code, out.String(), errb.String()
	case <-time.After(30 * time.Second):
		cancel()
		<-done
		t.Fatalf("vaern %s did not return (is it serving?)\nstdout: %s\nstderr: %s", strings.Join(args, " "), out.String(), errb.String())
		return 0, "", ""
	}
}

func wantExit(t *testing.T, code, want int, stdout, stderr string, args ...string) {
	t.Helper()
	if code != want {
		t.Fatalf("vaern %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, stdout, stderr)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, _ := vaernRun(t, nil, args...)
		wantExit(t, code, 0, out, "", args...)
		for name := range commands() {
			if !regexp.MustCompile(`(?m)^  ` + name + `\s+\S`).MatchString(out) {
				t.Errorf("vaern %s does not list %q:\n%s", args[0], name, out)
			}
		}
		if !strings.Contains(out, "help") || !strings.Contains(out, "Usage: vaern COMMAND") {
			t.Errorf("vaern %s:\n%s", args[0], out)
		}
	}
	for _, want := range []string{"serve", "demo", "migrate", "user", "audit", "version"} {
		if _, ok := commands()[want]; !ok {
			t.Errorf("no %q command", want)
		}
	}
	// Without a command: the usage, and a status that tells scripts something was missing.
	code, out, _ := vaernRun(t, nil)
	wantExit(t, code, 2, out, "")
	if !strings.Contains(out, "Commands:") {
		t.Fatalf("vaern without a command:\n%s", out)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, out, errs := vaernRun(t, nil, "frobnicate", "--data", t.TempDir())
	wantExit(t, code, 2, out, errs, "frobnicate")
	if !strings.Contains(errs, `unknown command "frobnicate"`) || !strings.Contains(errs, "Commands:") {
		t.Fatalf("stderr:\n%s", errs)
	}
	if out != "" {
		t.Fatalf("an unknown command printed to stdout:\n%s", out)
	}
}

func TestEverySubcommandHasHelp(t *testing.T) {
	cases := [][]string{{"user", "create", "-h"}, {"user", "list", "--help"}, {"audit", "verify", "-h"}}
	for name := range commands() {
		cases = append(cases, []string{name, "-h"}, []string{"help", name})
	}
	for _, args := range cases {
		dir := t.TempDir()
		code, out, errs := vaernRun(t, nil, args...)
		wantExit(t, code, 0, out, errs, args...)
		if !strings.Contains(out+errs, "Usage") {
			t.Errorf("vaern %s prints no usage:\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errs)
		}
		// Asking for help must not do anything (no server, no database).
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("vaern %s created files", strings.Join(args, " "))
		}
	}
	// The flags that matter are described.
	_, out, errs := vaernRun(t, nil, "serve", "-h")
	for _, f := range []string{"-addr", "-data", "-database", "-base-url", "VAERN_ADDR", "VAERN_DATABASE", "-trust-proxy"} {
		if !strings.Contains(out+errs, f) {
			t.Errorf("serve -h does not describe %s", f)
		}
	}
	_, out, errs = vaernRun(t, nil, "user", "-h")
	for _, sub := range []string{"create", "set-role", "reset-2fa", "list"} {
		if !strings.Contains(out+errs, "vaern user "+sub) {
			t.Errorf("user -h does not describe %s", sub)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, errs := vaernRun(t, nil, "version")
	wantExit(t, code, 0, out, errs, "version")
	if out != "vaern "+vaern.Version+"\n" {
		t.Fatalf("version printed %q", out)
	}
	code, out, errs = vaernRun(t, nil, "version", "--nope")
	if code == 0 {
		t.Fatalf("version with an unknown flag: exit 0\n%s%s", out, errs)
	}
}

func TestMigrate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "data")
	code, out, errs := vaernRun(t, nil, "migrate", "--data", dir)
	wantExit(t, code, 0, out, errs, "migrate")
	if !strings.Contains(out, "applied ") || !regexp.MustCompile(`schema at version [1-9]\d* \(sqlite\)`).MatchString(out) {
		t.Fatalf("migrate printed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "vaern.db")); err != nil {
		t.Fatalf("no database file: %v", err)
	}
	code, out2, errs := vaernRun(t, nil, "migrate", "--data", dir)
	wantExit(t, code, 0, out2, errs, "migrate")
	if strings.Contains(out2, "applied") || !strings.Contains(out2, "schema at version") {
		t.Fatalf("second migrate printed:\n%s", out2)
	}
	// VAERN_DATA works instead of the flag.
	env := func(k string) string {
		if k == "VAERN_DATA" {
			return dir
		}
		return ""
	}
	code, out3, errs := vaernRun(t, env, "migrate")
	wantExit(t, code, 0, out3, errs, "migrate")
	if out3 != out2 {
		t.Fatalf("migrate with VAERN_DATA printed:\n%s", out3)
	}
	code, out, errs = vaernRun(t, nil, "migrate")
	wantExit(t, code, 2, out, errs, "migrate")
	if !strings.Contains(errs, "--data") {
		t.Fatalf("migrate without a database: %s", errs)
	}

	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.DSN(t, store.Postgres)
		code, out, errs := vaernRun(t, nil, "migrate", "--database", dsn)
		wantExit(t, code, 0, out, errs, "migrate")
		if !strings.Contains(out, "applied ") || !strings.Contains(out, "(postgres)") {
			t.Fatalf("migrate printed:\n%s", out)
		}
	})
}

// seeded migrates a fresh database of engine e through the command line and seeds a centre, member
// 751 with a unit, and a coordinator; it returns the DSN and an open store.
func seeded(t *testing.T, e store.Engine) (string, *store.Store, vaern.Org, vaern.User) {
	t.Helper()
	dsn := storetest.DSN(t, e)
	code, out, errs := vaernRun(t, nil, "migrate", "--database", dsn)
	wantExit(t, code, 0, out, errs, "migrate")
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sys := vaern.System("test")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Centret", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUnit(ctx, sys, org.ID, 0, "Borgerservice"); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword("et-godt-kodeord")
	coord, err := st.CreateUser(ctx, sys, store.NewUser{Email: "koordinator@aarhus.dk", Name: "Karen", PasswordHash: hash,
		OrgID: org.ID, Role: vaern.RoleCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	return dsn, st, org, coord
}

func engines(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestUserCommands(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		dsn, st, full, coord := seeded(t, e)
		db := []string{"--database", dsn}
		// 751 has a coordinator already; 752 has nobody yet.
		org, err := st.CreateMember(ctx, vaern.System("test"), full.ParentID, vaern.Org{Code: "752", Name: "Nykøbing", Country: "DK"})
		if err != nil {
			t.Fatal(err)
		}
		user := func(want int, args ...string) (string, string) {
			t.Helper()
			args = append(append([]string{"user"}, args...), db...)
			code, out, errs := vaernRun(t, nil, args...)
			wantExit(t, code, want, out, errs, args...)
			return out, errs
		}

		// In a member with people, the operator adds nobody and changes no role: its own
		// coordinators do.
		if _, errs := user(1, "create", "--org", "751", "--email", "ind@attacker.test", "--role", "coordinator"); !strings.Contains(errs, "already has people") {
			t.Fatalf("create in a member with people: %s", errs)
		}
		if _, errs := user(2, "set-role", "--org", "751", "--email", coord.Email, "--role", "viewer"); !strings.Contains(errs, "own coordinators") {
			t.Fatalf("set-role in a member: %s", errs)
		}
		if _, errs := user(1, "create", "--org", "752", "--email", "resp@attacker.test", "--role", "respondent"); !strings.Contains(errs, "first") {
			t.Fatalf("a first user who is no coordinator: %s", errs)
		}
		out, _ := user(0, "create", "--org", "752", "--email", "Ny@Aarhus.dk", "--role", "coordinator", "--name", "Niels Ny")
		m := regexp.MustCompile(`(?m)^password: (\S+)$`).FindStringSubmatch(out)
		if m == nil || !strings.Contains(out, "created user") || !strings.Contains(out, "ny@aarhus.dk") {
			t.Fatalf("user create printed:\n%s", out)
		}
		u, hash, err := st.PasswordLogin(ctx, "ny@aarhus.dk")
		if err != nil {
			t.Fatalf("created user: %v", err)
		}
		if ok, err := auth.VerifyPassword(m[1], hash); !ok || err != nil {
			t.Fatalf("the printed password %q does not work: %v", m[1], err)
		}
		if ok, _ := auth.VerifyPassword(m[1]+"x", hash); ok {
			t.Fatalf("any password works")
		}
		if mem, err := st.OrgUser(ctx, org.ID, u.ID); err != nil || mem.Role != vaern.RoleCoordinator || mem.Name != "Niels Ny" {
			t.Fatalf("membership %+v, %v", mem, err)
		}
		// A given password is used and not printed.
		if o, _ := st.Org(ctx, org.ID, org.ID); o.CentreJoinedAt.IsZero() {
			t.Fatal("the operator's first coordinator is not recorded as reaching the member")
		}
		if _, errs := user(1, "create", "--org", "752", "--email", "second@attacker.test", "--role", "coordinator"); !strings.Contains(errs, "already has people") {
			t.Fatalf("a second operator user in a member: %s", errs)
		}
		out, _ = user(0, "create", "--org", "CENTRE", "--email", "vera@aarhus.dk", "--role", "centre-analyst", "--password", "mit-eget-kodeord")
		if strings.Contains(out, "password:") || strings.Contains(out, "mit-eget-kodeord") {
			t.Fatalf("a given password was printed:\n%s", out)
		}
		if _, hash, _ := st.PasswordLogin(ctx, "vera@aarhus.dk"); hash == "" {
			t.Fatalf("no password stored")
		} else if ok, _ := auth.VerifyPassword("mit-eget-kodeord", hash); !ok {
			t.Fatalf("the given password does not work")
		}

		// Mistakes are named.
		_, errs := user(1, "create", "--org", "CENTRE", "--email", "ny@aarhus.dk", "--role", "centre-analyst")
		if !strings.Contains(errs, "email") || !strings.Contains(errs, "already in use") {
			t.Fatalf("duplicate: %s", errs)
		}
		_, errs = user(2, "create", "--org", "751", "--email", "x@aarhus.dk", "--role", "centre-admin")
		if !strings.Contains(errs, "centre-admin") {
			t.Fatalf("centre role in a member: %s", errs)
		}
		_, errs = user(1, "create", "--org", "9999", "--email", "x@aarhus.dk", "--role", "viewer")
		if !strings.Contains(errs, `"9999"`) || !strings.Contains(errs, "not found") {
			t.Fatalf("unknown org: %s", errs)
		}
		_, errs = user(1, "create", "--org", "751", "--email", "x@aarhus.dk", "--role", "viewer", "--password", "kort")
		if !strings.Contains(errs, "password") {
			t.Fatalf("short password: %s", errs)
		}
		_, errs = user(1, "create", "--org", "751", "--email", "ikke en adresse", "--role", "viewer")
		if !strings.Contains(errs, "email") {
			t.Fatalf("bad address: %s", errs)
		}
		user(2, "create", "--email", "x@aarhus.dk", "--role", "viewer")
		user(2, "frobnicate")
		if code, out, errs := vaernRun(t, nil, "user"); code != 2 {
			t.Fatalf("user without a subcommand: exit %d\n%s%s", code, out, errs)
		}
		if _, err := st.UserByEmail(ctx, "x@aarhus.dk"); err == nil {
			t.Fatalf("a refused create made a user")
		}

		// set-role, in the centre only
		out, _ = user(0, "set-role", "--org", "CENTRE", "--email", "vera@aarhus.dk", "--role", "centre-admin")
		if !strings.Contains(out, "centre-admin") {
			t.Fatalf("set-role printed: %s", out)
		}
		_, errs = user(1, "set-role", "--org", "CENTRE", "--email", "vera@aarhus.dk", "--role", "centre-analyst")
		if !strings.Contains(errs, "at least one coordinator") {
			t.Fatalf("demoting the last administrator: %s", errs)
		}
		_, errs = user(1, "set-role", "--org", "CENTRE", "--email", "nobody@aarhus.dk", "--role", "centre-analyst")
		if !strings.Contains(errs, "nobody@aarhus.dk") {
			t.Fatalf("unknown user: %s", errs)
		}
		user(1, "set-role", "--org", "CENTRE", "--email", "vera@aarhus.dk", "--role", "wizard")

		// list
		out, _ = user(0, "list", "--org", "752")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "ID") {
			t.Fatalf("user list:\n%s", out)
		}
		for _, want := range []string{"ny@aarhus.dk", "Niels Ny"} {
			if !strings.Contains(out, want) {
				t.Fatalf("user list lacks %q:\n%s", want, out)
			}
		}
		if !regexp.MustCompile(`ny@aarhus\.dk\s+Niels Ny\s+coordinator`).MatchString(out) {
			t.Fatalf("user list does not show the new role:\n%s", out)
		}

		// reset-2fa: switches it off and ends the sessions.
		secret, _, _, err := auth.NewTOTP("Værn", "ny@aarhus.dk")
		if err != nil {
			t.Fatal(err)
		}
		_, hashes := auth.NewRecoveryCodes(10)
		if err := st.StartTOTP(ctx, u.ID, secret); err != nil {
			t.Fatal(err)
		}
		if err := st.EnableTOTP(ctx, vaern.System("test"), org.ID, u.ID, hashes); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		ses := vaern.Session{ID: auth.HashToken("cli-test-session"), UserID: u.ID, OrgID: org.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateSession(ctx, ses); err != nil {
			t.Fatal(err)
		}
		out, _ = user(0, "reset-2fa", "--email", "ny@aarhus.dk")
		if !strings.Contains(out, "ny@aarhus.dk") {
			t.Fatalf("reset-2fa printed: %s", out)
		}
		if got, _ := st.UserSelf(ctx, u.ID); got.TOTPEnabled {
			t.Fatalf("2FA still on after reset-2fa")
		}
		if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 0 {
			t.Fatalf("%d recovery codes left after reset-2fa", n)
		}
		if _, err := st.LoadSession(ctx, ses.ID, time.Now(), time.Hour); err == nil {
			t.Fatalf("the session survived reset-2fa")
		}
		user(0, "reset-2fa", "--email", "ny@aarhus.dk", "--org", "752")
		user(1, "reset-2fa", "--email", "nobody@aarhus.dk")
		if !strings.Contains(auditText(t, st, org.ID), "user.2fa.reset") {
			t.Fatalf("reset-2fa is not in the audit log")
		}

		// A database that was never migrated is refused rather than changed.
		fresh := storetest.DSN(t, e)
		code, out, errs := vaernRun(t, nil, "user", "list", "--org", "751", "--database", fresh)
		if code == 0 {
			t.Fatalf("user list on an empty database: exit 0\n%s", out)
		}
		_ = errs
	})
}

func auditText(t *testing.T, st *store.Store, orgID int64) string {
	t.Helper()
	entries, err := st.AuditLog(context.Background(), orgID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintln(&b, e.Action, e.ActorEmail, e.Detail)
	}
	return b.String()
}

func TestAuditVerify(t *testing.T) {
	engines(t, func(t *testing.T, e store.Engine) {
		dsn, _, _, _ := seeded(t, e)
		code, out, errs := vaernRun(t, nil, "audit", "verify", "--database", dsn)
		wantExit(t, code, 0, out, errs, "audit verify")
		if !regexp.MustCompile(`audit log intact: [1-9]\d* rows verified`).MatchString(out) {
			t.Fatalf("audit verify printed:\n%s", out)
		}

		driver := "sqlite"
		if e == store.Postgres {
			driver = "pgx"
		}
		db, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		res, err := db.Exec("UPDATE audit_log SET detail = 'x' WHERE id = 3")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("tampered with %d rows", n)
		}
		code, out, errs = vaernRun(t, nil, "audit", "verify", "--database", dsn)
		wantExit(t, code, 1, out, errs, "audit verify")
		if !regexp.MustCompile(`seq \d+ \(row id 3\): changed`).MatchString(out) {
			t.Fatalf("audit verify does not name the changed row:\nstdout: %s\nstderr: %s", out, errs)
		}
		if strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Fatalf("one changed row is reported as more problems:\n%s", out)
		}
		if !strings.Contains(errs, "problem") {
			t.Fatalf("stderr: %s", errs)
		}

		code, out, errs = vaernRun(t, nil, "audit")
		wantExit(t, code, 2, out, errs, "audit")
		code, out, errs = vaernRun(t, nil, "audit", "verify")
		wantExit(t, code, 2, out, errs, "audit verify")
	})
}

func TestServeRefusesBadConfig(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{args: []string{"--addr", "0.0.0.0:8080"}, want: []string{"0.0.0.0:8080", "TLS", "proxy"}},
		{args: []string{"--addr", "[::]:8080"}, want: []string{"TLS", "proxy"}},
		{env: map[string]string{"VAERN_ADDR": "192.0.2.10:80"}, want: []string{"192.0.2.10:80", "TLS"}},
		{args: []string{"--addr", "127.0.0.1:0", "--log-format", "xml"}, want: []string{"log-format", "xml"}},
		{args: []string{"--addr", "127.0.0.1:0", "--log-level", "loud"}, want: []string{"log-level"}},
		{args: []string{"--addr", "localhost"}, want: []string{"HOST:PORT"}},
		{args: []string{"--addr", "127.0.0.1:99999"}, want: []string{"port"}},
		{args: []string{"--addr", "127.0.0.1:0", "--base-url", "vaern.example.dk"}, want: []string{"base-url"}},
		{args: []string{"--addr", "127.0.0.1:0", "--session-idle", "10s"}, want: []string{"session-idle"}},
		{args: []string{"--addr", "127.0.0.1:0", "--smtp-host", "smtp.example.dk"}, want: []string{"smtp-from"}},
		{args: []string{"--addr", "127.0.0.1:0", "--metrics-token", "short"}, want: []string{"metrics-token"}},
		// Several problems are all named at once.
		{args: []string{"--addr", "0.0.0.0:8080", "--log-format", "xml"}, want: []string{"TLS", "log-format"}},
	} {
		for _, cmd := range []string{"serve", "demo"} {
			dir := t.TempDir()
			args := append([]string{cmd, "--data", dir}, c.args...)
			getenv := func(k string) string { return c.env[k] }
			code, out, errs := vaernRun(t, getenv, args...)
			wantExit(t, code, 1, out, errs, args...)
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("vaern %s: the message does not mention %q:\n%s", strings.Join(args, " "), w, errs)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "vaern.db")); err == nil {
				t.Errorf("vaern %s: opened the database despite a bad configuration", strings.Join(args, " "))
			}
		}
	}
}

// TestDemo runs the demo as a user would and shuts it down.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the whole demo")
	}
	dir := t.TempDir()
	start := func(t *testing.T) (url string, logins []string, stop func() (int, string)) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		pr, pw := io.Pipe()
		var errb syncBuffer
		done := make(chan int, 1)
		go func() {
			code := run(ctx, []string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, noEnv, strings.NewReader(""), pw, &errb)
			pw.Close()
			done <- code
		}()
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var out []string
		timeout := time.After(90 * time.Second)
		for url == "" || len(logins) < len(demo.Logins()) {
			select {
			case l, ok := <-lines:
				if !ok {
					cancel()
					t.Fatalf("demo ended early (exit %d)\nstdout: %s\nstderr: %s", <-done, strings.Join(out, "\n"), errb.String())
				}
				out = append(out, l)
				if u, ok := strings.CutPrefix(l, "Værn demo is running at "); ok {
					url = u
				}
				if strings.HasPrefix(l, "demo login: ") {
					logins = append(logins, l)
				}
			case <-timeout:
				cancel()
				t.Fatalf("demo did not start in time\nstdout: %s\nstderr: %s", strings.Join(out, "\n"), errb.String())
			}
		}
		t.Cleanup(cancel)
		return url, logins, func() (int, string) {
			cancel()
			select {
			case code := <-done:
				for range lines { // what came after
				}
				return code, strings.Join(out, "\n")
			case <-time.After(30 * time.Second):
				t.Fatalf("demo did not shut down\nstderr: %s", errb.String())
				return 0, ""
			}
		}
	}

	url, logins, stop := start(t)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9]\d*$`).MatchString(url) {
		t.Fatalf("demo URL %q does not carry the real port", url)
	}
	if len(logins) != 11 {
		t.Fatalf("%d demo logins, want 11", len(logins))
	}
	var coordinator string
	roles := map[vaern.Role]int{}
	for _, l := range logins {
		f := strings.Fields(l)
		if len(f) != 5 || f[0] != "demo" || f[1] != "login:" || !vaern.Role(f[2]).Valid() || !strings.Contains(f[3], "@") || f[4] != demo.Password {
			t.Fatalf("demo login line %q", l)
		}
		roles[vaern.Role(f[2])]++
		if f[2] == string(vaern.RoleCoordinator) && coordinator == "" {
			coordinator = f[3]
		}
	}
	for _, r := range vaern.Roles {
		if roles[r] == 0 {
			t.Errorf("no demo login for %s", r)
		}
	}

	// The installation key that seals secrets at rest was made beside the database, for its owner only.
	if fi, err := os.Stat(filepath.Join(dir, "secret.key")); err != nil {
		t.Errorf("secret.key: %v; want it made by the first start", err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("secret.key has mode %v, want 0600", fi.Mode().Perm())
	} else if k, err := readKeyFile(filepath.Join(dir, "secret.key")); err != nil || len(k) != 32 {
		t.Errorf("secret.key does not hold a 32-byte key: %v", err)
	}

	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: testserver.Contract(t, url, nil)}
	resp, err = c.PostForm(url+"/login", map[string][]string{"email": {coordinator}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/" || !strings.Contains(string(body), `class="demo-banner"`) {
		t.Fatalf("sign in as %s: status %d at %s", coordinator, resp.StatusCode, resp.Request.URL)
	}
	resp, err = c.Get(url + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), coordinator) {
		t.Fatalf("me: %d %s", resp.StatusCode, body)
	}
	// The demo's identity provider: on the sign-in page, and answering at /demo-idp/.
	if resp, err := http.Get(url + "/login"); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "Sign in with Aarhus Kommune (demo)") {
			t.Error("the demo's sign-in page has no demo identity provider button")
		}
	}
	if resp, err := http.Get(url + "/demo-idp/.well-known/openid-configuration"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("demo identity provider discovery: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	// A link in an e-mail must lead back to this server.
	resp, err = c.PostForm(url+"/password/forgot", map[string][]string{"email": {coordinator}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	code, out := stop()
	if code != 0 {
		t.Fatalf("demo exit %d after cancel\n%s", code, out)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatalf("the server still answers after shutdown")
	}
	if !strings.Contains(out, "Seeded a new demo") {
		t.Fatalf("first run did not seed:\n%s", out)
	}
	checkResetLink(t, dir, url, coordinator)

	// A second run reuses the database.
	url2, logins2, stop2 := start(t)
	if len(logins2) != 11 {
		t.Fatalf("second run: %d logins", len(logins2))
	}
	if resp, err := http.Get(url2 + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("second run readyz: %v", err)
	}
	code, out = stop2()
	if code != 0 || !strings.Contains(out, "Reusing the existing demo database") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
}

// checkResetLink checks that the reset mail the demo queued links to the address it listened on.
func checkResetLink(t *testing.T, dir, base, email string) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "vaern.db"), wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mails, err := st.Outbox(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == email {
			if !strings.Contains(m.Body, base+"/password/reset/") {
				t.Fatalf("reset mail does not link to %s:\n%s", base, m.Body)
			}
			return
		}
	}
	t.Fatalf("no reset mail to %s", email)
}

// TestOpenAPICommand: vaern openapi prints the document the server publishes.
func TestOpenAPICommand(t *testing.T) {
	code, out, errs := vaernRun(t, nil, "openapi")
	wantExit(t, code, 0, out, errs, "openapi")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/systems/{id}"]["patch"] == nil || doc.Paths["/api/v1/me"]["get"] == nil {
		t.Fatalf("document %s … lacks paths", out[:min(len(out), 300)])
	}
}
