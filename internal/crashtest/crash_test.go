// Package crashtest kills the real server with SIGKILL while clients save answers and edit the
// register, restarts it on the same database, and checks that nothing acknowledged was lost: every
// write answered with 2xx/3xx is there, SQLite's integrity check passes, and the audit chain verifies.
package crashtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// iterations is how many times each engine is killed: 8 in a normal run (CI), more with
// VAERN_CRASH_RUNS for a long soak before a release.
var iterations = crashRuns()

func crashRuns() int {
	if n, err := strconv.Atoi(os.Getenv("VAERN_CRASH_RUNS")); err == nil && n > 0 {
		return n
	}
	return 8
}

const (
	clients  = 6
	password = "krasj-test-kodeord"
	email    = "koordinator@krasj.dk"
)

// buildBinary builds vaern once per test run.
var buildOnce sync.Once
var binPath string
var buildErr error

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vaern-crashtest-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "vaern")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/vaern/vaern/cmd/vaern").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// world is what the fixture holds.
type world struct {
	assessment int64
	questions  [][]string // per client: the questions it answers
	systems    []int64    // per client: the system it edits
}

// seedMember opens and migrates the database at dsn and makes a centre and one member, Aarhus.
func seedMember(t *testing.T, dsn string) (*store.Store, vaern.Org) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		t.Fatal(err)
	}
	sys := vaern.System("crashtest")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Centret", Country: "DK"})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, org
}

func seed(t *testing.T, dsn string) world {
	t.Helper()
	ctx := context.Background()
	st, org := seedMember(t, dsn)
	defer st.Close()
	sys := vaern.System("crashtest")
	hash, _ := auth.HashPassword(password)
	if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: "Karen", PasswordHash: hash, OrgID: org.ID, Role: vaern.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	fws, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f := fws[0]
	info, err := st.SaveFramework(ctx, sys, org.ParentID, f, true, false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := st.CreateRound(ctx, sys, org.ParentID, vaern.Round{Year: now.Year(), FrameworkID: info.ID, Title: "Krasj",
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour)}, []int64{org.ID}); err != nil {
		t.Fatal(err)
	}
	as, err := st.Assessments(ctx, org.ID)
	if err != nil || len(as) != 1 {
		t.Fatalf("assessments: %v %v", as, err)
	}
	w := world{assessment: as[0].ID, questions: make([][]string, clients)}
	i := 0
	for _, q := range f.Questions() {
		if q.Scope != framework.ScopeOrganisation || baseline.ValidValue(q, f, "2") != nil {
			continue
		}
		w.questions[i%clients] = append(w.questions[i%clients], q.ID)
		i++
	}
	for c := range clients {
		if len(w.questions[c]) == 0 {
			t.Fatalf("too few questions for %d clients", clients)
		}
		s, err := st.CreateSystem(ctx, sys, org.ID, vaern.ITSystem{Name: fmt.Sprintf("System %d", c)})
		if err != nil {
			t.Fatal(err)
		}
		w.systems = append(w.systems, s.ID)
	}
	return w
}

// server is one run of the vaern process.
type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// freePort finds a free port for the server process to listen on. It is taken from below the
// kernel's ephemeral range (32768 and up on Linux), where the other test packages' servers on port
// 0 never land: a port picked from that range can be taken by one of them between this check and
// the server's bind, and the test would then talk to a stranger's server.
func freePort(t *testing.T) string {
	t.Helper()
	for range 200 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(10000))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		ln.Close()
		return addr
	}
	t.Fatal("no free port between 20000 and 30000")
	return ""
}

