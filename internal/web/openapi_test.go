package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestOpenAPIMatchesRoutes keeps the OpenAPI document in step with the route table: every API
// route is documented with its parameters and responses, and every documented path is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	resp, err := http.Get(s.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name, In string
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	served := map[string]bool{}
	ops := map[string]bool{}
	for _, rt := range s.Web.Routes() {
		if !rt.API {
			if strings.HasPrefix(rt.Pattern, "/api/") {
				t.Errorf("%s %s is under /api/ but not marked as an API route", rt.Method, rt.Pattern)
			}
			continue
		}
		served[strings.ToLower(rt.Method)+" "+rt.Pattern] = true
		item, ok := doc.Paths[rt.Pattern]
		if !ok {
			t.Errorf("route %s %s is missing from the OpenAPI document", rt.Method, rt.Pattern)
			continue
		}
		op, ok := item[strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("route %s %s: method missing from the OpenAPI document", rt.Method, rt.Pattern)
			continue
		}
		if op.OperationID == "" || ops[op.OperationID] {
			t.Errorf("%s %s: operationId %q missing or repeated", rt.Method, rt.Pattern, op.OperationID)
		}
		ops[op.OperationID] = true
		for _, p := range paramsOf(rt.Pattern) {
			found := false
			for _, dp := range op.Parameters {
				found = found || (dp.Name == p && dp.In == "path")
			}
			if !found {
				t.Errorf("%s %s: path parameter %s is not documented", rt.Method, rt.Pattern, p)
			}
		}
		if strings.Contains(rt.Pattern, "{") && op.Responses["404"] == nil {
			t.Errorf("%s %s: the 404 answer is not documented", rt.Method, rt.Pattern)
		}
	}
	for path, item := range doc.Paths {
		for method := range item {
			if !served[method+" "+path] {
				t.Errorf("the OpenAPI document lists %s %s, which is not a route", method, path)
			}
		}
	}
	// Client generators reject "required": null; an empty list is left out instead.
	if bytes.Contains(body, []byte(`"required": null`)) || bytes.Contains(body, []byte(`"required":null`)) {
		t.Error(`the document has "required": null`)
	}
	raw, _ := json.Marshal(doc.Paths)
	for _, ref := range strings.Split(string(raw), `#/components/schemas/`)[1:] {
		name := ref[:strings.IndexByte(ref, '"')]
		if doc.Components.Schemas[name] == nil {
			t.Errorf("schema %s is referenced but not defined", name)
		}
	}
}
