package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/knowledge"
)

// knowledgeRoutes are the knowledge module's pages: the knowledge base with its search, a post
// with its versions, comments, marks and attachments, the editor, the network's forum, and the
// centre's settings (topics, which members may author).
func (s *Server) knowledgeRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, write, forum, manage := vaern.PermKnowledgeView, vaern.PermKnowledgeWrite, vaern.PermForumPost, vaern.PermKnowledgeManage
	return []httpx.Route{
		{Method: get, Pattern: "/knowledge", Perm: view, Handler: s.knList},
		{Method: get, Pattern: "/knowledge/new", Perm: write, Handler: s.knNew},
		{Method: post, Pattern: "/knowledge", Perm: write, Handler: s.knCreate, MaxBody: knFormMax},
		{Method: get, Pattern: "/knowledge/{id}", Perm: view, Handler: s.knPost, IDKind: "post"},
		{Method: get, Pattern: "/knowledge/{id}/version", Perm: view, Handler: s.knVersion, IDKind: "post"},
		{Method: get, Pattern: "/knowledge/{id}/edit", Perm: write, Handler: s.knEdit, IDKind: "post"},
		{Method: post, Pattern: "/knowledge/{id}", Perm: write, Handler: s.knUpdate, IDKind: "post", MaxBody: knFormMax},
		{Method: post, Pattern: "/knowledge/{id}/comments", Perm: view, Handler: s.knComment, IDKind: "post"},
		{Method: post, Pattern: "/knowledge/{id}/useful", Perm: view, Handler: s.knUseful, IDKind: "post"},
		{Method: post, Pattern: "/knowledge/{id}/attachments", Perm: write, Handler: s.knAttach, IDKind: "post", MaxBody: knowledge.MaxAttachment + 1<<20},
		{Method: get, Pattern: "/knowledge/files/{id}/download", Perm: view, Handler: s.knAttachment, IDKind: "post-attachment"},
		{Method: post, Pattern: "/knowledge/topics/{id}/follow", Perm: view, Handler: s.knFollow, IDKind: "topic"},
		{Method: get, Pattern: "/knowledge/guidance/{id}/text", Perm: view, Handler: s.knGuidance, IDKind: "guidance"},

		{Method: get, Pattern: "/forum", Perm: view, Handler: s.fmList},
		{Method: get, Pattern: "/forum/new", Perm: forum, Handler: s.fmNew},
		{Method: post, Pattern: "/forum", Perm: forum, Handler: s.fmCreate, MaxBody: knFormMax},
		{Method: get, Pattern: "/forum/{id}", Perm: view, Handler: s.fmThread, IDKind: "thread"},
		{Method: post, Pattern: "/forum/{id}/replies", Perm: forum, Handler: s.fmReply, IDKind: "thread"},

		{Method: get, Pattern: "/centre/knowledge", Perm: manage, Handler: s.knSettings},
		{Method: post, Pattern: "/centre/knowledge/topics", Perm: manage, Handler: s.knTopicSave},
		{Method: post, Pattern: "/centre/knowledge/authors", Perm: manage, Handler: s.knAuthorSave},
		{Method: get, Pattern: "/centre/knowledge/topics/{id}", Perm: manage, Handler: s.knTopicEdit, IDKind: "topic"},
		{Method: post, Pattern: "/knowledge/{id}/moderate", Perm: manage, Handler: s.knModerate, IDKind: "post"},
		{Method: post, Pattern: "/knowledge/comments/{id}/moderate", Perm: manage, Handler: s.knModerateComment, IDKind: "post-comment"},
	}
}

// knFormMax bounds the editor's form: three languages' longest bodies and the rest.
const knFormMax = 3*knowledge.MaxBody + 64<<10

// knowledgeNav are the module's navigation entries.
func knowledgeNav(p *vaern.Principal) []NavItem {
	if !vaern.Can(p.Role, vaern.PermKnowledgeView) {
		return nil
	}
	return []NavItem{{Href: "/knowledge", Key: "kn.nav"}, {Href: "/forum", Key: "fm.nav"}}
}
