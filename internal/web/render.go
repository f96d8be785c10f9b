package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
)

//go:embed templates static
var assets embed.FS

// views holds every page's template, parsed once at start-up, and the static files' checksums.
type views struct {
	pages  map[string]*template.Template
	frame  *template.Template // the layout alone, its content a mark (layout_cache.go)
	static map[string]string  // name → short content hash, for cache-busting URLs
}

// templateFuncs is every template helper: the platform's and each module's. The modules are
// listed here, explicitly, rather than adding themselves from init functions, so that what the
// templates can call is read in one place; a name given twice stops the boot.
func templateFuncs() (template.FuncMap, error) {
	out := template.FuncMap{}
	for _, set := range []template.FuncMap{baseFuncs(), registerFuncs(), resultsFuncs(), warningsFuncs(), incidentsFuncs(), indicatorsFuncs(), ssoFuncs(), servicesFuncs(), knowledgeFuncs()} {
		for k, f := range set {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("templates: helper %q is defined twice", k)
			}
			out[k] = f
		}
	}
	return out, nil
}

// baseFuncs are the platform's template helpers.
func baseFuncs() template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "–"
			}
			return t.Local().Format("2006-01-02")
		},
		"datetime": formatDateTime,
		"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"join":     strings.Join,
		"seq": func(n int) []int {
			out := make([]int, n)
			for i := range out {
				out[i] = i
			}
			return out
		},
		"add":   func(a, b int) int { return a + b },
		"sizes": func() []string { return []string{vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge} },
		"pct": func(a, b int) int {
			if b == 0 {
				return 0
			}
			return a * 100 / b
		},
	}
}

func loadViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, static: map[string]string{}}
	staticFiles, err := fs.Glob(assets, "static/*")
	if err != nil {
		return nil, err
	}
	for _, f := range staticFiles {
		b, err := assets.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		v.static[path.Base(f)] = hex.EncodeToString(sum[:6])
	}
	fm := template.FuncMap{"asset": func(name string) string {
		h, ok := v.static[name]
		if !ok {
			panic("unknown static file " + name)
		}
		return "/static/" + name + "?v=" + h
	}}
	all, err := templateFuncs()
	if err != nil {
		return nil, err
	}
	for k, f := range all {
		if _, dup := fm[k]; dup {
			return nil, fmt.Errorf("templates: helper %q is defined twice", k)
		}
		fm[k] = f
	}
	base, err := template.New("layout").Funcs(fm).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	if v.frame, err = base.Clone(); err != nil {
		return nil, err
	}
	if _, err := v.frame.Funcs(frameFuncs()).Parse(`{{define "main"}}{{layoutMainMark}}{{end}}`); err != nil {
		return nil, fmt.Errorf("templates: frame: %w", err)
	}
	pages, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(assets, p); err != nil {
			return nil, fmt.Errorf("templates: %s: %w", p, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// formatDateTime is a moment as the pages show it (the template function datetime).
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// Page is what every template receives.
type Page struct {
	L         *i18n.Localizer
	P         *vaern.Principal
	Title     string // i18n key of the page title
	Nav       []NavItem
	Path      string
	Flash     string
	FlashArgs []any             // the flash message's arguments, always strings
	Error     string            // a message for the whole form
	Errors    map[string]string // field → message
	Form      url.Values
	RequestID string
	Langs     []LangOption
	Demo      bool
	Unread    int // the signed-in person's unread notifications (the bell)
	Data      any
	// fwTitle gives a framework's title in the page's language.
	fwTitle func(vaern.FrameworkInfo) string
}

// Framework names a framework in the reader's language, with its version once.
func (p *Page) Framework(info vaern.FrameworkInfo) string {
	title := info.Title
	if p.fwTitle != nil {
		title = p.fwTitle(info)
	}
	return framework.DisplayName(title, info.Version)
}

// NavItem is a link in the main navigation.
type NavItem struct {
	Href, Key string
	Current   bool
}

// LangOption is an entry of the language switch.
type LangOption struct {
	Code, Name string
	Current    bool
}

// Can reports whether the signed-in user holds permission p (for showing or hiding controls; the
// route guard is what enforces it).
func (p *Page) Can(perm string) bool {
	return p.P != nil && vaern.Can(p.P.Role, vaern.Permission(perm))
}

// FieldError is the translated message for a field, or "".
func (p *Page) FieldError(field string) string { return p.Errors[field] }

// Value is the submitted value of a form field, for re-filling a form after an error.
func (p *Page) Value(field string) string { return p.Form.Get(field) }

// nav is the main navigation for the principal's role.
func nav(p *vaern.Principal, current string) []NavItem {
	if p == nil {
		return nil
	}
	items := []NavItem{{Href: "/", Key: "nav.dashboard"}}
	if vaern.Can(p.Role, vaern.PermViewMembers) {
		items = append(items, NavItem{Href: "/centre/members", Key: "nav.members"})
	}
	if vaern.Can(p.Role, vaern.PermRoundsView) {
		items = append(items, NavItem{Href: "/centre/rounds", Key: "bc.nav.rounds"}, NavItem{Href: "/centre/frameworks", Key: "bc.nav.frameworks"})
	}
	if vaern.Can(p.Role, vaern.PermJobs) {
		items = append(items, NavItem{Href: "/centre/jobs", Key: "jobs.nav"})
	}
	if vaern.Can(p.Role, vaern.PermBaselineView) {
		items = append(items, NavItem{Href: "/baseline", Key: "nav.baseline"})
	}
	if vaern.Can(p.Role, vaern.PermBaselineAnswer) {
		items = append(items, NavItem{Href: "/tasks", Key: "nav.tasks"})
	}
	if vaern.Can(p.Role, vaern.PermReportsView) {
		items = append(items, NavItem{Href: "/reports", Key: "rs.nav.reports"})
	}
	if vaern.Can(p.Role, vaern.PermNationalView) {
		items = append(items, NavItem{Href: "/centre/national", Key: "rs.nav.national"})
	}
	if vaern.Can(p.Role, vaern.PermViewRegister) {
		items = append(items, NavItem{Href: "/register", Key: "nav.register"})
	}
	if vaern.Can(p.Role, vaern.PermViewSharedRegister) {
		items = append(items, NavItem{Href: "/centre/register", Key: "nav.centre_register"})
	}
	if vaern.Can(p.Role, vaern.PermWarningsView) {
		items = append(items, NavItem{Href: "/warnings", Key: "nav.warnings"})
	}
	if vaern.Can(p.Role, vaern.PermAdvisoriesView) {
		items = append(items, NavItem{Href: "/centre/advisories", Key: "nav.advisories"})
	}
	items = append(items, incidentNav(p)...)
	items = append(items, servicesNav(p)...)
	items = append(items, indicatorNav(p)...)
	items = append(items, sensorNav(p)...)
	items = append(items, correlateNav(p)...)
	items = append(items, knowledgeNav(p)...)
	items = append(items, NavItem{Href: "/org/units", Key: "nav.units"}, NavItem{Href: "/org/users", Key: "nav.users"})
	if vaern.Can(p.Role, vaern.PermManageOrg) {
		items = append(items, NavItem{Href: "/org/settings", Key: "nav.settings"})
	}
	if vaern.Can(p.Role, vaern.PermViewAudit) {
		items = append(items, NavItem{Href: "/org/audit", Key: "nav.audit"})
	}
	if vaern.Can(p.Role, vaern.PermManageSSO) {
		items = append(items, NavItem{Href: "/org/sso", Key: "sso.nav"})
	}
	// The current item is the one whose address is the longest prefix of the page's: on
	// /sensors/early-warnings that is "Early warnings", not "Sensors".
	best := -1
	for i := range items {
		h := items[i].Href
		if (current == h || (h != "/" && strings.HasPrefix(current, h+"/"))) && (best < 0 || len(h) > len(items[best].Href)) {
			best = i
		}
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}

// page builds the common page data for the request.
type unreadKey struct{}

// withUnread notes the signed-in person's unread count, read by the handler together with its own
// data, so that s.page does not read it again.
func withUnread(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, unreadKey{}, n)
}

func (s *Server) page(w http.ResponseWriter, r *http.Request, title string, data any) *Page {
	p := httpx.PrincipalFrom(r.Context())
	lang := s.lang(r, p)
	pg := &Page{
		L: s.cat.For(lang), P: p, Title: title, Nav: nav(p, r.URL.Path), Path: r.URL.Path,
		RequestID: httpx.RequestID(r.Context()), Demo: s.cfg.Demo, Data: data, Form: url.Values{},
	}
	for _, l := range i18n.Langs {
		pg.Langs = append(pg.Langs, LangOption{Code: l, Name: i18n.Names[l], Current: l == lang})
	}
	ctx := r.Context()
	pg.fwTitle = func(info vaern.FrameworkInfo) string {
		// Parsed frameworks are cached by the store, so this is a map lookup after the first.
		if _, fw, err := s.st.Framework(ctx, info.ID); err == nil {
			if t := fw.Title.Get(lang); t != "" {
				return t
			}
		}
		return info.Title
	}
	if n, ok := ctx.Value(unreadKey{}).(int); ok && p != nil {
		pg.Unread = n // read with the page's data (withUnread)
	} else if p != nil {
		// A failed count shows an empty bell rather than failing the page (also on the 503 page).
		pg.Unread, _ = s.st.UnreadNotifications(ctx, p.Org.ID, p.User.ID)
	}
	if c, err := r.Cookie("vaern_flash"); err == nil && c.Value != "" {
		key, args, _ := strings.Cut(c.Value, "|")
		if s.cat.Has(lang, key) {
			pg.Flash = key
			for a := range strings.SplitSeq(args, "|") {
				if v, err := url.QueryUnescape(a); err == nil && args != "" {
					pg.FlashArgs = append(pg.FlashArgs, v)
				}
			}
		}
		http.SetCookie(w, &http.Cookie{Name: "vaern_flash", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	}
	return pg
}

// lang picks the language: the user's saved choice, else the language cookie, else Accept-Language,
// else, for a signed-in person, their organisation's language (a Danish member's da, a Norwegian
// one's nb), and English only for an anonymous visitor whose browser names nothing we speak.
func (s *Server) lang(r *http.Request, p *vaern.Principal) string {
	if p != nil && p.User.Lang != "" {
		return p.User.Lang
	}
	if c, err := r.Cookie("vaern_lang"); err == nil {
		if l := i18n.Normalize(c.Value); l != "" {
			return l
		}
	}
	fallback := i18n.Default
	if p != nil {
		fallback = memberLang(p.Org)
	}
	return i18n.MatchOr(r.Header.Get("Accept-Language"), fallback)
}

// bufs recycles the buffers pages are rendered into.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// spliceMark stands where a page's pre-rendered part goes (see writePage).
const spliceMark = "<!--vaern:splice-->"

// render writes a page. Templates execute into a buffer first, so a failing template yields a clean
// error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *Page) {
	t, ok := s.views.pages[name]
	if !ok {
		s.log.Error("unknown template", "name", name)
		s.fail(w, r, http.StatusInternalServerError, "")
		return
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() < 4<<20 {
			bufs.Put(buf)
		}
	}()
	// The page's content is executed on its own and the layout around it comes from the kept
	// layouts (layout_cache.go): the same bytes as executing "layout", for a fraction of the CPU.
	if err := t.ExecuteTemplate(buf, "main", pg); err != nil {
		s.log.Error("render", "template", name, "err", err, "request_id", pg.RequestID)
		if name != "error" {
			s.fail(w, r, http.StatusInternalServerError, "")
		}
		return
	}
	s.writePage(w, r, status, name, pg, buf.Bytes(), nil)
}

// writePage writes a page's content out inside the page's layout. With part set, the content holds
// spliceMark where part goes: a large pre-built part (the questions of a focus area) is so written
// straight to the client, without being copied through the template engine.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, name string, pg *Page, out, part []byte) {
	fr, err := s.frame(pg)
	if err != nil {
		s.log.Error("render", "template", "layout", "err", err, "request_id", pg.RequestID)
		if name != "error" {
			s.fail(w, r, http.StatusInternalServerError, "")
		}
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", pg.L.Lang)
	i := -1
	if part != nil {
		i = bytes.Index(out, []byte(spliceMark))
	}
	if i < 0 {
		h.Set("Content-Length", contentLength(fr.head, out, fr.foot))
		w.WriteHeader(status)
		w.Write(fr.head)
		w.Write(out)
		w.Write(fr.foot)
		return
	}
	h.Set("Content-Length", contentLength(fr.head, out[:i], part, out[i+len(spliceMark):], fr.foot))
	w.WriteHeader(status)
	w.Write(fr.head)
	w.Write(out[:i])
	w.Write(part)
	w.Write(out[i+len(spliceMark):])
	w.Write(fr.foot)
}

// fail shows the friendly error page for status, with the request id to quote.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msgKey string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		httpx.WriteProblem(w, r, status, "")
		return
	}
	pg := s.page(w, r, "error.title", map[string]any{"Status": status, "Message": msgKey})
	s.render(w, r, status, "error", pg)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "")
}