func start(t *testing.T, dsn, logPath string) *server {
	t.Helper()
	addr := freePort(t)
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), "serve", "--addr", addr, "--database", dsn, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "VAERN_SQLITE_FAST=false")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("the server ended at start (%v):\n%s", err, log)
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			t.Fatal("the server did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// write is one write a client sent: acknowledged, or in flight when the server died.
type write struct {
	kind  string // answer, create, update
	key   string // question id, system name, or system id
	value string // comment, or description
}

// ledger is what the clients wrote across all runs.
type ledger struct {
	mu     sync.Mutex
	acked  []write
	last   map[string]string          // kind/key → last acknowledged value
	maybe  map[string]map[string]bool // kind/key → values sent but not acknowledged
	nAcked int
}

func (l *ledger) record(w write, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := w.kind + "/" + w.key
	if ok {
		l.acked = append(l.acked, w)
		l.last[k] = w.value
		l.nAcked++
		return
	}
	if l.maybe[k] == nil {
		l.maybe[k] = map[string]bool{}
	}
	l.maybe[k][w.value] = true
}

func newClient(t *testing.T, base string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return c
}

// rebase points a client's cookies at the server's new address (the port changes per run).
func rebase(c *http.Client, from, to string) {
	fu, _ := url.Parse(from)
	tu, _ := url.Parse(to)
	c.Jar.SetCookies(tu, c.Jar.Cookies(fu))
}

// drive runs one client until the server dies or stop is closed.
func drive(c *http.Client, base string, id, run int, w world, l *ledger, stop <-chan struct{}) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		tag := fmt.Sprintf("r%d-c%d-%d", run, id, i)
		var wr write
		var path string
		var form url.Values
		accept := ""
		switch i % 3 {
		case 0:
			q := w.questions[id][i/3%len(w.questions[id])]
			wr = write{kind: "answer", key: q, value: "kommentar " + tag}
			path = fmt.Sprintf("/baseline/%d/answers", w.assessment)
			form = url.Values{"q": {q}, "unit": {"0"}, "value": {strconv.Itoa(i % 4)}, "comment": {wr.value}}
			accept = "application/json"
		case 1:
			wr = write{kind: "create", key: "system " + tag, value: "oprettet " + tag}
			path = "/register/systems"
			form = url.Values{"name": {wr.key}, "description": {wr.value}}
		case 2:
			sid := w.systems[id]
			wr = write{kind: "update", key: strconv.FormatInt(sid, 10), value: "ændret " + tag}
			path = fmt.Sprintf("/register/systems/%d", sid)
			form = url.Values{"name": {fmt.Sprintf("System %d", id)}, "description": {wr.value}}
		}
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			l.record(wr, false) // the server died with this write in flight: it may or may not be there
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		ok := resp.StatusCode >= 200 && resp.StatusCode < 400 && !strings.HasPrefix(resp.Header.Get("Location"), "/login")
		if !ok {
			l.record(wr, false)
			if resp.StatusCode >= 500 {
				// A 5xx is a failure in its own right, not a crash artefact.
				l.mu.Lock()
				l.acked = append(l.acked, write{kind: "error", key: path, value: resp.Status})
				l.mu.Unlock()
			}
			return
		}
		l.record(wr, true)
	}
}

// acks is the number of acknowledged writes so far.
func (l *ledger) acks() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nAcked
}

