package store_test

import (
	"errors"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestKnowledgeModeration: the centre hides a member's post (the author and the centre still see
// it, nobody else: not by id, not listed, not found) and shows it again; hides and deletes
// comments; deletes a post; a reason is required, and a member's coordinator may not moderate.
func TestKnowledgeModeration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx, c := f.ctx, f.Centre.ID
		analyst := f.actor(f.CentreAnalyst, c, vaern.RoleCentreAnalyst)
		centre := access.Of(&vaern.Principal{User: f.CentreAnalyst, Org: f.Centre})
		author := access.Of(&vaern.Principal{User: f.A.Coordinator, Org: f.A.Org})
		colleague := access.Of(&vaern.Principal{User: f.A.Viewer, Org: f.A.Org})
		other := access.Of(&vaern.Principal{User: f.B.Coordinator, Org: f.B.Org})
		must(0, s.SetKnowledgeAuthor(ctx, f.centreAdmin(), c, f.A.Org.ID, true))(t)
		id := must(s.CreatePost(ctx, f.coordA(), author, c, knPost("Gendannelse af backup", "Sådan gendanner kommunen sin backup.", "GREEN", "members")))(t)
		search := vaern.PostFilter{Terms: knowledge.Terms("gendannelse"), Limit: 50}

		if err := s.ModeratePost(ctx, analyst, centre, c, id, store.ModHide, "  "); !isInvalid(err, "reason") {
			t.Fatalf("hide without a reason: %v", err)
		}
		if err := s.ModeratePost(ctx, f.coordA(), author, c, id, store.ModHide, "mine"); !errors.Is(err, vaern.ErrForbidden) {
			t.Fatalf("a member's coordinator hides: %v", err)
		}
		must(0, s.ModeratePost(ctx, analyst, centre, c, id, store.ModHide, "Indeholder et personnummer"))(t)
		for name, v := range map[string]access.Principal{"centre": centre, "author": author, "colleague": colleague, "other member": other} {
			seen := name == "centre" || name == "author"
			p, err := s.Post(ctx, v, c, id, "da")
			l := must(s.Posts(ctx, v, c, search))(t)
			all := must(s.Posts(ctx, v, c, vaern.PostFilter{}))(t)
			if seen != (err == nil) || seen != (l.Total == 1) || seen != (all.Total == 1) || err != nil && !errors.Is(err, vaern.ErrNotFound) {
				t.Fatalf("%s: hidden post %v, search %d, list %d", name, err, l.Total, all.Total)
			}
			if seen && (!p.Hidden || p.HiddenReason != "Indeholder et personnummer") {
				t.Fatalf("%s: %+v", name, p)
			}
		}
		must(0, s.ModeratePost(ctx, analyst, centre, c, id, store.ModShow, ""))(t)
		if l := must(s.Posts(ctx, other, c, search))(t); l.Total != 1 || l.Posts[0].Hidden {
			t.Fatalf("shown again: %+v", l)
		}

		// Comments: a hidden one is seen by the centre and its author only; a deleted one is gone.
		c1 := must(s.AddComment(ctx, f.coordB(), other, c, id, "Spam spam"))(t)
		c2 := must(s.AddComment(ctx, f.coordB(), other, c, id, "Tak for vejledningen"))(t)
		if _, err := s.ModerateComment(ctx, analyst, centre, c, c1, store.ModHide, ""); !isInvalid(err, "reason") {
			t.Fatalf("hide a comment without a reason: %v", err)
		}
		if post := must(s.ModerateComment(ctx, analyst, centre, c, c1, store.ModHide, "Reklame"))(t); post != id {
			t.Fatalf("comment's post %d, want %d", post, id)
		}
		must(s.ModerateComment(ctx, analyst, centre, c, c2, store.ModDelete, "Dobbelt"))(t)
		for name, v := range map[string]access.Principal{"centre": centre, "comment's author": other, "post's author": author} {
			cs := must(s.PostComments(ctx, v, c, id))(t)
			want := 0
			if name != "post's author" {
				want = 1
			}
			if len(cs) != want || want == 1 && (cs[0].ID != c1 || !cs[0].Hidden || cs[0].HiddenReason != "Reklame") {
				t.Fatalf("%s sees comments %+v", name, cs)
			}
		}
		if p := must(s.Post(ctx, centre, c, id, "da"))(t); p.Comments != 1 {
			t.Fatalf("comment count after a delete: %d", p.Comments)
		}

		// Delete: gone for everyone, also for the centre and from search; the audit keeps the reason.
		must(0, s.ModeratePost(ctx, analyst, centre, c, id, store.ModDelete, "Forældet"))(t)
		if _, err := s.Post(ctx, centre, c, id, "da"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("deleted post: %v", err)
		}
		if l := must(s.Posts(ctx, centre, c, search))(t); l.Total != 0 {
			t.Fatalf("deleted post found: %+v", l)
		}
		if err := s.ModeratePost(ctx, analyst, centre, c, id, store.ModDelete, "igen"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}
