// Package httpx is the HTTP plumbing the HTML and JSON handlers share: the route type that the
// authorization test enumerates, the request's principal and id, and problem+json errors.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/dberr"
)

// Route is one entry of the route table. Every route names the permission it needs; the
// authorization middleware enforces it before the handler runs.
type Route struct {
	Method  string
	Pattern string // ServeMux pattern path, e.g. /org/units/{id}
	Perm    vaern.Permission
	Handler http.HandlerFunc
	API     bool // JSON route: errors as problem+json, 401 instead of a redirect
	// IDKind says what the {id} path value names, so the authorization test can put a foreign
	// object's id there and expect 404: "unit", "user", "org", "member", "token".
	IDKind string
	// MaxBody overrides the request body limit (uploads); 0 means the default.
	MaxBody int64
	// NoSession routes never load a session (health checks, static files).
	NoSession bool
	// SessionInWrite routes check the browser session again inside their write's transaction
	// (store.SessionCheck), so a JSON request may take its session from a short-lived cache
	// (web/session_cache.go).
	SessionInWrite bool
	// SessionInRead pages read the browser session again together with their own data, in the
	// same round trip (store.AssessmentPage), so a GET may take its session from the same cache;
	// a page that finds the session gone or changed is authorized again from the database.
	SessionInRead bool
	// Doc describes an API route for the OpenAPI document.
	Doc *Doc
}

// Doc is an API route's OpenAPI description.
type Doc struct {
	Summary  string
	Tag      string
	Response string // schema name in components, "" for none
	Array    bool   // the response is an array of Response
	Request  string // request body schema name, "" for none
	// RequestOptional documents the body as optional: without one the operation takes its defaults.
	RequestOptional bool
	Params          []Param
	// Produces lists media types of a 200 answer whose body is a file rather than JSON (a text
	// list, a zip): each is documented with a string (binary for zip) body.
	Produces []string
	// NotModified documents 304: the route answers a matching If-None-Match without a body.
	NotModified bool
	// Idempotent documents a POST that answers 201 when it made the object and 200, with the same
	// body, when it had been made before.
	Idempotent bool
	// StringPath names path parameters that are strings (a file name) rather than ids.
	StringPath []string
}

// Param is a query parameter (path parameters come from the pattern).
type Param struct {
	Name, Description, Type string
}

type ctxKey int

const (
	principalKey ctxKey = iota
	requestIDKey
)

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *vaern.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the request's principal, or nil when nobody is signed in.
func PrincipalFrom(ctx context.Context) *vaern.Principal {
	p, _ := ctx.Value(principalKey).(*vaern.Principal)
	return p
}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request's id.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField names a field that is wrong.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// WriteProblem answers with application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields ...ProblemField) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: r.URL.Path, RequestID: RequestID(r.Context()), Errors: fields,
	})
}

// RetryAfter is the Retry-After (in seconds) of a 503 while the database is out of reach.
const RetryAfter = "5"

// WriteError maps a domain error to a problem: a malformed query parameter → 400 naming it,
// validation → 422 naming the field, not found → 404, conflict → 409, the database out of reach →
// 503 with Retry-After, anything else → 500 without internals.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *vaern.ValidationError
	var pe *ParamError
	switch status := Status(err); {
	case errors.As(err, &pe):
		WriteParamError(w, r, pe)
	case errors.As(err, &ve):
		WriteProblem(w, r, status, ve.Error(), ProblemField{Field: ve.Field, Message: ve.Message})
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", RetryAfter)
		WriteProblem(w, r, status, "the service is briefly unavailable; try again in a few seconds")
	case status == http.StatusInternalServerError:
		WriteProblem(w, r, status, "an internal error occurred; quote the request id when reporting it")
	default:
		WriteProblem(w, r, status, "")
	}
}

// statuses is the one mapping from error kinds to HTTP statuses, for HTML pages and the API
// alike; the first kind an error is wins.
var statuses = []struct {
	kind   error
	status int
}{
	{vaern.ErrInvalid, http.StatusUnprocessableEntity},
	{vaern.ErrNotFound, http.StatusNotFound},
	{vaern.ErrConflict, http.StatusConflict},
	{vaern.ErrForbidden, http.StatusForbidden},
	{vaern.ErrUnauthorized, http.StatusUnauthorized},
}

// StatusClientClosed answers a request whose client went away (nginx's 499): nobody reads it,
// and it is not a server error.
const StatusClientClosed = 499

// Status maps an error to the HTTP status that answers it: its kind's status, 400 for a malformed
// query parameter, 503 when the database is out of reach, 499 when the request's context was
// cancelled, else 500.
func Status(err error) int {
	var pe *ParamError
	if errors.As(err, &pe) {
		return http.StatusBadRequest
	}
	for _, s := range statuses {
		if errors.Is(err, s.kind) {
			return s.status
		}
	}
	if dberr.Unavailable(err) {
		return http.StatusServiceUnavailable
	}
	if errors.Is(err, context.Canceled) {
		return StatusClientClosed
	}
	return http.StatusInternalServerError
}

// WriteJSON answers with a JSON body.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// PathID parses the {id} path value; a malformed id is simply not found.
func PathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
