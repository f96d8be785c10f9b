package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/knowledge"
)

// The knowledge base's list with its filters and search box. A search also finds the advisories
// and the framework guidance the person may see; every list and count comes from a query with the
// access rule inside it.

type knListData struct {
	Posts      []vaern.Post
	Total      int
	Terms      []string
	Query      string
	Kind       string
	TopicID    int64
	TLP        string
	Topics     []vaern.Topic
	Kinds      []vaern.PostKind
	TLPs       []access.TLP
	Advisories []vaern.SearchHit
	Guidance   []vaern.SearchHit
	MayWrite   bool
}

func (s *Server) knListPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	q := r.URL.Query()
	pg := s.page(w, r, "kn.list.title", nil)
	kind, err := httpx.ChoiceParam(q, "kind", "", "", "post", "document", "template", "news")
	if err != nil {
		return nil, err
	}
	tlp, err := httpx.ChoiceParam(q, "tlp", "", "", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
	if err != nil {
		return nil, err
	}
	var topic int64
	if v := q.Get("topic"); v != "" {
		if topic, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, vaern.Invalid("topic", "is not a topic")
		}
	}
	d := knListData{Query: q.Get("q"), Terms: knowledge.Terms(q.Get("q")), Kind: kind, TopicID: topic, TLP: tlp,
		Kinds: vaern.PostKinds, TLPs: access.TLPs, MayWrite: vaern.Can(p.Role, vaern.PermKnowledgeWrite)}
	v, c := viewer(p), community(p)
	f := vaern.PostFilter{Query: d.Query, Terms: d.Terms, Kind: vaern.PostKind(kind), TopicID: topic, TLP: tlp, Lang: pg.L.Lang, Limit: 50}
	l, err := s.st.Posts(ctx, v, c, f)
	if err != nil {
		return nil, err
	}
	d.Posts, d.Total = l.Posts, l.Total
	if d.Topics, err = s.st.Topics(ctx, v, c, false, pg.L.Lang); err != nil {
		return nil, err
	}
	if len(d.Terms) > 0 {
		if d.Advisories, err = s.st.SearchAdvisories(ctx, v, c, d.Terms, 10); err != nil {
			return nil, err
		}
		if d.Guidance, err = s.st.SearchGuidance(ctx, v, c, d.Terms, pg.L.Lang, 10); err != nil {
			return nil, err
		}
	}
	pg.Data = d
	pg.Form.Set("q", d.Query)
	return pg, nil
}

func (s *Server) knList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_list", s.knListPage)
}

type knGuidanceData struct {
	Hit       vaern.SearchHit
	Framework string
}

func (s *Server) knGuidance(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "knowledge_guidance", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		id, err := pathID(r)
		if err != nil {
			return nil, err
		}
		h, fw, err := s.st.Guidance(r.Context(), community(p), id)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "kn.guidance.title", knGuidanceData{Hit: h, Framework: fw}), nil
	})
}
