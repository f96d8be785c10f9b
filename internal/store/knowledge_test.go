package store_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// minimal files of the accepted types, for the attachment checks.
var tinyPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

func knPost(title, body, tlp, audience string) vaern.Post {
	return vaern.Post{Kind: vaern.PostArticle, Lang: "da", TLP: tlp, Audience: audience,
		Texts: map[string]vaern.PostText{"da": {Title: title, Body: body}}}
}

// TestKnowledgePosts: an analyst's AMBER post to one region is seen, listed, counted and found by
// search by a member there and by nobody outside it (also not its attachment); edits keep
// versions; comments, useful marks and follows; members author only when the centre allows it.
func TestKnowledgePosts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx, c := f.ctx, f.Centre.ID
		b := f.B.Org
		b.Region = "Vestland"
		if err := s.UpdateMember(ctx, f.centreAdmin(), c, b); err != nil {
			t.Fatal(err)
		}
		f.B.Org = b
		analyst := f.actor(f.CentreAnalyst, c, vaern.RoleCentreAnalyst)
		centre := access.Of(&vaern.Principal{User: f.CentreAnalyst, Org: f.Centre})
		inA := access.Of(&vaern.Principal{User: f.A.Viewer, Org: f.A.Org})
		inB := access.Of(&vaern.Principal{User: f.B.Coordinator, Org: f.B.Org})

		topic := must(s.SaveTopic(ctx, analyst, c, vaern.Topic{Names: map[string]string{"da": "Politikker", "en": "Policies"}}))(t)
		must(0, s.Follow(ctx, inA, c, topic, true))(t)
		p := knPost("Skabelon til informationssikkerhedspolitik", "Politikken beskriver adgangskontrollen i kommunen.", "AMBER", "group:/Region/")
		p.Kind, p.TopicID = vaern.PostTemplate, topic
		id := must(s.CreatePost(ctx, analyst, centre, c, p))(t)
		att := must(s.AddAttachment(ctx, analyst, centre, c, id, "politik.pdf", tinyPDF))(t)

		// A (region "Region") sees it; B (Vestland) does not: not listed, not counted, not found.
		got := must(s.Post(ctx, inA, c, id, "en"))(t)
		if got.Title != "Skabelon til informationssikkerhedspolitik" || !got.Fallback && got.ShownLang != "da" || got.Topic != "Policies" {
			t.Fatalf("A's view: %+v", got)
		}
		if _, err := s.Post(ctx, inB, c, id, "da"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B sees the post: %v", err)
		}
		if _, err := s.PostAttachment(ctx, inB, c, att); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B downloads the attachment: %v", err)
		}
		if a := must(s.PostAttachment(ctx, inA, c, att))(t); a.Type != knowledge.TypePDF || string(a.Data) != string(tinyPDF) {
			t.Fatalf("A's attachment: %+v", a)
		}
		search := vaern.PostFilter{Terms: knowledge.Terms("adgangskontrol"), Lang: "da"}
		if l := must(s.Posts(ctx, inA, c, search))(t); l.Total != 1 || len(l.Posts) != 1 || !strings.Contains(l.Posts[0].Snippet, "adgangskontrollen") {
			t.Fatalf("A's search: %+v", l)
		}
		if l := must(s.Posts(ctx, inB, c, search))(t); l.Total != 0 || len(l.Posts) != 0 {
			t.Fatalf("B's search finds the post: %+v", l)
		}
		if l := must(s.Posts(ctx, inB, c, vaern.PostFilter{}))(t); l.Total != 0 {
			t.Fatalf("B's list: %+v", l)
		}
		if l := must(s.Posts(ctx, centre, c, vaern.PostFilter{Kind: vaern.PostTemplate}))(t); l.Total != 1 {
			t.Fatalf("the centre's list: %+v", l)
		}
		topics := must(s.Topics(ctx, inA, c, false, "da"))(t)
		if len(topics) != 1 || topics[0].Posts != 1 || !topics[0].Following || topics[0].Name != "Politikker" {
			t.Fatalf("A's topics: %+v", topics)
		}
		if tb := must(s.Topics(ctx, inB, c, false, "da"))(t); tb[0].Posts != 0 {
			t.Fatalf("B counts the post: %+v", tb)
		}

		// An edit keeps the previous version; B cannot edit (not found).
		p.ID = id
		p.Texts = map[string]vaern.PostText{"da": {Title: "Skabelon til politik", Body: "Ny tekst."}, "en": {Title: "Policy template", Body: "New text."}}
		if err := s.UpdatePost(ctx, analyst, centre, c, p); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdatePost(ctx, f.coordB(), inB, c, p); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B edits: %v", err)
		}
		vs := must(s.PostVersions(ctx, inA, c, id))(t)
		if len(vs) != 1 || vs[0].Version != 1 || vs[0].Texts["da"].Title != "Skabelon til informationssikkerhedspolitik" {
			t.Fatalf("versions: %+v", vs)
		}
		if got := must(s.Post(ctx, inA, c, id, "en"))(t); got.Version != 2 || got.Title != "Policy template" || got.Fallback {
			t.Fatalf("after the edit: %+v", got)
		}
		if _, err := s.PostVersions(ctx, inB, c, id); err != nil {
			t.Fatal(err) // an empty list for B, not an error
		}
		if vb := must(s.PostVersions(ctx, inB, c, id))(t); len(vb) != 0 {
			t.Fatalf("B reads versions: %+v", vb)
		}

		// Comments and useful marks; B cannot comment on what it cannot see.
		must(s.AddComment(ctx, f.coordA(), inA, c, id, "Tak, den bruger vi."))(t)
		if _, err := s.AddComment(ctx, f.coordB(), inB, c, id, "?"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B comments: %v", err)
		}
		must(0, s.SetUseful(ctx, inA, c, id, true))(t)
		must(0, s.SetUseful(ctx, inA, c, id, true))(t)
		if got := must(s.Post(ctx, inA, c, id, "da"))(t); got.Useful != 1 || !got.MineUseful || got.Comments != 1 {
			t.Fatalf("marks: %+v", got)
		}
		if cs := must(s.PostComments(ctx, inA, c, id))(t); len(cs) != 1 || cs[0].Body != "Tak, den bruger vi." {
			t.Fatalf("comments: %+v", cs)
		}

		// Members write only where the centre allows; the forum is open to coordinators.
		coordA := access.Of(&vaern.Principal{User: f.A.Coordinator, Org: f.A.Org})
		lesson := knPost("Erfaringer", "Tekst", "GREEN", "members")
		if _, err := s.CreatePost(ctx, f.coordA(), coordA, c, lesson); !errors.Is(err, vaern.ErrForbidden) {
			t.Fatalf("a member authored without the centre's permission: %v", err)
		}
		must(0, s.SetKnowledgeAuthor(ctx, f.centreAdmin(), c, f.A.Org.ID, true))(t)
		must(s.CreatePost(ctx, f.coordA(), coordA, c, lesson))(t)
		forum := must(s.SaveTopic(ctx, analyst, c, vaern.Topic{Forum: true, Names: map[string]string{"da": "Netværket"}}))(t)
		thread := knPost("Hvem bruger MFA på skolerne?", "Spørgsmål", "GREEN", "members")
		thread.Kind = vaern.PostThread
		if _, err := s.CreatePost(ctx, f.coordB(), inB, c, thread); err == nil {
			t.Fatal("a thread without a topic")
		}
		thread.TopicID = forum
		tid := must(s.CreatePost(ctx, f.coordB(), inB, c, thread))(t)
		must(s.AddComment(ctx, f.coordA(), coordA, c, tid, "Det gør vi."))(t)
		if l := must(s.Posts(ctx, inA, c, vaern.PostFilter{Forum: true}))(t); l.Total != 1 || l.Posts[0].Comments != 1 {
			t.Fatalf("forum: %+v", l)
		}
		if l := must(s.Posts(ctx, inA, c, vaern.PostFilter{}))(t); l.Total != 2 {
			t.Fatalf("the knowledge base lists threads: %+v", l)
		}

		// Wrong input names its field; a disguised file is refused.
		bad := knPost("", "", "AMBER", "members")
		if _, err := s.CreatePost(ctx, analyst, centre, c, bad); !isField(err, "title") {
			t.Fatalf("no title: %v", err)
		}
		bad = knPost("x", "y", "PURPLE", "members")
		if _, err := s.CreatePost(ctx, analyst, centre, c, bad); !isField(err, "tlp") {
			t.Fatalf("bad tlp: %v", err)
		}
		if _, err := s.AddAttachment(ctx, analyst, centre, c, id, "politik.pdf", []byte("MZ\x90\x00")); !isField(err, "file") {
			t.Fatalf("an executable as PDF: %v", err)
		}
	})
}