// failErr answers a handler error with the status of its kind (httpx.Status, the same mapping as
// the API's); anything unexpected is a 500, logged once.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errRecheck) {
		if rc := recheckFrom(r.Context()); rc != nil {
			rc.again(w, r)
			return
		}
	}
	if s.badParam(w, r, err) {
		return
	}
	switch status := httpx.Status(err); {
	case status == http.StatusServiceUnavailable:
		s.log.Warn("database unavailable", "path", r.URL.Path, "err", err, "request_id", httpx.RequestID(r.Context()))
		s.unavailable(w, r)
	case status == httpx.StatusClientClosed && r.Context().Err() != nil:
		// The client went away; there is nobody to answer and nothing to report.
		w.WriteHeader(status)
	case status == httpx.StatusClientClosed, status == http.StatusInternalServerError:
		s.log.Error("handler", "path", r.URL.Path, "err", err, "request_id", httpx.RequestID(r.Context()))
		s.fail(w, r, http.StatusInternalServerError, "")
	default:
		s.fail(w, r, status, "")
	}
}

// formError puts a validation error on the page; it reports false for other errors.
func formError(pg *Page, err error) bool {
	var ve *vaern.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	if pg.Errors == nil {
		pg.Errors = map[string]string{}
	}
	pg.Errors[ve.Field] = pg.L.Maybe("err."+ve.Message, ve.Message)
	pg.Error = pg.L.T("form.has_errors")
	return true
}

