package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

type apiPost struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	TLP     string `json:"tlp"`
	Snippet string `json:"snippet"`
}

// TestKnowledgeAPIContract is the contract the checks rely on (issue 15): a centre analyst's POST
// /api/v1/knowledge → 201 {id}; GET ?q= lists what the caller may see that matches, with id,
// title and tlp; GET /{id} is 404 where TLP or audience denies it. Bad fields are 422 naming
// them, bad JSON 400, a member without the centre's permission 403, a viewer 403. Every answer is
// checked against the OpenAPI document by the test client.
func TestKnowledgeAPIContract(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		tokC := createToken(t, signIn(t, s, "centre-analyst"), "script")
		tokA := createToken(t, signIn(t, s, "A:viewer"), "script")
		tokAC := createToken(t, signIn(t, s, "A:coordinator"), "script")
		tokB := createToken(t, signIn(t, s, "B:coordinator"), "script")
		api := newClient(t, s)

		body := fmt.Sprintf(`{"title":"Phishing-kampagne mod lønsystemet","body":"Kampagnen udnytter lønsedler som lokkemad.","tlp":"AMBER","audience":{"members":[%d]}}`, s.Fix.A.ID)
		r := api.api("POST", "/api/v1/knowledge", tokC, body)
		wantStatus(t, "create", r, http.StatusCreated)
		created := decodeJSON[struct{ ID int64 }](t, "create", r)
		if created.ID == 0 {
			t.Fatalf("no id: %s", r.Body)
		}
		r = api.api("POST", "/api/v1/knowledge", tokC, `{"title":"Awareness: adgangskoder","body":"Brug lange passphrases.","tlp":"CLEAR","audience":{"all":true}}`)
		wantStatus(t, "create clear", r, http.StatusCreated)
		for _, bad := range []struct{ body, field string }{
			{`{"title":"x","body":"y","tlp":"PURPLE","audience":{"all":true}}`, "tlp"},
			{`{"title":"","body":"y","tlp":"GREEN","audience":{"all":true}}`, "title"},
			{`{"title":"x","tlp":"GREEN","audience":{"all":true,"members":[1]}}`, "audience"},
			{`{"title":"x","tlp":"GREEN","audience":{"members":[]}}`, "audience_orgs"},
			{`{"title":"x","tlp":"GREEN"}`, "audience"},
			{`{"title":"x","tlp":"GREEN","audience":{"all":true},"secret":1}`, "secret"},
			{`{"title":"x","tlp":"RED","audience":{"all":true}}`, "audience"},
		} {
			wantAPIFieldError(t, bad.body, api.api("POST", "/api/v1/knowledge", tokC, bad.body), bad.field)
		}
		wantStatus(t, "not JSON", api.api("POST", "/api/v1/knowledge", tokC, `[1,2`), http.StatusBadRequest)
		wantStatus(t, "too deep", api.api("POST", "/api/v1/knowledge", tokC, `{"title":`+strings.Repeat("[", 50)+strings.Repeat("]", 50)+`}`), http.StatusBadRequest)
		wantStatus(t, "a viewer writes", api.api("POST", "/api/v1/knowledge", tokA, body), http.StatusForbidden)
		wantStatus(t, "a coordinator without the centre's permission", api.api("POST", "/api/v1/knowledge", tokAC,
			`{"title":"x","tlp":"GREEN","audience":{"all":true}}`), http.StatusForbidden)

		find := func(tok, q string) []apiPost {
			r := api.api("GET", "/api/v1/knowledge?q="+q, tok, "")
			wantStatus(t, "search", r, http.StatusOK)
			return decodeJSON[[]apiPost](t, "search", r)
		}
		if got := find(tokA, "phishing"); len(got) != 1 || got[0].ID != created.ID || got[0].TLP != "AMBER" || got[0].Snippet == "" {
			t.Errorf("A's search: %+v", got)
		}
		if got := find(tokB, "phishing"); len(got) != 0 {
			t.Errorf("B finds A's AMBER post: %+v", got)
		}
		if got := find(tokB, "adgangskode"); len(got) != 1 {
			t.Errorf("B's search for the CLEAR post: %+v", got)
		}
		path := fmt.Sprintf("/api/v1/knowledge/%d", created.ID)
		wantStatus(t, "A reads", api.api("GET", path, tokA, ""), http.StatusOK)
		wantStatus(t, "the centre reads", api.api("GET", path, tokC, ""), http.StatusOK)
		wantStatus(t, "B reads A's AMBER post", api.api("GET", path, tokB, ""), http.StatusNotFound)
		wantStatus(t, "no such post", api.api("GET", "/api/v1/knowledge/987654321", tokA, ""), http.StatusNotFound)
		wantStatus(t, "bad kind", api.api("GET", "/api/v1/knowledge?kind=thread", tokA, ""), http.StatusUnprocessableEntity)

	})
}
