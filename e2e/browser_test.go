// Package e2e drives the real Værn server with Chromium, as a person would: signing in, moving
// through each role's pages, switching language, working without JavaScript and on a phone. Every
// page a test visits is checked for its landmarks and, when VAERN_AXE names axe-core's axe.min.js,
// for serious and critical WCAG 2.1 A/AA violations.
//
// The tests need Debian's chromium: set VAERN_TEST_CHROMIUM=/usr/bin/chromium. Without it they skip.
package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// Every browser step is bounded, so a hung browser fails the test instead of stalling CI.
const (
	stepTimeout  = 30 * time.Second
	startTimeout = 60 * time.Second
)

// axeTags are the rule sets run on every page: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeRules are rules run on every page whatever their impact: all content inside landmarks, and
// no two landmarks of the same kind with the same name.
var axeRules = []string{"region", "landmark-unique"}

// env is one test's server and browser.
type env struct {
	srv  *testserver.Server
	root context.Context // the shared browser's first tab; tabs are opened from it
	base string
}

// The browser tests share one Chromium process: starting one took 2–20 s of every test. Each
// test's tabs still live in browser contexts of their own (tab), with their own cookies, storage
// and cache, so no test sees another's session, and the tests run in parallel (t.Parallel).
var (
	browserOnce sync.Once
	browserRoot context.Context
	browserErr  error
	browserOut  = &lockedBuffer{}
	stopBrowser = func() {}
)

// TestMain stops the shared browser once every test of the package is done.
func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	os.Exit(code)
}

// sharedBrowser starts the package's Chromium on first use and returns its first tab.
func sharedBrowser(bin string) (context.Context, error) {
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "vaern-e2e-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(bin),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 900),
			chromedp.CombinedOutput(browserOut),
		)
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		root, cancelRoot := chromedp.NewContext(alloc)
		stopBrowser = func() {
			cancelRoot()
			cancelAlloc()
			os.RemoveAll(dir)
		}
		done := make(chan error, 1)
		go func() { done <- chromedp.Do(root) }()
		select {
		case err = <-done:
		case <-time.After(startTimeout):
			err = fmt.Errorf("no answer within %s", startTimeout)
		}
		if err != nil {
			browserErr = fmt.Errorf("start chromium %s: %w", bin, err)
			return
		}
		browserRoot = root
	})
	return browserRoot, browserErr
}

// start skips the test unless VAERN_TEST_CHROMIUM names a Chromium binary; otherwise it marks the
// test parallel, starts the real server on SQLite with the test fixture (stopped when the test
// ends) and returns it with the package's shared headless Chromium.
func start(t *testing.T) *env {
	t.Helper()
	// The demo banner is on, so that the landmark rules check it on every page too.
	return startWith(t, testserver.Options{DemoBanner: true})
}

// startWith is start with the test server's options given.
func startWith(t *testing.T, opt testserver.Options) *env {
	t.Helper()
	bin := os.Getenv("VAERN_TEST_CHROMIUM")
	if bin == "" {
		t.Skip("browser tests skipped: set VAERN_TEST_CHROMIUM=/usr/bin/chromium (apt-get install chromium) to run them")
	}
	if axeSource(t) == "" {
		t.Log("VAERN_AXE is not set: pages are not checked with axe-core (npm install --prefix DIR axe-core@4, then VAERN_AXE=DIR/node_modules/axe-core/axe.min.js)")
	}
	// Every test has its own server and browser contexts, so the tests run side by side: most of
	// a browser test is waiting for Chromium or for the server, and the two cores take turns.
	t.Parallel()
	root, err := sharedBrowser(bin)
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, store.SQLite, opt)
	t.Cleanup(func() {
		if t.Failed() && browserOut.Len() > 0 {
			t.Logf("chromium output (shared by the package's tests):\n%s", browserOut.String())
		}
	})
	return &env{srv: srv, root: root, base: srv.URL}
}

// attach runs the first action on a new chromedp context: it starts the browser or opens the tab.
// chromedp ties the browser or tab to the context of that first call, so the call cannot carry a
// timeout of its own (the tab would stop answering once the timeout's context ended); attach waits
// for it here instead.
func attach(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("%s: no answer within %s", what, startTimeout)
	}
}

// tab opens a new tab in a browser context of its own (its own cookies, so its own session).
// With scripts false, the page's JavaScript is switched off for the tab's whole life.
func (e *env) tab(t *testing.T, scripts bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	attach(t, ctx, "open a tab")
	// Tabs of tests running side by side each behave as the focused window (focus, :focus-visible
	// and document.hasFocus()), as a tab does when it is the only one.
	c, cancelStep := withStep(ctx)
	defer cancelStep()
	if _, err := chromedp.Call(c, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatalf("emulate focus: %v", err)
	}
	if !scripts {
		setScripts(t, ctx, false)
		noScript.Store(chromedp.FromContext(ctx), true)
	}
	return ctx
}

