package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/knowledge"
)

// A post's page: the reader's language version (with a note when it falls back to another), the
// TLP banner, the language switch, earlier versions, comments, "useful" marks and attachments.
// The forum's thread page is the same page with the replies in front.

type knPostData struct {
	Post        vaern.Post
	Text        vaern.PostText
	Shown       string
	Fallback    bool
	Langs       []string // the versions there are
	Versions    []vaern.PostVersion
	Comments    []vaern.PostComment
	Attachments []vaern.PostAttachment
	MayEdit     bool
	MayReply    bool
	Forum       bool
	// MayModerate: the centre's moderator sees the moderation forms; ModComment is the comment
	// whose form is shown again with an error.
	MayModerate bool
	ModComment  int64
}

func (s *Server) knPostPage(w http.ResponseWriter, r *http.Request, forum bool) (*Page, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.knPostPageOf(w, r, forum, id)
}

func (s *Server) knPostPageOf(w http.ResponseWriter, r *http.Request, forum bool, id int64) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	v, c := viewer(p), community(p)
	title := "kn.post.title"
	if forum {
		title = "fm.thread.title"
	}
	pg := s.page(w, r, title, nil)
	post, err := s.st.Post(ctx, v, c, id, pg.L.Lang)
	if err != nil {
		return nil, err
	}
	if forum != (post.Kind == vaern.PostThread) {
		return nil, vaern.ErrNotFound // a thread is read in the forum, a post in the knowledge base
	}
	lang := pg.L.Lang
	if l := r.URL.Query().Get("lang"); l == "da" || l == "nb" || l == "en" {
		lang = l
	}
	d := knPostData{Post: post, Forum: forum, MayReply: vaern.Can(p.Role, vaern.PermForumPost) || !forum && vaern.Can(p.Role, vaern.PermKnowledgeView),
		MayEdit:     post.OwnerID == p.Org.ID && vaern.Can(p.Role, vaern.PermKnowledgeWrite) && !forum,
		MayModerate: p.Org.ID == c && vaern.Can(p.Role, vaern.PermKnowledgeManage)}
	d.Text, d.Shown, d.Fallback = knowledge.Pick(post.Texts, lang, post.Lang)
	for _, l := range vaern.PostLangs {
		if _, ok := post.Texts[l]; ok {
			d.Langs = append(d.Langs, l)
		}
	}
	if d.Versions, err = s.st.PostVersions(ctx, v, c, id); err != nil {
		return nil, err
	}
	if d.Comments, err = s.st.PostComments(ctx, v, c, id); err != nil {
		return nil, err
	}
	if d.Attachments, err = s.st.PostAttachments(ctx, v, c, id); err != nil {
		return nil, err
	}
	pg.Data = d
	return pg, nil
}

func (s *Server) knPost(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_post", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.knPostPage(w, r, false) })
}

type knVersionData struct {
	Post    vaern.Post
	Version vaern.PostVersion
	Lang    string
	Title   []knowledge.DiffLine
	Body    []knowledge.DiffLine
}

// knVersion shows an earlier version compared with the current one, line by line.
func (s *Server) knVersion(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_version", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "kn.version.title", nil)
		post, err := s.st.Post(ctx, viewer(p), community(p), id, pg.L.Lang)
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(r.URL.Query().Get("v"))
		if err != nil || n < 1 {
			n = post.Version - 1
		}
		ver, err := s.st.PostVersion(ctx, viewer(p), community(p), id, n)
		if err != nil {
			return nil, err
		}
		old, lang, _ := knowledge.Pick(ver.Texts, pg.L.Lang, post.Lang)
		cur := post.Texts[lang]
		pg.Data = knVersionData{Post: post, Version: ver, Lang: lang, Title: knowledge.Diff(old.Title, cur.Title), Body: knowledge.Diff(old.Body, cur.Body)}
		return pg, nil
	})
}

// postBack is where a post's action returns to: the thread in the forum, else the post.
func postBack(r *http.Request, id int64) string {
	if r.PostForm.Get("forum") == "1" {
		return "/forum/" + strconv.FormatInt(id, 10)
	}
	return "/knowledge/" + strconv.FormatInt(id, 10)
}

func (s *Server) knComment(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		_, err = s.st.AddComment(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), id, r.PostForm.Get("body"))
	}
	if err != nil {
		s.refill(w, r, err, "knowledge_post", true, func() (*Page, error) { return s.knPostPage(w, r, false) })
		return
	}
	s.redirect(w, r, postBack(r, id)+"#comments", "flash.kn_commented")
}

func (s *Server) knUseful(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = s.st.SetUseful(r.Context(), viewer(p), community(p), id, r.PostForm.Get("on") != "0")
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, postBack(r, id), "")
}

func (s *Server) knFollow(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		err = s.st.Follow(r.Context(), viewer(p), community(p), id, r.PostForm.Get("on") != "0")
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	back := "/knowledge?topic=" + strconv.FormatInt(id, 10)
	if r.PostForm.Get("forum") == "1" {
		back = "/forum?topic=" + strconv.FormatInt(id, 10)
	}
	s.redirect(w, r, back, "flash.kn_follow")
}

// knAttach attaches an uploaded file to a post of the person's own organisation. The size is
// bounded by the route before the form is read; the store checks the type by content.
func (s *Server) knAttach(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	fail := func(err error) {
		s.refill(w, r, err, "knowledge_post", false, func() (*Page, error) { return s.knPostPage(w, r, false) })
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(vaern.Invalid("file", "choose a file to attach"))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail(vaern.Invalid("file", "choose a file to attach"))
		return
	}
	defer file.Close()
	if err := knowledge.AttachmentLimits.CheckSize(int(hdr.Size)); err != nil {
		fail(vaern.Invalid("file", "%s", err.Error()))
		return
	}
	data, err := io.ReadAll(io.LimitReader(file, knowledge.MaxAttachment+1))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if _, err := s.st.AddAttachment(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), id, hdr.Filename, data); err != nil {
		fail(err)
		return
	}
	s.redirect(w, r, "/knowledge/"+strconv.FormatInt(id, 10)+"#attachments", "flash.kn_attached")
}

// knAttachment serves an attachment as a download, never rendered, found through its post's
// access rule: an attachment of a post the person may not see is not found.
func (s *Server) knAttachment(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f, err := s.st.PostAttachment(r.Context(), viewer(p), community(p), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("Content-Disposition", `attachment; filename="`+safeFileName(f.Name)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Write(f.Data)
}
