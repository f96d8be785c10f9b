package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
)

// The knowledge API: the centre's analysts (and members' coordinators where the centre allows it)
// publish posts; everyone lists, searches and reads the posts their TLP and audience allow. A
// post the caller may not see answers 404, as if it did not exist.
func (a *API) knowledgeRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/api/v1/knowledge", Perm: vaern.PermKnowledgeWrite, Handler: a.knowledgeCreate, API: true, MaxBody: maxPostBody,
			Doc: &httpx.Doc{Summary: "Publish a post with a TLP label and an audience", Tag: "knowledge", Request: "NewPost", Response: "PostID"}},
		{Method: http.MethodGet, Pattern: "/api/v1/knowledge", Perm: vaern.PermKnowledgeView, Handler: a.knowledgeList, API: true,
			Doc: &httpx.Doc{Summary: "The posts the caller may see, newest first, or those matching q best first", Tag: "knowledge", Response: "Post", Array: true,
				Params: []httpx.Param{{Name: "q", Description: "words to search for (every word must match, as a prefix)", Type: "string"},
					{Name: "kind", Description: "post, document, template or news", Type: "string"}}}},
		{Method: http.MethodGet, Pattern: "/api/v1/knowledge/{id}", Perm: vaern.PermKnowledgeView, Handler: a.knowledgeGet, API: true, IDKind: "post",
			Doc: &httpx.Doc{Summary: "One post, in the caller's language where it has it (404 where TLP or audience denies it)", Tag: "knowledge", Response: "Post"}},
	}
}

// maxPostBody bounds a post's JSON: the longest body in three languages and its envelope.
const maxPostBody = 3*knowledge.MaxBody + 64<<10

// postLimits bound the JSON of a new post before it is decoded.
var postLimits = inputguard.Limits{MaxBytes: maxPostBody, MaxDepth: 8, MaxTokens: 20_000}

func knowledgeSchemas() map[string]any {
	text := str("")
	tlp := enum("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
	audience := map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		"all":     boolean(),
		"members": map[string]any{"type": "array", "items": integer()},
	}}
	texts := map[string]any{"type": "object", "additionalProperties": obj(map[string]any{"title": text, "body": text}, "title")}
	newPost := obj(map[string]any{"title": text, "body": text, "tlp": tlp, "audience": audience,
		"kind": enum("post", "document", "template", "news"), "lang": enum("da", "nb", "en"), "topic_id": integer()}, "title", "tlp", "audience")
	newPost["additionalProperties"] = false
	return map[string]any{
		"NewPost": newPost,
		"PostID":  obj(map[string]any{"id": integer()}, "id"),
		"Post": obj(map[string]any{"id": integer(), "title": text, "body": text, "tlp": tlp, "kind": text, "lang": text,
			"fallback": boolean(), "audience": text, "author": text, "org": text, "topic_id": integer(), "version": integer(),
			"useful": integer(), "comments": integer(), "snippet": text, "updated_at": str("date-time"), "texts": texts}, "id", "title", "tlp"),
	}
}

type postJSON struct {
	ID        int64                   `json:"id"`
	Title     string                  `json:"title"`
	Body      string                  `json:"body,omitempty"`
	TLP       string                  `json:"tlp"`
	Kind      string                  `json:"kind"`
	Lang      string                  `json:"lang"`
	Fallback  bool                    `json:"fallback"`
	Audience  string                  `json:"audience"`
	Author    string                  `json:"author"`
	Org       string                  `json:"org"`
	TopicID   int64                   `json:"topic_id"`
	Version   int                     `json:"version"`
	Useful    int                     `json:"useful"`
	Comments  int                     `json:"comments"`
	Snippet   string                  `json:"snippet,omitempty"`
	UpdatedAt string                  `json:"updated_at"`
	Texts     map[string]postTextJSON `json:"texts,omitempty"`
}

type postTextJSON struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

func toPost(p vaern.Post) postJSON {
	return postJSON{ID: p.ID, Title: p.Title, Body: p.Body, TLP: p.TLP, Kind: string(p.Kind), Lang: p.ShownLang, Fallback: p.Fallback,
		Audience: p.Audience, Author: p.Author, Org: p.Owner, TopicID: p.TopicID, Version: p.Version, Useful: p.Useful,
		Comments: p.Comments, UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339)}
}

