package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The network's forum (the "videndelingsforum"): topics, and in each the threads the person may
// see; a thread's page with its replies; starting a thread. A thread is a post of kind thread
// under the same TLP rules as the knowledge base.

type fmListData struct {
	Topics  []vaern.Topic
	TopicID int64
	Threads []vaern.Post
	Total   int
}

func (s *Server) fmListPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	pg := s.page(w, r, "fm.list.title", nil)
	d := fmListData{}
	if v := r.URL.Query().Get("topic"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, vaern.Invalid("topic", "is not a topic")
		}
		d.TopicID = id
	}
	v, c := viewer(p), community(p)
	var err error
	if d.Topics, err = s.st.Topics(ctx, v, c, true, pg.L.Lang); err != nil {
		return nil, err
	}
	l, err := s.st.Posts(ctx, v, c, vaern.PostFilter{Forum: true, TopicID: d.TopicID, Lang: pg.L.Lang, Limit: 100})
	if err != nil {
		return nil, err
	}
	d.Threads, d.Total = l.Posts, l.Total
	pg.Data = d
	return pg, nil
}

func (s *Server) fmList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "forum_list", s.fmListPage)
}

func (s *Server) fmThread(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_post", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.knPostPage(w, r, true) })
}

func (s *Server) fmNewPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	pg, err := s.knEditPage(w, r, vaern.Post{Kind: vaern.PostThread, TLP: "GREEN", Audience: "members"}, true)
	if err != nil {
		return nil, err
	}
	p := httpx.PrincipalFrom(r.Context())
	d := pg.Data.(knEditData)
	if d.Topics, err = s.st.Topics(r.Context(), viewer(p), community(p), true, pg.L.Lang); err != nil {
		return nil, err
	}
	d.MayAuthor = true
	pg.Data, pg.Title = d, "fm.new.title"
	if t := r.URL.Query().Get("topic"); t != "" {
		pg.Form.Set("topic", t)
	}
	return pg, nil
}

func (s *Server) fmNew(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "forum_new", s.fmNewPage)
}

func (s *Server) fmCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg := s.page(w, r, "", nil)
	post, err := knReadForm(r, pg.L.Lang)
	post.Kind = vaern.PostThread
	var id int64
	if err == nil {
		id, err = s.st.CreatePost(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), post)
	}
	if err != nil {
		s.refill(w, r, err, "forum_new", true, func() (*Page, error) { return s.fmNewPage(w, r) })
		return
	}
	s.redirect(w, r, "/forum/"+strconv.FormatInt(id, 10), "flash.fm_started")
}

func (s *Server) fmReply(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		_, err = s.st.AddComment(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), id, r.PostForm.Get("body"))
	}
	if err != nil {
		s.refill(w, r, err, "knowledge_post", true, func() (*Page, error) { return s.knPostPage(w, r, true) })
		return
	}
	s.redirect(w, r, "/forum/"+strconv.FormatInt(id, 10)+"#comments", "flash.fm_replied")
}
