package api

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The OpenAPI document is built from the route table, so a route cannot exist without appearing in
// it. Schemas are written out next to the JSON shapes they describe: the platform's here, each
// module's in its own file, all listed in schemas.

// schemas is every schema of the document: the platform's and each module's, listed explicitly. A
// name given twice is a programming error and stops the first request for the document (and the
// OpenAPI test).
func schemas() map[string]any {
	out := map[string]any{}
	for _, set := range []map[string]any{platformSchemas(), resultsSchemas(), systemsSchemas(), warningsSchemas(), incidentsSchemas(), indicatorsSchemas(), servicesSchemas(),
		sensorsSchemas(), earlyWarningsSchemas(), knowledgeSchemas()} {
		for k, v := range set {
			if _, dup := out[k]; dup {
				panic("openapi: schema " + k + " is defined twice")
			}
			out[k] = v
		}
	}
	return out
}

// platformSchemas are the schemas of the platform's own endpoints.
func platformSchemas() map[string]any {
	return map[string]any{
		"Me": obj(map[string]any{
			"user": ref("User"), "org": ref("Org"), "role": enum(roleNames()...), "auth": enum("session", "token"),
		}, "user", "org", "role"),
		"User": obj(map[string]any{
			"id": integer(), "email": str("email"), "name": str(""), "lang": enum("da", "nb", "en"),
			"totp_enabled": boolean(), "role": enum(roleNames()...), "unit_id": integer(),
		}, "id", "email"),
		"Org": obj(map[string]any{
			"id": integer(), "kind": enum("centre", "member"), "code": str(""), "name": str(""),
			"country": enum("DK", "NO"), "region": str(""), "population": integer(), "size_class": enum("", "small", "medium", "large"),
		}, "id", "kind", "code", "name"),
		"Unit": obj(map[string]any{
			"id": integer(), "parent_id": integer(), "name": str(""), "depth": integer(), "created_at": str("date-time"),
		}, "id", "name"),
		"NewUnit": obj(map[string]any{"name": str(""), "parent_id": integer()}, "name"),
		"Notification": obj(map[string]any{
			"id": integer(), "kind": str(""), "created_at": str("date-time"), "read": boolean(), "read_at": str("date-time"),
			"title": str(""), "body": str(""), "url": str(""),
		}, "id", "kind", "created_at", "read", "title", "url"),
		"Problem": obj(map[string]any{
			"type": str(""), "title": str(""), "status": integer(), "detail": str(""), "instance": str(""), "request_id": str(""),
			"errors": map[string]any{"type": "array", "items": obj(map[string]any{"field": str(""), "message": str("")}, "field", "message")},
		}, "type", "title", "status"),
	}
}

func roleNames() []string {
	var out []string
	for _, r := range vaern.Roles {
		out = append(out, string(r))
	}
	return out
}

// obj is an object schema. An empty required list is left out: OpenAPI wants a non-empty array or
// nothing, and client generators reject "required": null.
func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}
func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func integer() map[string]any        { return map[string]any{"type": "integer", "format": "int64"} }
func boolean() map[string]any        { return map[string]any{"type": "boolean"} }
func enum(v ...string) map[string]any {
	return map[string]any{"type": "string", "enum": v}
}
func str(format string) map[string]any {
	if format == "" {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "string", "format": format}
}

