package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The editor: one form without JavaScript, with a title and body per language, the kind, the
// topic, the TLP label and the audience (the advisories' picker).

type knEditData struct {
	Post      vaern.Post
	New       bool
	Kinds     []vaern.PostKind
	Topics    []vaern.Topic
	TLPs      []access.TLP
	Audiences []access.Kind
	Members   []vaern.Org
	Langs     []string
	// MayAuthor is false for a member whose coordinators the centre has not allowed to write.
	MayAuthor bool
}

func (s *Server) knEditPage(w http.ResponseWriter, r *http.Request, post vaern.Post, isNew bool) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	c := community(p)
	title := "kn.edit.title"
	if isNew {
		title = "kn.new.title"
	}
	pg := s.page(w, r, title, nil)
	members, err := s.st.Members(ctx, c)
	if err != nil {
		return nil, err
	}
	topics, err := s.st.Topics(ctx, viewer(p), c, false, pg.L.Lang)
	if err != nil {
		return nil, err
	}
	may := p.Org.IsCentre()
	if !may {
		authors, err := s.st.KnowledgeAuthors(ctx, c)
		if err != nil {
			return nil, err
		}
		may = authors[p.Org.ID]
	}
	pg.Data = knEditData{Post: post, New: isNew, Kinds: vaern.PostKinds, Topics: topics, TLPs: access.TLPs,
		Audiences: []access.Kind{access.AllMembers, access.NamedMembers, access.Group, access.CentreOnly},
		Members:   members, Langs: vaern.PostLangs, MayAuthor: may}
	knFillForm(pg, post)
	return pg, nil
}

// knFillForm puts a post into the editor's fields.
func knFillForm(pg *Page, p vaern.Post) {
	f := pg.Form
	for l, t := range p.Texts {
		f.Set("title_"+l, t.Title)
		f.Set("body_"+l, t.Body)
	}
	f.Set("kind", string(p.Kind))
	f.Set("topic", strconv.FormatInt(p.TopicID, 10))
	f.Set("tlp", p.TLP)
	aud := store.ParseAudience(p.Audience)
	f.Set("audience", string(aud.Kind))
	for _, id := range aud.Orgs {
		f.Add("audience_orgs", strconv.FormatInt(id, 10))
	}
	f.Set("audience_country", aud.Country)
	f.Set("audience_region", aud.Region)
	f.Set("audience_size", aud.SizeClass)
}

// knReadForm reads the editor. The first language with a title is the original unless the post
// already has one.
func knReadForm(r *http.Request, lang string) (vaern.Post, error) {
	f := r.PostForm
	p := vaern.Post{Kind: vaern.PostKind(f.Get("kind")), TLP: f.Get("tlp"), Lang: lang, Texts: map[string]vaern.PostText{}}
	if p.Kind == "" {
		p.Kind = vaern.PostArticle
	}
	for _, l := range vaern.PostLangs {
		t := vaern.PostText{Title: f.Get("title_" + l), Body: f.Get("body_" + l)}
		if strings.TrimSpace(t.Title+t.Body) != "" {
			p.Texts[l] = t
		}
	}
	if v := f.Get("topic"); v != "" && v != "0" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return p, vaern.Invalid("topic", "is not a topic here")
		}
		p.TopicID = id
	}
	aud, err := formAudience(f)
	if err != nil {
		return p, err
	}
	p.Audience = store.FormatAudience(aud)
	return p, nil
}

func (s *Server) knNew(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_edit", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		return s.knEditPage(w, r, vaern.Post{Kind: vaern.PostArticle, TLP: "GREEN", Audience: "members"}, true)
	})
}

func (s *Server) knCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg := s.page(w, r, "", nil)
	post, err := knReadForm(r, pg.L.Lang)
	var id int64
	if err == nil {
		id, err = s.st.CreatePost(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), post)
	}
	if err != nil {
		s.refill(w, r, err, "knowledge_edit", true, func() (*Page, error) { return s.knEditPage(w, r, post, true) })
		return
	}
	s.redirect(w, r, "/knowledge/"+strconv.FormatInt(id, 10), "flash.kn_published")
}

func (s *Server) knEdit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_edit", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		post, err := s.st.Post(r.Context(), viewer(p), community(p), id, "")
		if err != nil {
			return nil, err
		}
		if post.OwnerID != p.Org.ID || post.Kind == vaern.PostThread {
			return nil, vaern.ErrNotFound // only the post's own organisation edits it
		}
		return s.knEditPage(w, r, post, false)
	})
}

func (s *Server) knUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	post, err := knReadForm(r, "")
	post.ID = id
	if err == nil {
		err = s.st.UpdatePost(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), post)
	}
	if err != nil {
		s.refill(w, r, err, "knowledge_edit", true, func() (*Page, error) { return s.knEditPage(w, r, post, false) })
		return
	}
	s.redirect(w, r, "/knowledge/"+strconv.FormatInt(id, 10), "flash.kn_saved")
}