// waitAcked waits until n writes have been acknowledged or d has passed.
func (l *ledger) waitAcked(n int, d time.Duration) {
	for deadline := time.Now().Add(d); l.acks() < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the server several times per engine")
	}
	seedVal := time.Now().UnixNano()
	if v := os.Getenv("VAERN_CRASH_SEED"); v != "" {
		seedVal, _ = strconv.ParseInt(v, 10, 64)
	}
	t.Logf("random seed %d (rerun with VAERN_CRASH_SEED=%d)", seedVal, seedVal)
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(seedVal), uint64(len(e))))
			dsn := storetest.DSN(t, e)
			w := seed(t, dsn)
			logPath := filepath.Join(t.TempDir(), "server.log")
			l := &ledger{last: map[string]string{}, maybe: map[string]map[string]bool{}}
			var cs []*http.Client
			prevBase := ""
			start0 := time.Now()
			for run := range iterations {
				s := start(t, dsn, logPath)
				if cs == nil {
					for range clients {
						cs = append(cs, newClient(t, s.base))
					}
				} else {
					for _, c := range cs {
						rebase(c, prevBase, s.base)
					}
				}
				prevBase = s.base
				before := l.acks()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				for id, c := range cs {
					wg.Go(func() { drive(c, s.base, id, run, w, l, stop) })
				}
				// Kill only after this run's first acknowledged write (or 30 s), so a loaded
				// machine that starts the server slowly still has the kill land among writes.
				l.waitAcked(before+1, 30*time.Second)
				time.Sleep(time.Duration(100+rng.IntN(600)) * time.Millisecond)
				s.kill()
				close(stop)
				wg.Wait()
				check(t, e, dsn, l, run)
			}
			t.Logf("%d runs, %d acknowledged writes, all present after every kill, in %s", iterations, l.nAcked, time.Since(start0).Round(time.Millisecond))
			if l.nAcked < iterations {
				t.Fatalf("only %d writes were acknowledged: the test did not exercise the server", l.nAcked)
			}
		})
	}
}

// check opens the database after a kill and checks everything acknowledged so far.
func check(t *testing.T, e store.Engine, dsn string, l *ledger, run int) {
	t.Helper()
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	driver := "sqlite"
	if e == store.Postgres {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(query string) string {
		if e == store.Postgres {
			return strings.Replace(query, "?", "$1", 1)
		}
		return query
	}
	var lost []string
	updates := map[string]int{} // system id → acknowledged updates
	for _, w := range l.acked {
		var n int
		switch w.kind {
		case "error":
			t.Fatalf("run %d: %s answered %s", run, w.key, w.value)
		case "answer":
			err = db.QueryRowContext(ctx, q("SELECT COUNT(*) FROM answer_history WHERE comment = ?"), w.value).Scan(&n)
		case "create":
			err = db.QueryRowContext(ctx, q("SELECT COUNT(*) FROM systems WHERE name = ?"), w.key).Scan(&n)
		case "update":
			updates[w.key]++
			continue
		}
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if n == 0 {
			lost = append(lost, w.kind+" "+w.key+" = "+w.value)
		}
	}
	// Every acknowledged update changed the description, so each left its audit row.
	for sid, n := range updates {
		var got int
		if err := db.QueryRowContext(ctx, q("SELECT COUNT(*) FROM audit_log WHERE action = 'system.update' AND object_id = ?"), sid).Scan(&got); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if got < n {
			lost = append(lost, fmt.Sprintf("system %s: %d updates acknowledged, %d in the audit log", sid, n, got))
		}
	}
	// The current values: the last acknowledged write, or one sent after it that was in flight.
	for k, v := range l.last {
		kind, key, _ := strings.Cut(k, "/")
		var cur string
		switch kind {
		case "answer":
			err = db.QueryRowContext(ctx, q("SELECT comment FROM answers WHERE question_id = ?"), key).Scan(&cur)
		case "update":
			err = db.QueryRowContext(ctx, q("SELECT description FROM systems WHERE id = ?"), key).Scan(&cur)
		default:
			continue
		}
		if err != nil {
			t.Fatalf("run %d: %s: %v", run, k, err)
		}
		if cur != v && !l.maybe[k][cur] {
			lost = append(lost, fmt.Sprintf("%s is %q, the last acknowledged value was %q", k, cur, v))
		}
	}
	if len(lost) > 0 {
		t.Fatalf("run %d: acknowledged writes lost after SIGKILL:\n  %s", run, strings.Join(lost, "\n  "))
	}
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		t.Fatalf("run %d: %v", run, err)
	}
	out, err := exec.Command(binary(t), "audit", "verify", "--database", dsn).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("run %d: vaern audit verify failed (exit %d):\n%s", run, ee.ExitCode(), out)
		}
		t.Fatal(err)
	}
}
