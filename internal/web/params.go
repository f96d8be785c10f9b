package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/vaern/vaern/internal/httpx"
)

// badParam answers a malformed query parameter with 400 and a page that names it; on API paths
// with a problem that names it. It reports false for any other error, which the caller handles.
func (s *Server) badParam(w http.ResponseWriter, r *http.Request, err error) bool {
	var pe *httpx.ParamError
	if !errors.As(err, &pe) {
		return false
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		httpx.WriteParamError(w, r, pe)
		return true
	}
	pg := s.page(w, r, "error.title", nil)
	want := pg.L.T("error.want_number", pe.Min)
	if pe.Choices != nil {
		want = pg.L.T("error.want_choice", strings.Join(pe.Choices, ", "))
	}
	pg.Data = map[string]any{"Status": http.StatusBadRequest, "Text": pg.L.T("error.bad_param", pe.Name, pe.Value, want)}
	s.render(w, r, http.StatusBadRequest, "error", pg)
	return true
}

// intParam reads an optional whole-number query parameter ≥ minimum, answering 400 when it is
// malformed; ok is false when the answer has been written.
func (s *Server) intParam(w http.ResponseWriter, r *http.Request, name string, minimum int64) (int64, bool) {
	n, err := httpx.IntParam(r.URL.Query(), name, minimum)
	if err != nil {
		s.badParam(w, r, err)
		return 0, false
	}
	return n, true
}
