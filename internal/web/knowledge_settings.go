package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The centre's settings of the knowledge base: its topics and the forum's, and which members'
// coordinators may write in the knowledge base.

type knSettingsData struct {
	Topics      []vaern.Topic
	ForumTopics []vaern.Topic
	Members     []vaern.Org
	Authors     map[int64]bool
	Langs       []string
}

func (s *Server) knSettingsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	pg := s.page(w, r, "kn.settings.title", nil)
	c := community(p)
	d := knSettingsData{Langs: vaern.PostLangs}
	var err error
	if d.Topics, err = s.st.Topics(ctx, viewer(p), c, false, pg.L.Lang); err != nil {
		return nil, err
	}
	if d.ForumTopics, err = s.st.Topics(ctx, viewer(p), c, true, pg.L.Lang); err != nil {
		return nil, err
	}
	if d.Members, err = s.st.Members(ctx, c); err != nil {
		return nil, err
	}
	if d.Authors, err = s.st.KnowledgeAuthors(ctx, c); err != nil {
		return nil, err
	}
	pg.Data = d
	return pg, nil
}

func (s *Server) knSettings(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_settings", s.knSettingsPage)
}

func (s *Server) knTopicSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	f := r.PostForm
	t := vaern.Topic{Forum: f.Get("forum") == "1", Names: map[string]string{"da": f.Get("name_da"), "nb": f.Get("name_nb"), "en": f.Get("name_en")}}
	if v := f.Get("id"); v != "" {
		t.ID, _ = strconv.ParseInt(v, 10, 64)
	}
	if _, err := s.st.SaveTopic(r.Context(), p.Actor(s.clientIP(r)), community(p), t); err != nil {
		s.refill(w, r, err, "knowledge_settings", true, func() (*Page, error) { return s.knSettingsPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/knowledge", "flash.kn_topic_saved")
}

func (s *Server) knAuthorSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	org, err := strconv.ParseInt(r.PostForm.Get("org"), 10, 64)
	if err != nil || org <= 0 {
		s.refill(w, r, vaern.Invalid("org", "choose a member"), "knowledge_settings", false, func() (*Page, error) { return s.knSettingsPage(w, r) })
		return
	}
	if err := s.st.SetKnowledgeAuthor(r.Context(), p.Actor(s.clientIP(r)), community(p), org, r.PostForm.Get("allow") == "1"); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/knowledge", "flash.kn_authors_saved")
}