// noScript holds the tabs whose pages run without JavaScript.
var noScript sync.Map // *chromedp.Context → true

// setScripts switches the page's own JavaScript on or off for the tab.
func setScripts(t *testing.T, ctx context.Context, on bool) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(c, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
		t.Fatalf("switch JavaScript on=%v: %v", on, err)
	}
}

// withStep bounds one browser step.
func withStep(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, stepTimeout)
}

// do runs actions within one step's time limit.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// run runs one action that returns a value, within one step's time limit.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page (through DevTools, so it works whether or not
// the page may run scripts) and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, what, expr string) T {
	t.Helper()
	return run(t, ctx, what, chromedp.Evaluate[T](expr, chromedp.EvalAsValue))
}

// navigate loads url and returns the HTTP status of the document.
func navigate(t *testing.T, ctx context.Context, url string) int64 {
	t.Helper()
	resp := run(t, ctx, "open "+url, chromedp.NavigateResponse(url))
	do(t, ctx, "wait for the body of "+url, chromedp.WaitReady(chromedp.CSS("body")))
	return resp.Status
}

// clickAndWait clicks the element sel (a submit button or a link) and waits for the page it leads
// to, following redirects; it returns that page's HTTP status.
func clickAndWait(t *testing.T, ctx context.Context, what, sel string) int64 {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(c, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	do(t, ctx, what+": wait for the body", chromedp.WaitReady(chromedp.CSS("body")))
	return resp.Status
}

// visit opens url, expects 200 and checks the page (landmarks and axe-core).
func visit(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	visitStatus(t, ctx, url, 200)
}

// visitStatus opens url, expects the status want and checks the page.
func visitStatus(t *testing.T, ctx context.Context, url string, want int64) {
	t.Helper()
	if got := navigate(t, ctx, url); got != want {
		t.Fatalf("GET %s: status %d, want %d; the page says %q", url, got, want, h1(t, ctx))
	}
	checkPage(t, ctx, url)
}

// pageFacts are what every page must have.
type pageFacts struct {
	Lang  string `json:"lang"`
	Mains int    `json:"mains"`
	H1s   int    `json:"h1s"`
	H1    string `json:"h1"`
	Title string `json:"title"`
}

// checkPage asserts the current page has <html lang>, one main landmark, an h1 and a title, then
// runs axe-core on it.
func checkPage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	f := eval[pageFacts](t, ctx, what+": read the page's landmarks", `({
		lang: document.documentElement.getAttribute("lang") || "",
		mains: document.querySelectorAll("main, [role=main]").length,
		h1s: document.querySelectorAll("h1").length,
		h1: (document.querySelector("h1") || {textContent: ""}).textContent.trim(),
		title: document.title.trim(),
	})`)
	if f.Lang == "" {
		t.Errorf("%s: <html> has no lang attribute", what)
	}
	if f.Mains != 1 {
		t.Errorf("%s: %d main landmarks, want 1", what, f.Mains)
	}
	if f.H1s != 1 || f.H1 == "" {
		t.Errorf("%s: %d h1 headings (first %q), want one with text", what, f.H1s, f.H1)
	}
	if f.Title == "" {
		t.Errorf("%s: the page has no title", what)
	}
	// A page whose document, scripting and window are exactly those of a page already checked
	// (the sign-in page of every sign-in, the same dashboard in a second test) gives axe-core and
	// the phone layout the same input, so it is not checked again: only a passed check is kept.
	key := checkedKey(t, ctx, what)
	if _, ok := checked.Load(key); ok {
		return
	}
	failed := t.Failed()
	checkAxe(t, ctx, what)
	checkPhoneWidth(t, ctx, what)
	if !failed && !t.Failed() {
		checked.Store(key, true)
	}
}

// checked holds the pages that passed checkPage, by checkedKey.
var checked sync.Map

// checkedKey identifies what checkPage's checks see: the whole document as the browser holds it
// (after its scripts ran), whether the tab runs scripts, and the window's width.
func checkedKey(t *testing.T, ctx context.Context, what string) string {
	t.Helper()
	type doc struct {
		HTML  string `json:"html"`
		Width int    `json:"width"`
	}
	d := eval[doc](t, ctx, what+": read the document", `({html: document.documentElement.outerHTML, width: window.innerWidth})`)
	_, off := noScript.Load(chromedp.FromContext(ctx))
	sum := sha256.Sum256([]byte(d.HTML))
	return fmt.Sprintf("%x|%d|%v", sum, d.Width, off)
}

