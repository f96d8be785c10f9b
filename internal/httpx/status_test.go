package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// TestStatus is the one mapping from error kinds to statuses, wrapped or not.
func TestStatus(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want int
	}{
		{"invalid", vaern.Invalid("name", "is required"), http.StatusUnprocessableEntity},
		{"invalid, wrapped", fmt.Errorf("row 3: %w", vaern.Invalid("name", "is required")), http.StatusUnprocessableEntity},
		{"invalid kind", vaern.ErrInvalid, http.StatusUnprocessableEntity},
		{"not found", vaern.ErrNotFound, http.StatusNotFound},
		{"not found, wrapped", fmt.Errorf("assessment 7: %w", vaern.ErrNotFound), http.StatusNotFound},
		{"conflict", fmt.Errorf("%w: UNIQUE constraint failed", vaern.ErrConflict), http.StatusConflict},
		{"forbidden", vaern.ErrForbidden, http.StatusForbidden},
		{"unauthorized", vaern.ErrUnauthorized, http.StatusUnauthorized},
		{"client gone", context.Canceled, httpx.StatusClientClosed},
		{"anything else", errors.New("disk full"), http.StatusInternalServerError},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := httpx.Status(c.err); got != c.want {
				t.Errorf("Status(%v) = %d, want %d", c.err, got, c.want)
			}
			// The API answers with the same status, as a problem document.
			w := httptest.NewRecorder()
			httpx.WriteError(w, httptest.NewRequest(http.MethodGet, "/api/v1/x", nil), c.err)
			want := c.want
			if w.Code != want {
				t.Errorf("WriteError: %d, want %d", w.Code, want)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["status"] == nil {
				t.Errorf("WriteError body %q is not a problem document: %v", w.Body.String(), err)
			}
		})
	}
}
