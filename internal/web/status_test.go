package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestHTMLErrorStatus checks that HTML pages answer each error kind with the status the API
// gives it (httpx.Status) and a page that says so in the reader's language; a conflict was a 500
// on pages and a 409 in the API before there was one mapping.
func TestHTMLErrorStatus(t *testing.T) {
	s, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, storetest.Open(t, store.SQLite))
	if err != nil {
		t.Fatal(err)
	}
	l := s.cat.For("da")
	for _, c := range []struct {
		err  error
		want int
	}{
		{vaern.Invalid("name", "is required"), http.StatusUnprocessableEntity},
		{fmt.Errorf("unit 4: %w", vaern.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("%w: duplicate key value", vaern.ErrConflict), http.StatusConflict},
		{vaern.ErrForbidden, http.StatusForbidden},
		{vaern.ErrUnauthorized, http.StatusUnauthorized},
		{errors.New("disk full"), http.StatusInternalServerError},
	} {
		t.Run(fmt.Sprint(c.want), func(t *testing.T) {
			if api := httpx.Status(c.err); api != c.want {
				t.Fatalf("the API answers %v with %d, the table here says %d", c.err, api, c.want)
			}
			r := httptest.NewRequest(http.MethodGet, "/org", nil)
			r.Header.Set("Accept-Language", "da")
			w := httptest.NewRecorder()
			s.failErr(w, r, c.err)
			heading := l.T(fmt.Sprintf("error.%d", c.want))
			if w.Code != c.want || !strings.Contains(w.Body.String(), heading) || strings.Contains(w.Body.String(), "⟦") {
				t.Errorf("%v: %d, want %d with %q:\n%s", c.err, w.Code, c.want, heading, w.Body.String())
			}
		})
	}
	// A client that went away gets no page and no log line.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	s.failErr(w, httptest.NewRequest(http.MethodGet, "/org", nil).WithContext(ctx), context.Canceled)
	if w.Code != httpx.StatusClientClosed {
		t.Errorf("cancelled: %d", w.Code)
	}
}
