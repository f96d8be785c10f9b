package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/vaern/vaern"
)

// The layout (layout.html: head, header, language switch, bell, navigation, footer) is the same
// for every request of one person on one page in one language, yet executing it through
// html/template cost about 0.3 ms of CPU per page, as much as the 100 questions of a focus area.
// So the layout is rendered once around a mark where the page's content goes, kept by everything
// it reads (layoutKey), and a request executes only its page's "main" template and writes the
// kept parts around it. The output is byte for byte what executing "layout" gives
// (TestLayoutCacheSameOutput), and TestLayoutCacheKeyCoversLayout fails when layout.html starts
// reading a field the key does not hold.

// layoutMainMark stands where the page's "main" template goes in the kept layout. It is emitted by
// a template function: html/template drops comments written in template text.
const layoutMainMark = "<!--vaern:main-->"

// layoutKey is everything of a Page that layout.html reads; the language switch's entries and the
// translated texts follow from the language, the asset links from the binary.
type layoutKey struct {
	lang, title, path   string
	demo                bool
	user, org           int64
	userName, userEmail string
	orgName             string
	role                vaern.Role
	unread              int
	nav                 string // the navigation's items and the current one
}

// layoutCacheMax bounds the kept layouts (a person on a page in a language is one); when full it
// starts afresh, which costs one render per page.
const layoutCacheMax = 4096

type layoutCache struct {
	mu sync.RWMutex
	m  map[layoutKey]*layoutParts
}

type layoutParts struct{ head, foot []byte }

var layouts = &layoutCache{m: map[layoutKey]*layoutParts{}}

// keyOf returns the page's layout key, or false when the page shows something kept nowhere (a
// flash message or a form error) or nobody is signed in.
func keyOf(pg *Page) (layoutKey, bool) {
	if pg.P == nil || pg.Flash != "" || pg.Error != "" || pg.L == nil {
		return layoutKey{}, false
	}
	var nav strings.Builder
	for _, n := range pg.Nav {
		nav.WriteString(n.Href)
		nav.WriteByte(' ')
		nav.WriteString(n.Key)
		if n.Current {
			nav.WriteString(" *")
		}
		nav.WriteByte('\n')
	}
	return layoutKey{lang: pg.L.Lang, title: pg.Title, path: pg.Path, demo: pg.Demo,
		user: pg.P.User.ID, org: pg.P.Org.ID, userName: pg.P.User.Name, userEmail: pg.P.User.Email,
		orgName: pg.P.Org.Name, role: pg.P.Role, unread: pg.Unread, nav: nav.String()}, true
}

// frame returns the layout of pg split at its content: from the kept parts when there are some,
// else rendered with the frame template (the layout with a "main" that writes the mark).
func (s *Server) frame(pg *Page) (*layoutParts, error) {
	k, keep := keyOf(pg)
	if keep {
		layouts.mu.RLock()
		p := layouts.m[k]
		layouts.mu.RUnlock()
		if p != nil {
			return p, nil
		}
	}
	var b bytes.Buffer
	if err := s.views.frame.ExecuteTemplate(&b, "layout", pg); err != nil {
		return nil, err
	}
	out := b.Bytes()
	i := bytes.Index(out, []byte(layoutMainMark))
	if i < 0 {
		return nil, errNoMainMark
	}
	p := &layoutParts{head: out[:i:i], foot: out[i+len(layoutMainMark):]}
	if keep {
		layouts.mu.Lock()
		if len(layouts.m) >= layoutCacheMax {
			layouts.m = map[layoutKey]*layoutParts{}
		}
		layouts.m[k] = p
		layouts.mu.Unlock()
	}
	return p, nil
}

type layoutError string

func (e layoutError) Error() string { return string(e) }

const errNoMainMark = layoutError("render: the layout has no {{template \"main\" .}}")

// frameFuncs are the frame template's own helpers.
func frameFuncs() template.FuncMap {
	return template.FuncMap{"layoutMainMark": func() template.HTML { return template.HTML(layoutMainMark) }}
}

// contentLength is the length of a page made of the parts.
func contentLength(parts ...[]byte) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return strconv.Itoa(n)
}
