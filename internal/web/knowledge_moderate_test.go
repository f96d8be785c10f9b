package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/testserver"
)

// TestKnowledgeModeration goes through the centre's moderation as its pages do it (forms, no
// JavaScript): the moderator sees the forms, a member does not; hiding needs a reason; a hidden
// post answers 404 to everyone but the centre and its author, who is told with the reason; a
// hidden reply is gone for others; a topic is renamed from its own page.
func TestKnowledgeModeration(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := knPostOf(t, s, s.Fix.A, vaern.PostArticle, "GREEN", "members")
		path := fmt.Sprintf("/knowledge/%d", id)
		mod := signIn(t, s, "centre-analyst")
		author, colleague, other := signIn(t, s, "A:coordinator"), signIn(t, s, "A:viewer"), signIn(t, s, "B:coordinator")

		if r := mod.get(path); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, path+"/moderate") {
			t.Fatalf("the moderator's page: %d, moderation form %v", r.StatusCode, strings.Contains(r.Body, path+"/moderate"))
		}
		if r := other.get(path); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "/moderate") {
			t.Fatalf("a member's page: %d, has moderation forms", r.StatusCode)
		}
		if r := other.post(path+"/moderate", url.Values{"act": {"hide"}, "reason": {"x"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("a member moderates: %d", r.StatusCode)
		}
		if r := mod.post(path+"/moderate", url.Values{"act": {"hide"}, "reason": {" "}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `id="reason-error"`) {
			t.Fatalf("hide without a reason: %d", r.StatusCode)
		}
		if r := mod.post(path+"/moderate", url.Values{"act": {"hide"}, "reason": {"Nævner en medarbejder ved navn"}}); r.StatusCode != http.StatusSeeOther || r.location() != path {
			t.Fatalf("hide: %d → %s", r.StatusCode, r.location())
		}
		for name, c := range map[string]*client{"colleague": colleague, "other member": other} {
			if r := c.get(path); r.StatusCode != http.StatusNotFound {
				t.Fatalf("%s opens the hidden post: %d", name, r.StatusCode)
			}
		}
		if r := author.get(path); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Nævner en medarbejder ved navn") {
			t.Fatalf("the author's view of the hidden post: %d", r.StatusCode)
		}
		notes, err := s.Store.Notifications(ctx, s.Fix.A.ID, s.Fix.Users["A:coordinator"].ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) == 0 || notes[0].Kind != notify.KnowledgeModerated || notes[0].URL != path || !strings.Contains(notes[0].Body, "Nævner en medarbejder ved navn") {
			t.Fatalf("the author's notices: %+v", notes)
		}
		if r := mod.post(path+"/moderate", url.Values{"act": {"show"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("show again: %d", r.StatusCode)
		}

		// A reply hidden by the centre: gone for the colleague, there for the centre.
		aB, vB := knAuthor(s, s.Fix.B)
		cid, err := s.Store.AddComment(ctx, aB, vB, s.Fix.Centre.ID, id, "Køb billige ure her")
		if err != nil {
			t.Fatal(err)
		}
		if r := mod.post(fmt.Sprintf("/knowledge/comments/%d/moderate", cid), url.Values{"act": {"hide"}, "reason": {"Reklame"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide a comment: %d", r.StatusCode)
		}
		if r := colleague.get(path); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "billige ure") {
			t.Fatalf("the colleague sees the hidden comment (%d)", r.StatusCode)
		}
		if r := mod.get(path); !strings.Contains(r.Body, "billige ure") || !strings.Contains(r.Body, "Reklame") {
			t.Fatal("the centre does not see the hidden comment with its reason")
		}

		// Renaming a topic.
		topic := knTopicOf(t, s, false)
		tp := fmt.Sprintf("/centre/knowledge/topics/%d", topic)
		if r := mod.get(tp); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `name="id" value="`+fmt.Sprint(topic)+`"`) {
			t.Fatalf("rename page: %d", r.StatusCode)
		}
		if r := mod.post("/centre/knowledge/topics", url.Values{"id": {fmt.Sprint(topic)}, "name_da": {"Omdøbt emne"}, "name_en": {"Renamed"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: %d", r.StatusCode)
		}
		if r := mod.get(tp); !strings.Contains(r.Body, "Omdøbt emne") {
			t.Fatal("the topic keeps its old name")
		}
	})
}