func isField(err error, field string) bool {
	var ve *vaern.ValidationError
	return errors.As(err, &ve) && ve.Field == field
}

// TestKnowledgeSearchSources: search finds advisories and framework guidance the viewer may see.
func TestKnowledgeSearchSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx, c := f.ctx, f.Centre.ID
		analyst := f.actor(f.CentreAnalyst, c, vaern.RoleCentreAnalyst)
		id := must(s.CreateAdvisory(ctx, analyst, c, vaern.Advisory{Title: "Sårbarhed i Citrix NetScaler", Summary: "Opdatér gatewayen straks.",
			TLP: "AMBER", Audience: "named:" + itoa(f.A.Org.ID), Products: []vaern.AdvisoryProduct{{Key: "x", Vendor: "Citrix", Product: "NetScaler"}}}))(t)
		must(0, s.PublishAdvisory(ctx, analyst, c, id))(t)
		terms := knowledge.Terms("netscaler gateway")
		if h := must(s.SearchAdvisories(ctx, access.ForOrg(f.A.Org), c, terms, 10))(t); len(h) != 1 || h[0].ID != id {
			t.Fatalf("A's advisory hits: %+v", h)
		}
		if h := must(s.SearchAdvisories(ctx, access.ForOrg(f.B.Org), c, terms, 10))(t); len(h) != 0 {
			t.Fatalf("B finds A's advisory: %+v", h)
		}
		must(s.SaveFramework(ctx, f.centreAdmin(), c, builtin(t, "vaern-baseline", "2025"), true, false))(t)
		hits := must(s.SearchGuidance(ctx, access.ForOrg(f.B.Org), c, knowledge.Terms("backup"), "en", 5))(t)
		if len(hits) == 0 || hits[0].Path == "" {
			t.Fatalf("guidance hits: %+v", hits)
		}
		g, _ := must2(s.Guidance(ctx, c, hits[0].ID))(t)
		if g.Title == "" {
			t.Fatalf("guidance: %+v", g)
		}
	})
}
