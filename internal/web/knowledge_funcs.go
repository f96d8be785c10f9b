package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/knowledge"
)

// knowledgeFuncs are the knowledge module's template helpers.
func knowledgeFuncs() template.FuncMap {
	return template.FuncMap{
		// knsnippet shortens a hit's text around its matches and marks them, escaped.
		"knsnippet": func(text string, terms []string) template.HTML {
			return knowledge.Highlight(knowledge.Snippet(text, terms))
		},
		// kntlp is the CSS class of a TLP label's banner and badge.
		"kntlp": func(tlp string) string {
			return "tlp-" + strings.ToLower(strings.ReplaceAll(tlp, "+", "-"))
		},
		// knparas splits a body into paragraphs at blank lines.
		"knparas": func(body string) []string {
			var out []string
			for _, p := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		},
		"knsize": func(n int) string {
			switch {
			case n >= 1<<20:
				return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
			case n >= 1<<10:
				return fmt.Sprintf("%d kB", n>>10)
			}
			return fmt.Sprintf("%d B", n)
		},
	}
}

// community is the centre whose network the signed-in person belongs to.
func community(p *vaern.Principal) int64 { return vaern.CommunityOf(p.Org) }

// viewer is the access-rule principal of the request.
func viewer(p *vaern.Principal) access.Principal { return access.Of(p) }

// pathID reads the route's {id}; a malformed one is not found.
func pathID(r *http.Request) (int64, error) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return 0, vaern.ErrNotFound
	}
	return id, nil
}