// tagDescriptions say what each group of operations is about (a linter asks for them, and they head
// the sections of generated documentation).
var tagDescriptions = map[string]string{
	"meta":       "The API's own description",
	"me":         "The signed-in caller",
	"orgs":       "Organisations: the caller's own and, for the centre, its members' public facts",
	"units":      "The organisation's tree of administrations and departments",
	"users":      "The organisation's people and their roles",
	"reports":    "Reports of the baseline measurement and their exports",
	"actions":    "The action plan made from a report's recommendations",
	"national":   "The centre's national report of anonymous aggregates",
	"systems":    "The member's register of IT systems and their SBOM components",
	"indicators": "The indicator store: shared indicators under TLP and audience, their exports for sensors and feeds, and imports",
	"warnings":   "Advisories, the member's exposures to them and its answers, the centre's sector counts",
	"knowledge":  "The knowledge base's posts under their TLP labels and audiences, and its search",
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// OpenAPI builds the document for routes.
func OpenAPI(routes []httpx.Route) map[string]any {
	paths := map[string]any{}
	tags := map[string]bool{}
	for _, rt := range routes {
		if !rt.API || rt.Doc == nil {
			continue
		}
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		op := map[string]any{
			"summary":     rt.Doc.Summary,
			"operationId": operationID(rt),
			"tags":        []string{rt.Doc.Tag},
		}
		tags[rt.Doc.Tag] = true
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			var schema any = integer()
			for _, sp := range rt.Doc.StringPath {
				if sp == m[1] {
					schema = str("")
				}
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": schema})
		}
		for _, p := range rt.Doc.Params {
			params = append(params, map[string]any{"name": p.Name, "in": "query", "required": false,
				"description": p.Description, "schema": map[string]any{"type": p.Type}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Doc.Request != "" {
			op["requestBody"] = map[string]any{"required": !rt.Doc.RequestOptional, "content": map[string]any{
				"application/json": map[string]any{"schema": ref(rt.Doc.Request)}}}
		}
		status, ok := "200", map[string]any{"description": "OK"}
		switch rt.Method {
		case http.MethodPost:
			status, ok["description"] = "201", "Created"
		case http.MethodDelete:
			status, ok["description"] = "204", "Deleted"
		}
		if rt.Doc.Response != "" {
			var schema any = ref(rt.Doc.Response)
			if rt.Doc.Array {
				schema = map[string]any{"type": "array", "items": ref(rt.Doc.Response)}
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schema}}
		}
		if len(rt.Doc.Produces) > 0 {
			content, _ := ok["content"].(map[string]any)
			if content == nil {
				content = map[string]any{}
			}
			for _, mt := range rt.Doc.Produces {
				body := map[string]any{"type": "string"}
				if strings.Contains(mt, "json") {
					body = map[string]any{"type": "object"}
				} else if !strings.HasPrefix(mt, "text/") {
					body["format"] = "binary"
				}
				content[mt] = map[string]any{"schema": body}
			}
			ok["content"] = content
		}
		var again map[string]any
		if rt.Doc.Idempotent && rt.Method == http.MethodPost {
			again = map[string]any{"description": "Done before: the same answer as when it was made"}
			if c, ok := ok["content"]; ok {
				again["content"] = c
			}
		}
		problem := func(desc string) map[string]any {
			return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
		}
		// Every API route shares the per-address and per-token rate limits.
		responses := map[string]any{status: ok, "429": problem("Too many requests; Retry-After says when to try again"),
			"503": problem("The database is briefly out of reach; Retry-After says when to try again")}
		if again != nil {
			responses["200"] = again
		}
		if rt.Perm != vaern.PermPublic {
			responses["401"] = problem("Not signed in, or the token is unknown, expired or revoked")
			responses["403"] = problem("The caller's role does not allow this")
		}
		if strings.Contains(rt.Pattern, "{") {
			responses["404"] = problem("No such object in the caller's organisation")
		}
		if rt.Doc.Request != "" {
			responses["400"] = problem("The body is not valid JSON of the expected shape")
			responses["422"] = problem("A field is invalid; errors[] names it")
			responses["413"] = problem("The body is larger than this operation accepts")
		} else if len(rt.Doc.Params) > 0 {
			responses["422"] = problem("A query parameter is invalid; errors[] names it")
		}
		if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
			// The body limit applies to every write, also to one that expects no body.
			responses["413"] = problem("The body is larger than this operation accepts")
		}
		if _, ok := responses["400"]; !ok && len(rt.Doc.Params) > 0 {
			responses["400"] = problem("A query parameter is malformed; errors[] names it")
		}
		if rt.Doc.NotModified {
			responses["304"] = map[string]any{"description": "Not modified: the ETag given in If-None-Match is still current"}
		}
		op["responses"] = responses
		if rt.Perm == vaern.PermPublic {
			op["security"] = []any{}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	var tagList []any
	var names []string
	for t := range tags {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		tag := map[string]any{"name": t}
		if d := tagDescriptions[t]; d != "" {
			tag["description"] = d
		}
		tagList = append(tagList, tag)
	}
	patchSensorDoc(paths)
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Værn API",
			"version":     "1",
			"description": "JSON API of Værn. Authenticate with an API token (Authorization: Bearer vaern_...) created under Account → API tokens, or with the browser session. Errors are application/problem+json.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas(),
			"securitySchemes": map[string]any{
				"bearer":      map[string]any{"type": "http", "scheme": "bearer", "description": "API token"},
				"session":     map[string]any{"type": "apiKey", "in": "cookie", "name": "vaern_session"},
				"sensorToken": map[string]any{"type": "http", "scheme": "bearer", "description": "A sensor's ingest token (vaern sensor create, or the sensors page)"},
			},
		},
		"security": []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

func operationID(rt httpx.Route) string {
	s := strings.TrimPrefix(rt.Pattern, "/api/v1/")
	s = pathParam.ReplaceAllString(s, "by_$1")
	s = strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(s)
	return strings.ToLower(rt.Method) + "_" + s
}

var (
	docOnce sync.Once
	doc     map[string]any
)

func (a *API) openapi(w http.ResponseWriter, r *http.Request) {
	docOnce.Do(func() { doc = OpenAPI(a.Routes()) })
	httpx.WriteJSON(w, http.StatusOK, doc)
}
