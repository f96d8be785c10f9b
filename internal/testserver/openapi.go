package testserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// contract checks every answer of the JSON API against the OpenAPI document that the server itself
// publishes. It is the transport of every client this package hands out, so each API test, on
// each engine, proves the document true for the answers it sees.
type contract struct {
	base   http.RoundTripper
	router routers.Router
}

// Contract is a transport over rt (nil: http.DefaultTransport) that checks every JSON API answer
// against the OpenAPI document of the Værn server at base, for tests that run the real program
// rather than this package's server.
func Contract(t testing.TB, base string, rt http.RoundTripper) http.RoundTripper {
	t.Helper()
	c := loadContract(t, base)
	if rt != nil {
		c.base = rt
	}
	return c
}

// loadContract fetches and loads the server's document, failing the test if it is not valid.
func loadContract(t testing.TB, base string) *contract {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/openapi.json")
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: status %d, %v", resp.StatusCode, err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	// Requests go to this test server; the document's own server is relative.
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi.json: router: %v", err)
	}
	return &contract{base: http.DefaultTransport, router: router}
}

// Checked wraps base (nil: http.DefaultTransport) so that every JSON API answer through it is
// checked against the server's OpenAPI document. Client uses it; a test that needs a transport of
// its own wraps that one, so that no API test goes around the document.
func (s *Server) Checked(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &contract{base: base, router: s.api.router}
}

// RoundTrip passes the request on and checks an API answer against the document: its status must
// be documented for the operation, and its body must fit the documented schema. A mismatch is the
// request's error, so the test that made the call fails where it made it.
func (c *contract) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := c.check(req, resp, body); err != nil {
		return nil, fmt.Errorf("the answer to %s %s does not match the OpenAPI document: %w", req.Method, req.URL.Path, err)
	}
	return resp, nil
}

func (c *contract) check(req *http.Request, resp *http.Response, body []byte) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// No such operation: only "not found" (or "method not allowed") as a problem is right.
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			return fmt.Errorf("status %d for an operation the document does not have (%v)", resp.StatusCode, err)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			return fmt.Errorf("status %d with content type %q, want application/problem+json", resp.StatusCode, ct)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}
