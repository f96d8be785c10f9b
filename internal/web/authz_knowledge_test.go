package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/testserver"
)

// The knowledge module's id kinds. A role's own post is a fresh post of its own organisation
// (written by its coordinator or the centre's analyst); the foreign one is member B's post
// AMBER+STRICT to B alone, which neither member A nor the centre may see.
func init() {
	idKinds["post"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(knPostOf(t, s, memberOf(s, role), vaern.PostArticle, "GREEN", "members"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(knPostOf(t, s, s.Fix.B, vaern.PostArticle, "AMBER+STRICT", fmt.Sprintf("named:%d", s.Fix.B.ID))), true
		},
	}
	idKinds["thread"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(knPostOf(t, s, memberOf(s, role), vaern.PostThread, "GREEN", "members"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(knPostOf(t, s, s.Fix.B, vaern.PostThread, "AMBER+STRICT", fmt.Sprintf("named:%d", s.Fix.B.ID))), true
		},
	}
	idKinds["post-attachment"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			return fmt.Sprint(knAttachmentOf(t, s, org, knPostOf(t, s, org, vaern.PostDocument, "GREEN", "members")))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			id := knPostOf(t, s, s.Fix.B, vaern.PostDocument, "AMBER+STRICT", fmt.Sprintf("named:%d", s.Fix.B.ID))
			return fmt.Sprint(knAttachmentOf(t, s, s.Fix.B, id)), true
		},
	}
	// A comment on a fresh post of the role's organisation; the foreign one is on member B's
	// post AMBER+STRICT to B, which the centre's moderators cannot see either.
	idKinds["post-comment"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			return fmt.Sprint(knCommentOf(t, s, org, knPostOf(t, s, org, vaern.PostArticle, "GREEN", "members")))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			id := knPostOf(t, s, s.Fix.B, vaern.PostArticle, "AMBER+STRICT", fmt.Sprintf("named:%d", s.Fix.B.ID))
			return fmt.Sprint(knCommentOf(t, s, s.Fix.B, id)), true
		},
	}
	idKinds["topic"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string { return fmt.Sprint(knTopicOf(t, s, false)) },
		// There is one centre: a topic id that is not one of its topics.
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "987654321", true },
	}
	idKinds["guidance"] = idKind{
		own:     func(t *testing.T, s *testserver.Server, _ string) string { return fmt.Sprint(knGuidanceOf(t, s)) },
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "987654321", true },
	}
}

// knAuthor is who writes for org in the tests: its coordinator, or the centre's analyst.
func knAuthor(s *testserver.Server, org vaern.Org) (vaern.Actor, access.Principal) {
	key, role := "centre-analyst", vaern.RoleCentreAnalyst
	switch org.ID {
	case s.Fix.A.ID:
		key, role = "A:coordinator", vaern.RoleCoordinator
	case s.Fix.B.ID:
		key, role = "B:coordinator", vaern.RoleCoordinator
	}
	u := s.Fix.Users[key]
	return vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: role}, access.Of(&vaern.Principal{User: u, Org: org, Role: role})
}

func knTopicOf(t *testing.T, s *testserver.Server, forum bool) int64 {
	t.Helper()
	counter++
	id, err := s.Store.SaveTopic(context.Background(), vaern.System("authz-test"), s.Fix.Centre.ID,
		vaern.Topic{Forum: forum, Names: map[string]string{"da": fmt.Sprintf("Emne %d", counter)}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// knPostOf publishes a post (or thread) of org; a member is allowed to author first.
func knPostOf(t *testing.T, s *testserver.Server, org vaern.Org, kind vaern.PostKind, tlp, audience string) int64 {
	t.Helper()
	ctx := context.Background()
	if !org.IsCentre() {
		if err := s.Store.SetKnowledgeAuthor(ctx, vaern.System("authz-test"), s.Fix.Centre.ID, org.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	counter++
	p := vaern.Post{Kind: kind, Lang: "da", TLP: tlp, Audience: audience,
		Texts: map[string]vaern.PostText{"da": {Title: fmt.Sprintf("Indlæg %d", counter), Body: "Tekst"}}}
	if kind == vaern.PostThread {
		p.TopicID = knTopicOf(t, s, true)
	}
	a, v := knAuthor(s, org)
	id, err := s.Store.CreatePost(ctx, a, v, s.Fix.Centre.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	if kind != vaern.PostThread {
		// An earlier version, so the version page has something to show.
		p.ID = id
		p.Texts["da"] = vaern.PostText{Title: p.Texts["da"].Title, Body: "Ny tekst"}
		if err := s.Store.UpdatePost(ctx, a, v, s.Fix.Centre.ID, p); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func knCommentOf(t *testing.T, s *testserver.Server, org vaern.Org, post int64) int64 {
	t.Helper()
	a, v := knAuthor(s, org)
	id, err := s.Store.AddComment(context.Background(), a, v, s.Fix.Centre.ID, post, "En kommentar")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func knAttachmentOf(t *testing.T, s *testserver.Server, org vaern.Org, post int64) int64 {
	t.Helper()
	a, v := knAuthor(s, org)
	id, err := s.Store.AddAttachment(context.Background(), a, v, s.Fix.Centre.ID, post, "bilag.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// knGuidanceOf is an indexed question of a framework of the centre.
func knGuidanceOf(t *testing.T, s *testserver.Server) int64 {
	t.Helper()
	ctx := context.Background()
	hits, err := s.Store.SearchGuidance(ctx, access.ForOrg(s.Fix.A), s.Fix.Centre.ID, knowledge.Terms("backup"), "da", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		fws, err := framework.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Store.SaveFramework(ctx, vaern.System("authz-test"), s.Fix.Centre.ID, fws[0], true, false); err != nil {
			t.Fatal(err)
		}
		if hits, err = s.Store.SearchGuidance(ctx, access.ForOrg(s.Fix.A), s.Fix.Centre.ID, knowledge.Terms("backup"), "da", 1); err != nil || len(hits) == 0 {
			t.Fatalf("no guidance to find: %v", err)
		}
	}
	return hits[0].ID
}