// checkPhoneWidth lays the current page out on a 390 px phone screen and fails when it is wider
// (document.documentElement.scrollWidth), naming what sticks out; then it restores the window.
// checkPage calls it, so every page of every browser test and role tour is measured (issue 11.7).
func checkPhoneWidth(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	do(t, ctx, what+": emulate a phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateMobile))
	assertNoSideScroll(t, ctx, what)
	// Clearing the override leaves a mobile layout viewport in headless Chromium, so the desktop
	// window's size (as start opens it) is set back explicitly.
	do(t, ctx, what+": back to the desktop window", chromedp.EmulateViewport(1280, 900))
	if w := eval[int](t, ctx, what+": read the window's width", `window.innerWidth`); w < 1000 {
		t.Fatalf("%s: the window stayed %d px wide after the phone check", what, w)
	}
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeSource is the text of axe.min.js named by VAERN_AXE, or "" when VAERN_AXE is unset.
func axeSource(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		p := os.Getenv("VAERN_AXE")
		if p == "" {
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			axeErr = fmt.Errorf("VAERN_AXE: %w", err)
			return
		}
		axeSrc = string(b)
	})
	if axeErr != nil {
		t.Fatal(axeErr)
	}
	return axeSrc
}

// axeViolation is one failed axe-core rule, with its first offending element.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
	Target string `json:"target"`
	HTML   string `json:"html"`
}

// checkAxe injects axe-core into the current page and fails the test for every serious or critical
// WCAG 2.1 A/AA violation. DevTools evaluation is not bound by the page's Content-Security-Policy,
// so nothing about the app has to change for the check.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx, what) {
		t.Errorf("%s: axe %s (%s): %s — %d element(s), first %s: %s", what, v.ID, v.Impact, v.Help, v.Nodes, v.Target, v.HTML)
	}
}

// axeViolations runs axe-core on the current page and returns what checkAxe fails on (nil when
// VAERN_AXE is not set).
func axeViolations(t *testing.T, ctx context.Context, what string) []axeViolation {
	t.Helper()
	src := axeSource(t)
	if src == "" {
		return nil
	}
	// axe-core waits on timers, which do not fire while the page may not run scripts. Switching
	// them on for the check runs none of the page's own script (that ran, or not, at load), so the
	// check sees the page as it is without JavaScript.
	if _, off := noScript.Load(chromedp.FromContext(ctx)); off {
		setScripts(t, ctx, true)
		defer setScripts(t, ctx, false)
	}
	do(t, ctx, what+": inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	tags, _ := json.Marshal(axeTags)
	rules, _ := json.Marshal(axeRules)
	// One run: the WCAG rule sets (serious and critical findings are failures), with the landmark
	// rules switched on as well, failing at any impact (axe files them as best practice, moderate,
	// but a screen reader user navigating by landmark misses content outside them and cannot tell
	// same-named ones apart). A rule enabled in options.rules runs whatever runOnly's tags say.
	enabled := map[string]map[string]bool{}
	for _, r := range axeRules {
		enabled[r] = map[string]bool{"enabled": true}
	}
	on, _ := json.Marshal(enabled)
	expr := `axe.run(document, {runOnly: {type: "tag", values: ` + string(tags) + `}, rules: ` + string(on) + `, resultTypes: ["violations"]})
		.then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical" || ` + string(rules) + `.includes(v.id)))
		.then(vs => vs
			.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
				target: v.nodes.length ? v.nodes[0].target.join(" ") : "",
				html: v.nodes.length ? v.nodes[0].html : ""})))`
	c, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	vs, err := chromedp.Run(c, chromedp.Evaluate[[]axeViolation](expr, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", what, err)
	}
	return vs
}

// h1 is the text of the current page's first h1, or "".
func h1(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, "read the h1", `(document.querySelector("h1") || {textContent: ""}).textContent.trim()`)
}

// currentPath is the path (with query) of the page the tab shows.
func currentPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc := run(t, ctx, "read the location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.RequestURI()
}

// pageHTML is the whole document as the browser holds it.
func pageHTML(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
}

// signIn fills in the sign-in form as a person would and returns the path it lands on: "/" for a
// plain sign-in, /login/code when the account asks for a second factor.
func signIn(t *testing.T, ctx context.Context, base, email string) string {
	t.Helper()
	visit(t, ctx, base+"/login")
	do(t, ctx, "fill in the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), testserver.Password))
	if st := clickAndWait(t, ctx, "sign in as "+email, `form[action="/login"] button[type="submit"]`); st != 200 {
		t.Fatalf("sign in as %s: status %d; the page says %q", email, st, h1(t, ctx))
	}
	return currentPath(t, ctx)
}

// navLinks are the hrefs of the main navigation, in order.
func navLinks(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, "read the navigation",
		`Array.from(document.querySelectorAll("nav.main-nav a")).map(a => a.getAttribute("href"))`)
}

// locale reads one translated text from internal/i18n/locales/LANG.json.
func locale(t *testing.T, lang, key string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", lang+".json"))
	if err != nil {
		t.Fatalf("read locale %s: %v", lang, err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("locale %s: %v", lang, err)
	}
	v, ok := m[key]
	if !ok {
		t.Fatalf("locale %s has no %q", lang, key)
	}
	return v
}

// lockedBuffer collects Chromium's output, written from the allocator's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