// show renders the page that build makes, or the error page for what stopped it (a foreign id: 404).
func (s *Server) show(w http.ResponseWriter, r *http.Request, tmpl string, build func(http.ResponseWriter, *http.Request) (*Page, error)) {
	pg, err := build(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, tmpl, pg)
}

// refill answers a failed form post. A validation error shows the page again (built by page) with
// the message next to the field and, if keep, the submitted values; anything else, including an
// id from another organisation, is answered by failErr.
func (s *Server) refill(w http.ResponseWriter, r *http.Request, err error, tmpl string, keep bool, page func() (*Page, error)) {
	var ve *vaern.ValidationError
	if !errors.As(err, &ve) {
		s.failErr(w, r, err)
		return
	}
	pg, perr := page()
	if perr != nil {
		s.failErr(w, r, perr)
		return
	}
	formError(pg, err)
	if keep {
		for k, v := range r.PostForm {
			pg.Form[k] = v
		}
	}
	s.render(w, r, http.StatusUnprocessableEntity, tmpl, pg)
}

// setFlash shows a one-time message (an i18n key) on the next page; args fill its %s verbs.
func (s *Server) setFlash(w http.ResponseWriter, key string, args ...string) {
	v := key
	for _, a := range args {
		v += "|" + url.QueryEscape(a)
	}
	http.SetCookie(w, &http.Cookie{Name: "vaern_flash", Value: v, Path: "/", MaxAge: 60, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// redirect ends a successful form post (post/redirect/get) with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		s.setFlash(w, flashKey)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// serveStatic serves embedded files; a URL with the current checksum may be cached for a year.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	h, ok := s.views.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, _ := assets.ReadFile("static/" + name)
	if r.URL.Query().Get("v") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+h+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// FlashText is the flash message in the page's language.
func (pg *Page) FlashText() string { return pg.L.T(pg.Flash, pg.FlashArgs...) }

// orgObject reads the route's {id} and loads that object of the signed-in organisation with load
// (a store method taking the organisation and the id), for the handlers that start so. A
// malformed id is 404, a load error is answered as failErr does (a foreign id: 404); ok is then
// false and the response written.
func orgObject[T any](s *Server, w http.ResponseWriter, r *http.Request, load func(context.Context, int64, int64) (T, error)) (T, int64, bool) {
	var zero T
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return zero, 0, false
	}
	v, err := load(r.Context(), httpx.PrincipalFrom(r.Context()).Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return zero, 0, false
	}
	return v, id, true
}
