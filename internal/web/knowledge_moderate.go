package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// Moderation by the centre (centre.knowledge): hide a post, thread, comment or reply, show it
// again, or delete it, always with a reason; and renaming a topic. The store checks the rule and
// finds the object under the access rule in its transaction; the author is told by the audit hook.

// knModerate hides, shows again or deletes a post or a forum thread.
func (s *Server) knModerate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	act := r.PostForm.Get("act")
	if err == nil {
		err = s.st.ModeratePost(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), id, act, r.PostForm.Get("reason"))
	}
	forum := r.PostForm.Get("forum") == "1"
	if err != nil {
		s.refill(w, r, err, "knowledge_post", true, func() (*Page, error) { return s.knPostPage(w, r, forum) })
		return
	}
	if act == "delete" {
		back := "/knowledge"
		if forum {
			back = "/forum"
		}
		s.redirect(w, r, back, "flash.kn_moderated")
		return
	}
	s.redirect(w, r, postBack(r, id), "flash.kn_moderated")
}

// knModerateComment hides, shows again or deletes a comment or a forum reply.
func (s *Server) knModerateComment(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, err := pathID(r)
	if err == nil {
		err = r.ParseForm()
	}
	var post int64
	if err == nil {
		post, err = s.st.ModerateComment(r.Context(), p.Actor(s.clientIP(r)), viewer(p), community(p), id, r.PostForm.Get("act"), r.PostForm.Get("reason"))
	}
	if err != nil {
		if post == 0 {
			s.failErr(w, r, err)
			return
		}
		s.refill(w, r, err, "knowledge_post", false, func() (*Page, error) {
			pg, err := s.knPostPageOf(w, r, r.PostForm.Get("forum") == "1", post)
			if err == nil {
				d := pg.Data.(knPostData)
				d.ModComment = id
				pg.Data = d
			}
			return pg, err
		})
		return
	}
	s.redirect(w, r, postBack(r, post)+"#comments", "flash.kn_moderated")
}

type knTopicData struct {
	Topic vaern.Topic
	Langs []string
}

// knTopicEdit is the form that renames a topic in the three languages; it saves through the
// topics form (knTopicSave) with the topic's id.
func (s *Server) knTopicEdit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_topic", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "kn.settings.rename_title", nil)
		for _, forum := range []bool{false, true} {
			topics, err := s.st.Topics(ctx, viewer(p), community(p), forum, pg.L.Lang)
			if err != nil {
				return nil, err
			}
			for _, t := range topics {
				if t.ID == id {
					pg.Data = knTopicData{Topic: t, Langs: vaern.PostLangs}
					for _, l := range vaern.PostLangs {
						pg.Form["name_"+l] = []string{t.Names[l]}
					}
					pg.Form["id"] = []string{strconv.FormatInt(id, 10)}
					return pg, nil
				}
			}
		}
		return nil, vaern.ErrNotFound
	})
}
