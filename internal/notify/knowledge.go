package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// knowledgeNotice tells the people who follow a post's topic of a new post or thread, and a
// post's author and the topic's followers of a new comment or reply. Everyone told may see the
// post: each follower is checked with the access rule (access.May, as the follower) before the
// notice is written, so a notice never names a post its reader could not open.
func (n *Notifier) knowledgeNotice(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	p, obj, err := tx.PostForNotice(ctx, objectID(c))
	if err != nil {
		return err
	}
	kind, path := KnowledgePost, fmt.Sprintf("/knowledge/%d", p.ID)
	if p.Kind == vaern.PostThread {
		path = fmt.Sprintf("/forum/%d", p.ID)
	}
	// people per organisation: followers, and for a reply the post's author.
	want := map[int64]map[int64]bool{}
	add := func(org vaern.Org, user int64) {
		if user == a.UserID || !access.May(access.Of(&vaern.Principal{User: vaern.User{ID: user}, Org: org}), obj) {
			return
		}
		if want[org.ID] == nil {
			want[org.ID] = map[int64]bool{}
		}
		want[org.ID][user] = true
	}
	if c.Action == "knowledge.comment" {
		kind = KnowledgeReply
		if p.AuthorID != 0 {
			add(vaern.Org{ID: p.OwnerID, Kind: orgKindOf(p)}, p.AuthorID)
		}
	}
	if p.TopicID != 0 {
		followers, err := tx.TopicFollowers(ctx, p.TopicID)
		if err != nil {
			return err
		}
		for _, f := range followers {
			add(f.Org, f.UserID)
		}
	}
	k, _ := Lookup(kind)
	for org, users := range want {
		all, err := tx.Recipients(ctx, org)
		if err != nil {
			return err
		}
		to := pick(k, all, a.UserID, func(r vaern.Recipient) bool { return users[r.UserID] })
		if len(to) == 0 {
			continue
		}
		by := a.Email
		if _, err := n.Send(ctx, tx, Event{Kind: kind, OrgID: org, Path: path, To: to,
			Args: func(vaern.Recipient) []any { return []any{p.Title, by} },
			Data: map[string]any{"post_id": p.ID, "kind": string(p.Kind)}}); err != nil {
			return err
		}
	}
	return nil
}

// orgKindOf is the kind of a post's own organisation: the community's centre, or a member.
func orgKindOf(p vaern.Post) vaern.OrgKind {
	if p.OwnerID == p.CentreID {
		return vaern.OrgCentre
	}
	return vaern.OrgMember
}

// moderationNotice tells the author of a post, thread, comment or reply that the centre hid it,
// showed it again or deleted it, and why. The audit detail carries what the notice needs, since a
// deleted post can no longer be read. The link leads to the post while the author can open it.
func (n *Notifier) moderationNotice(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	author, org := detailID(c.Detail, "author"), detailID(c.Detail, "author_org")
	if author == 0 || author == a.UserID {
		return nil
	}
	act := strings.TrimPrefix(strings.TrimPrefix(c.Action, "knowledge."), "comment_")
	post := detailID(c.Detail, "post")
	path := fmt.Sprintf("/knowledge/%d", post)
	if detailString(c.Detail, "kind") == string(vaern.PostThread) {
		path = fmt.Sprintf("/forum/%d", post)
	}
	if c.Action == "knowledge.delete" {
		path = "/knowledge"
	}
	what := "post"
	if strings.HasPrefix(c.Action, "knowledge.comment_") {
		what = "comment"
	}
	k, _ := Lookup(KnowledgeModerated)
	all, err := tx.Recipients(ctx, org)
	if err != nil {
		return err
	}
	to := People(k, all, a.UserID, author)
	if len(to) == 0 {
		return nil
	}
	title, reason := detailString(c.Detail, "title"), detailString(c.Detail, "reason")
	if reason == "" {
		reason = "–" // showing again needs no reason
	}
	_, err = n.Send(ctx, tx, Event{Kind: KnowledgeModerated, OrgID: org, Path: path, To: to,
		Args: func(r vaern.Recipient) []any {
			l := n.cat.For(r.Lang)
			return []any{title, l.T("nt.knowledge.moderated." + what + "." + act), reason}
		},
		Data: map[string]any{"post_id": post, "act": act, "object": what}})
	return err
}
