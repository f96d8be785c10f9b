package store

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// Moderation: the community's centre hides a post, a comment or a forum reply (and shows it
// again), or deletes it, always with a reason. A hidden post or comment is seen by the centre and
// its author only: to everyone else it is not found (shown, shownComment). Each act is audited
// with its reason, and the audit hook tells the author (internal/notify/knowledge.go).

// Moderation acts.
const (
	ModHide   = "hide"
	ModShow   = "show"
	ModDelete = "delete"
)

// shownComment adds the moderation rule for comments to w: a comment the centre hid is seen by the
// centre of its community and by its author only.
func shownComment(w access.Predicate, v access.Principal, centre int64) access.Predicate {
	switch {
	case v.Centre && v.Org == centre:
		return w
	case v.User != 0:
		return w.And("(c.hidden_at = 0 OR c.author_id = ?)", v.User)
	default:
		return w.And("c.hidden_at = 0")
	}
}

// mayModerate runs the moderation rule and cleans the reason (not needed to show again).
func (tx *Tx) mayModerate(a vaern.Actor, v access.Principal, centre int64, act, reason string) (string, error) {
	if !tx.s.rules.Knowledge.MayModerate(a.Role, v.Centre && v.Org == centre) {
		return "", vaern.ErrForbidden
	}
	switch act {
	case ModHide, ModDelete:
		return tx.s.rules.Knowledge.CleanReason(reason)
	case ModShow:
		return "", nil
	}
	return "", vaern.Invalid("act", "is not hide, show or delete")
}

// ModeratePost hides, shows again or deletes a post or forum thread of the community (with its
// versions, comments, marks and attachments).
func (s *Store) ModeratePost(ctx context.Context, a vaern.Actor, v access.Principal, centre, id int64, act, reason string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if !tx.s.rules.Knowledge.MayModerate(a.Role, v.Centre && v.Org == centre) {
			return vaern.ErrForbidden
		}
		p, err := tx.seePost(ctx, v, centre, id) // a post the centre may not see is not found
		if err != nil {
			return err
		}
		if reason, err = tx.mayModerate(a, v, centre, act, reason); err != nil {
			return err
		}
		switch act {
		case ModHide:
			_, err = tx.exec(ctx, "UPDATE knowledge_posts SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?", ms(tx.s.now()), a.UserID, reason, id)
		case ModShow:
			_, err = tx.exec(ctx, "UPDATE knowledge_posts SET hidden_at = 0, hidden_by = 0, hidden_reason = '' WHERE id = ?", id)
		case ModDelete:
			_, err = tx.exec(ctx, "DELETE FROM knowledge_posts WHERE id = ?", id)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centre, Action: modAction(act, false), ObjectType: "knowledge_post", ObjectID: id,
			Detail: map[string]any{"reason": reason, "title": p.Title, "kind": string(p.Kind), "author": p.AuthorID, "author_org": p.OwnerID, "post": id}})
	})
}

// ModerateComment hides, shows again or deletes a comment or forum reply on a post of the
// community that the centre may see.
func (s *Store) ModerateComment(ctx context.Context, a vaern.Actor, v access.Principal, centre, id int64, act, reason string) (postID int64, err error) {
	err = s.Write(ctx, func(tx *Tx) error {
		if !tx.s.rules.Knowledge.MayModerate(a.Role, v.Centre && v.Org == centre) {
			return vaern.ErrForbidden
		}
		// The comment is found first, so that a form with a missing reason can be shown again
		// on its post's page.
		w := postWhere(v, centre).And("c.id = ?", id)
		var p vaern.Post
		var author, org int64
		if err := tx.queryRow(ctx, `SELECT k.id, k.kind, k.title, c.author_id, c.org_id FROM knowledge_comments c JOIN knowledge_posts k ON k.id = c.post_id
			WHERE `+w.SQL, w.Args...).Scan(&p.ID, &p.Kind, &p.Title, &author, &org); err != nil {
			return mapErr(err)
		}
		postID = p.ID
		reason, err := tx.mayModerate(a, v, centre, act, reason)
		if err != nil {
			return err
		}
		switch act {
		case ModHide:
			_, err = tx.exec(ctx, "UPDATE knowledge_comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?", ms(tx.s.now()), a.UserID, reason, id)
		case ModShow:
			_, err = tx.exec(ctx, "UPDATE knowledge_comments SET hidden_at = 0, hidden_by = 0, hidden_reason = '' WHERE id = ?", id)
		case ModDelete:
			if _, err = tx.exec(ctx, "DELETE FROM knowledge_comments WHERE id = ?", id); err == nil {
				_, err = tx.exec(ctx, "UPDATE knowledge_posts SET comments = comments - 1 WHERE id = ? AND comments > 0", p.ID)
			}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centre, Action: modAction(act, true), ObjectType: "knowledge_comment", ObjectID: id,
			Detail: map[string]any{"reason": reason, "title": p.Title, "kind": string(p.Kind), "author": author, "author_org": org, "post": p.ID}})
	})
	return postID, err
}

// modAction names a moderation in the audit log, spelled out so that every action the store
// records can be found (and its translation checked) by its literal.
func modAction(act string, comment bool) string {
	switch {
	case act == ModHide && comment:
		return "knowledge.comment_hide"
	case act == ModShow && comment:
		return "knowledge.comment_show"
	case act == ModDelete && comment:
		return "knowledge.comment_delete"
	case act == ModHide:
		return "knowledge.hide"
	case act == ModShow:
		return "knowledge.show"
	default:
		return "knowledge.delete"
	}
}
