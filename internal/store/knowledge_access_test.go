package store_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestKnowledgeAccessRulesAgree is the access-rule property test over the knowledge base: random
// posts with every label and audience, by the centre and by members, and for every principal the
// single check (access.May) agrees with the list, its count, the search results and their count,
// the topic counts, a lookup by id and an attachment's download.
func TestKnowledgeAccessRulesAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx, c := f.ctx, f.Centre.ID
		rng := rand.New(rand.NewPCG(20261202, uint64(len(s.Engine()))))
		analyst := f.actor(f.CentreAnalyst, c, vaern.RoleCentreAnalyst)
		must(0, s.SetKnowledgeAuthor(ctx, f.centreAdmin(), c, f.A.Org.ID, true))(t)
		must(0, s.SetKnowledgeAuthor(ctx, f.centreAdmin(), c, f.B.Org.ID, true))(t)
		topic := must(s.SaveTopic(ctx, analyst, c, vaern.Topic{Names: map[string]string{"da": "Alt"}}))(t)

		type author struct {
			a vaern.Actor
			v access.Principal
		}
		authors := []author{
			{analyst, access.Of(&vaern.Principal{User: f.CentreAnalyst, Org: f.Centre})},
			{f.coordA(), access.Of(&vaern.Principal{User: f.A.Coordinator, Org: f.A.Org})},
			{f.coordB(), access.Of(&vaern.Principal{User: f.B.Coordinator, Org: f.B.Org})},
		}
		people := []int64{f.CentreAnalyst.ID, f.CentreAdmin.ID, f.A.Coordinator.ID, f.A.Viewer.ID, f.B.Coordinator.ID, f.B.Viewer.ID}
		pick := func(l []string) string { return l[rng.IntN(len(l))] }

		type drawn struct {
			id, att int64
			o       access.Object
			au      author
			hidden  bool
		}
		var posts []drawn
		draw := func() (access.TLP, access.Audience) {
			tlp := access.TLPs[rng.IntN(len(access.TLPs))]
			aud := access.Audience{Kind: access.Kinds[rng.IntN(len(access.Kinds))]}
			if tlp == access.Red {
				aud.Kind = access.NamedPeople
			}
			switch aud.Kind {
			case access.NamedMembers:
				aud.Orgs = []int64{[]int64{f.A.Org.ID, f.B.Org.ID}[rng.IntN(2)]}
			case access.NamedPeople:
				aud.People = []int64{people[rng.IntN(len(people))]}
			case access.Group:
				aud.Country = pick([]string{"DK", "NO"})
			}
			return tlp, aud
		}
		for i := 0; i < 45; i++ {
			au := authors[rng.IntN(len(authors))]
			tlp, aud := draw()
			p := knPost("Fælles vejledning", "En tekst om fælles sikkerhed", string(tlp), store.FormatAudience(aud))
			p.TopicID = topic
			id, err := s.CreatePost(ctx, au.a, au.v, c, p)
			if err != nil {
				t.Fatalf("post %d (%s %+v): %v", i, tlp, aud, err)
			}
			att := must(s.AddAttachment(ctx, au.a, au.v, c, id, "bilag.pdf", tinyPDF))(t)
			posts = append(posts, drawn{id: id, att: att, au: au, o: access.Object{Owner: au.v.Org, Creator: au.a.UserID, TLP: tlp, Audience: aud}})
		}

		principals := []access.Principal{{}, access.ForOrg(f.Centre), access.ForOrg(f.A.Org), access.ForOrg(f.B.Org)}
		for _, u := range []struct {
			u vaern.User
			o vaern.Org
		}{{f.CentreAnalyst, f.Centre}, {f.CentreAdmin, f.Centre}, {f.A.Coordinator, f.A.Org}, {f.A.Viewer, f.A.Org},
			{f.B.Coordinator, f.B.Org}, {f.B.Viewer, f.B.Org}} {
			principals = append(principals, access.Of(&vaern.Principal{User: u.u, Org: u.o}))
		}
		search := vaern.PostFilter{Terms: knowledge.Terms("fælles sikkerhed"), Limit: 200}
		seen := map[bool]int{}
		// may is access.May plus moderation: a post the centre hid is seen by the centre of the
		// community and its author only.
		may := func(p access.Principal, d drawn) bool {
			return access.May(p, d.o) && (!d.hidden || p.Centre && p.Org == c || p.User != 0 && p.User == d.o.Creator)
		}
		check := func() {
			for _, p := range principals {
				var want []int64
				for _, d := range posts {
					if may(p, d) {
						want = append(want, d.id)
					}
				}
				ids := func(l vaern.PostList) []int64 {
					var out []int64
					for _, x := range l.Posts {
						out = append(out, x.ID)
					}
					slices.Sort(out)
					return out
				}
				l := must(s.Posts(ctx, p, c, vaern.PostFilter{Limit: 200}))(t)
				if got := ids(l); !slices.Equal(got, want) || l.Total != len(want) {
					t.Fatalf("%+v: list %v (total %d), May %v", p, got, l.Total, want)
				}
				l = must(s.Posts(ctx, p, c, search))(t)
				if got := ids(l); !slices.Equal(got, want) || l.Total != len(want) {
					t.Fatalf("%+v: search %v (total %d), May %v", p, got, l.Total, want)
				}
				// A small page: the count comes from its own query once the ranked rows are capped.
				small := search
				small.Limit = 5
				l = must(s.Posts(ctx, p, c, small))(t)
				if l.Total != len(want) || len(l.Posts) != min(5, len(want)) {
					t.Fatalf("%+v: a page of 5: %d posts, total %d, May %d", p, len(l.Posts), l.Total, len(want))
				}
				topics := must(s.Topics(ctx, p, c, false, "da"))(t)
				if len(topics) != 1 || topics[0].Posts != len(want) {
					t.Fatalf("%+v: topic count %+v, May %d", p, topics, len(want))
				}
				for _, d := range posts {
					may := may(p, d)
					_, err := s.Post(ctx, p, c, d.id, "da")
					_, aerr := s.PostAttachment(ctx, p, c, d.att)
					for what, e := range map[string]error{"post": err, "attachment": aerr} {
						if may && e != nil || !may && !errors.Is(e, vaern.ErrNotFound) {
							t.Fatalf("%+v: %s of %d %+v: %v, May %v", p, what, d.id, d.o, e, may)
						}
					}
					seen[may]++
				}
			}
		}
		check()

		// Then a third of the posts get a new label and audience from their author, and the centre
		// hides some: search reads a copy of the posts' columns (knowledge_search on both engines, kept
		// by triggers), which must follow both, and the rules must agree again.
		for i := range posts {
			d := &posts[i]
			if i%3 == 0 {
				tlp, aud := draw()
				p := knPost("Fælles vejledning", "En ny tekst om fælles sikkerhed", string(tlp), store.FormatAudience(aud))
				p.ID, p.TopicID = d.id, topic
				if err := s.UpdatePost(ctx, d.au.a, d.au.v, c, p); err != nil {
					t.Fatalf("update %d: %v", d.id, err)
				}
				d.o.TLP, d.o.Audience = tlp, aud
			}
			if i%4 == 1 && access.May(access.ForOrg(f.Centre), d.o) {
				must(0, s.ModeratePost(ctx, analyst, access.Of(&vaern.Principal{User: f.CentreAnalyst, Org: f.Centre}), c, d.id, store.ModHide, "off topic"))(t)
				d.hidden = true
			}
		}
		check()
		if seen[true] < 50 || seen[false] < 50 {
			t.Fatalf("lookups: %d visible, %d hidden; the draw is too one-sided", seen[true], seen[false])
		}
	})
}