// postBody reads a new post, naming the first field that is unknown or of the wrong type.
func postBody(r *http.Request) (vaern.Post, error) {
	p := vaern.Post{Kind: vaern.PostArticle}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return p, err // the body limit's 413
	}
	if err := postLimits.CheckJSON(data); err != nil {
		return p, &badRequest{err.Error()}
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil || raw == nil {
		return p, errBadJSON
	}
	var title, body, lang string
	for _, k := range []string{"title", "body", "tlp", "kind", "lang", "topic_id", "audience"} {
		v, ok := raw[k]
		if !ok {
			continue
		}
		delete(raw, k)
		var err error
		switch k {
		case "title", "body", "tlp", "kind", "lang":
			var s string
			if json.Unmarshal(v, &s) != nil {
				return p, vaern.Invalid(k, "must be a string")
			}
			switch k {
			case "title":
				title = s
			case "body":
				body = s
			case "tlp":
				p.TLP = s
			case "kind":
				p.Kind = vaern.PostKind(s)
				if p.Kind == vaern.PostThread {
					return p, vaern.Invalid(k, "must be post, document, template or news (threads are started in the forum)")
				}
			case "lang":
				lang = s
			}
		case "topic_id":
			if json.Unmarshal(v, &p.TopicID) != nil {
				err = vaern.Invalid(k, "must be a topic's id")
			}
		case "audience":
			p.Audience, err = audienceBody(v)
		}
		if err != nil {
			return p, err
		}
	}
	for k := range raw {
		return p, vaern.Invalid(k, "is not a field of a post")
	}
	if _, ok := access.ParseTLP(p.TLP); !ok || p.TLP == "" {
		return p, vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	}
	if p.Audience == "" {
		return p, vaern.Invalid("audience", `is required: {"all": true} or {"members": [org ids]}`)
	}
	if strings.TrimSpace(title) == "" {
		return p, vaern.Invalid("title", "is required")
	}
	if lang == "" {
		lang = "da"
	}
	p.Lang = lang
	p.Texts = map[string]vaern.PostText{lang: {Title: title, Body: body}}
	return p, nil
}

// audienceBody reads {"all": true} or {"members": [ids]} into the store's audience form.
func audienceBody(v json.RawMessage) (string, error) {
	var aud struct {
		All     *bool    `json:"all"`
		Members *[]int64 `json:"members"`
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.DisallowUnknownFields()
	if dec.Decode(&aud) != nil {
		return "", vaern.Invalid("audience", `must be {"all": true} or {"members": [org ids]}`)
	}
	switch {
	case aud.All != nil && *aud.All && aud.Members == nil:
		return store.FormatAudience(access.Audience{Kind: access.AllMembers}), nil
	case aud.Members != nil && aud.All == nil:
		if len(*aud.Members) == 0 {
			return "", vaern.Invalid("audience_orgs", "name at least one member")
		}
		return store.FormatAudience(access.Audience{Kind: access.NamedMembers, Orgs: *aud.Members}), nil
	}
	return "", vaern.Invalid("audience", `must be {"all": true} or {"members": [org ids]}`)
}

func (a *API) knowledgeCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	post, err := postBody(r)
	if err != nil {
		writeBodyError(w, r, err)
		return
	}
	id, err := a.st.CreatePost(r.Context(), p.Actor(a.cfg.ClientIP(r)), access.Of(p), vaern.CommunityOf(p.Org), post)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int64{"id": id})
}

func (a *API) knowledgeList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	f := vaern.PostFilter{Query: q.Get("q"), Terms: knowledge.Terms(q.Get("q")), Lang: readerLang(p), Limit: 200}
	if k := q.Get("kind"); k != "" {
		f.Kind = vaern.PostKind(k)
		if !f.Kind.Valid() || f.Kind == vaern.PostThread {
			httpx.WriteError(w, r, vaern.Invalid("kind", "must be post, document, template or news"))
			return
		}
	}
	l, err := a.st.Posts(r.Context(), access.Of(p), vaern.CommunityOf(p.Org), f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]postJSON, 0, len(l.Posts))
	for _, x := range l.Posts {
		j := toPost(x)
		if x.Snippet != "" {
			j.Snippet = knowledge.PlainSnippet(knowledge.Snippet(x.Snippet, f.Terms))
		}
		out = append(out, j)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(l.Total))
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) knowledgeGet(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	x, err := a.st.Post(r.Context(), access.Of(p), vaern.CommunityOf(p.Org), id, readerLang(p))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	t, shown, fallback := knowledge.Pick(x.Texts, readerLang(p), x.Lang)
	x.Title, x.Body, x.ShownLang, x.Fallback = t.Title, t.Body, shown, fallback
	out := toPost(x)
	out.Texts = map[string]postTextJSON{}
	for l, t := range x.Texts {
		out.Texts[l] = postTextJSON{Title: t.Title, Body: t.Body}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// readerLang is the language the caller reads: their own choice, else their member's country's.
func readerLang(p *vaern.Principal) string {
	switch {
	case p.User.Lang != "":
		return p.User.Lang
	case p.Org.Country == "NO":
		return "nb"
	}
	return "da"
}
