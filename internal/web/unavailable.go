package web

import (
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/vaern/vaern/internal/httpx"
)

// keptField is one field of a form post that could not be carried out, shown back to its sender.
type keptField struct {
	Name, Value string
}

// unavailableData is what the 503 page shows: the fields of the post, to send again when the
// service is back, and whether anything could not be kept (secrets, files).
type unavailableData struct {
	Status int
	Action string
	Kept   []keptField
	Lost   bool
}

// secretField reports whether a form field must never be echoed into a page.
func secretField(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"password", "secret", "token", "code"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// unavailable answers 503 with Retry-After while the database is out of reach. A form post gets its
// fields back on the page with a button that sends them again, so nothing the person typed is lost
// (passwords and codes excepted, which are never written into a page; files must be chosen again).
// It reads no data: the page must render while the database is down.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", httpx.RetryAfter)
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") || wantsJSON(r) {
		httpx.WriteProblem(w, r, http.StatusServiceUnavailable, "the service is briefly unavailable; try again in a few seconds")
		return
	}
	d := unavailableData{Status: http.StatusServiceUnavailable}
	if r.Method == http.MethodPost {
		d.Action = r.URL.RequestURI()
		if r.PostForm == nil {
			ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if ct == "multipart/form-data" {
				_ = r.ParseMultipartForm(DefaultMaxBody)
			} else {
				_ = r.ParseForm()
			}
		}
		if r.MultipartForm != nil && len(r.MultipartForm.File) > 0 {
			d.Lost = true
		}
		names := make([]string, 0, len(r.PostForm))
		for n := range r.PostForm {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if secretField(n) {
				d.Lost = true
				continue
			}
			for _, v := range r.PostForm[n] {
				d.Kept = append(d.Kept, keptField{Name: n, Value: v})
			}
		}
	}
	pg := s.page(w, r, "error.title", d)
	s.render(w, r, http.StatusServiceUnavailable, "unavailable", pg)
}
