package store

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// Comments and forum replies, "useful" marks, topics and who follows them, the members allowed to
// author, and attachments. Every one of them is reached through its post, under the post's rule.

// PostComments are a post's comments (a thread's replies), oldest first.
func (s *Store) PostComments(ctx context.Context, v access.Principal, centre, id int64) ([]vaern.PostComment, error) {
	w := shownComment(postWhere(v, centre).And("c.post_id = ?", id), v, centre)
	rows, err := s.query(ctx, `SELECT c.id, c.post_id, c.org_id, o.name, c.author_id, COALESCE(u.name, u.email, ''), c.body, c.created_at,
		c.hidden_at, c.hidden_reason
		FROM knowledge_comments c JOIN knowledge_posts k ON k.id = c.post_id JOIN orgs o ON o.id = c.org_id
		LEFT JOIN users u ON u.id = c.author_id WHERE `+w.SQL+" ORDER BY c.created_at, c.id", w.Args...)
	return collect(rows, err, func(r scanner) (vaern.PostComment, error) {
		var c vaern.PostComment
		var at, hidden int64
		err := r.Scan(&c.ID, &c.PostID, &c.OrgID, &c.Org, &c.AuthorID, &c.Author, &c.Body, &at, &hidden, &c.HiddenReason)
		c.At, c.Hidden = fromMS(at), hidden != 0
		return c, mapErr(err)
	})
}

// AddComment comments on a post v may see (or replies in a thread).
func (s *Store) AddComment(ctx context.Context, a vaern.Actor, v access.Principal, centre, postID int64, body string) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		p, err := tx.seePost(ctx, v, centre, postID)
		if err != nil {
			return err
		}
		if body, err = s.rules.Knowledge.CleanComment(body); err != nil {
			return err
		}
		now := ms(tx.s.now())
		if id, err = tx.insert(ctx, "INSERT INTO knowledge_comments (post_id, org_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
			postID, v.Org, a.UserID, body, now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE knowledge_posts SET comments = comments + 1, last_at = ? WHERE id = ?", now, postID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "knowledge.comment", ObjectType: "knowledge_post", ObjectID: postID,
			Detail: map[string]any{"comment": id, "kind": string(p.Kind), "topic": p.TopicID, "centre": centre}})
	})
	return id, err
}

// SetUseful marks a post v may see as useful to v's person, or takes the mark back.
func (s *Store) SetUseful(ctx context.Context, v access.Principal, centre, postID int64, on bool) error {
	if v.User == 0 {
		return vaern.ErrForbidden
	}
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.seePost(ctx, v, centre, postID); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM knowledge_useful WHERE post_id = ? AND user_id = ?", postID, v.User).Scan(&n); err != nil {
			return mapErr(err)
		}
		switch {
		case on && n == 0:
			if _, err := tx.exec(ctx, "INSERT INTO knowledge_useful (post_id, user_id, created_at) VALUES (?, ?, ?)", postID, v.User, ms(tx.s.now())); err != nil {
				return err
			}
		case !on && n > 0:
			if _, err := tx.exec(ctx, "DELETE FROM knowledge_useful WHERE post_id = ? AND user_id = ?", postID, v.User); err != nil {
				return err
			}
		default:
			return nil
		}
		_, err := tx.exec(ctx, "UPDATE knowledge_posts SET useful = (SELECT COUNT(*) FROM knowledge_useful WHERE post_id = ?) WHERE id = ?", postID, postID)
		return err
	})
}

// Topics are the community's topics (the forum's, or the knowledge base's), each with the number
// of posts v may see in it and whether v's person follows it.
func (s *Store) Topics(ctx context.Context, v access.Principal, centre int64, forum bool, lang string) ([]vaern.Topic, error) {
	w := postWhere(v, centre).And("k.topic_id = t.id")
	args := append(append([]any{}, w.Args...), v.User, v.Org, centre, forum)
	rows, err := s.query(ctx, `SELECT t.id, t.centre_id, t.name_da, t.name_nb, t.name_en, t.forum,
		(SELECT COUNT(*) FROM knowledge_posts k WHERE `+w.SQL+`),
		(SELECT COUNT(*) FROM knowledge_follows f WHERE f.topic_id = t.id AND f.user_id = ? AND f.org_id = ?)
		FROM knowledge_topics t WHERE t.centre_id = ? AND t.forum = ? ORDER BY t.id`, args...)
	return collect(rows, err, func(r scanner) (vaern.Topic, error) {
		var t vaern.Topic
		var n topicNames
		var following int
		err := r.Scan(&t.ID, &t.CentreID, &n.da, &n.nb, &n.en, &t.Forum, &t.Posts, &following)
		t.Names = map[string]string{"da": n.da, "nb": n.nb, "en": n.en}
		t.Name, t.Following = n.get(lang), following > 0
		return t, mapErr(err)
	})
}

// SaveTopic creates a topic of the community (t.ID 0) or renames one.
func (s *Store) SaveTopic(ctx context.Context, a vaern.Actor, centre int64, t vaern.Topic) (int64, error) {
	names, err := s.rules.Knowledge.CleanTopic(t.Names)
	if err != nil {
		return 0, err
	}
	id := t.ID
	err = s.Write(ctx, func(tx *Tx) error {
		var err error
		if id == 0 {
			id, err = tx.insert(ctx, "INSERT INTO knowledge_topics (centre_id, name_da, name_nb, name_en, forum, created_at) VALUES (?, ?, ?, ?, ?, ?)",
				centre, names["da"], names["nb"], names["en"], t.Forum, ms(tx.s.now()))
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.exec(ctx, "UPDATE knowledge_topics SET name_da = ?, name_nb = ?, name_en = ? WHERE id = ? AND centre_id = ?",
				names["da"], names["nb"], names["en"], id, centre)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return vaern.ErrNotFound
				}
			}
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centre, Action: "knowledge.topic", ObjectType: "knowledge_topic", ObjectID: id, Detail: names})
	})
	return id, err
}

// Follow makes v's person follow a topic of the community (or stop).
func (s *Store) Follow(ctx context.Context, v access.Principal, centre, topic int64, on bool) error {
	if v.User == 0 {
		return vaern.ErrForbidden
	}
	return s.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM knowledge_topics WHERE id = ? AND centre_id = ?", topic, centre).Scan(&n); err != nil {
			return mapErr(err)
		}
		if n == 0 {
			return vaern.ErrNotFound
		}
		if _, err := tx.exec(ctx, "DELETE FROM knowledge_follows WHERE user_id = ? AND org_id = ? AND topic_id = ?", v.User, v.Org, topic); err != nil {
			return err
		}
		if !on {
			return nil
		}
		_, err := tx.exec(ctx, "INSERT INTO knowledge_follows (user_id, org_id, topic_id, created_at) VALUES (?, ?, ?, ?)", v.User, v.Org, topic, ms(tx.s.now()))
		return err
	})
}

// Follower is a person who follows a topic, with the facts the access rule needs of them.
type Follower struct {
	UserID int64
	Org    vaern.Org
}

// TopicFollowers are the people following topic, with their organisations.
func (t *Tx) TopicFollowers(ctx context.Context, topic int64) ([]Follower, error) {
	rows, err := t.query(ctx, `SELECT f.user_id, o.id, o.kind, COALESCE(o.parent_id, 0), o.country, o.region, o.size_class
		FROM knowledge_follows f JOIN orgs o ON o.id = f.org_id WHERE f.topic_id = ? ORDER BY f.user_id`, topic)
	return collect(rows, err, func(r scanner) (Follower, error) {
		var f Follower
		var kind string
		err := r.Scan(&f.UserID, &f.Org.ID, &kind, &f.Org.ParentID, &f.Org.Country, &f.Org.Region, &f.Org.SizeClass)
		f.Org.Kind = vaern.OrgKind(kind)
		return f, mapErr(err)
	})
}

// PostForNotice is what a notice about a post says and who may read it: the post as the access
// rule sees it (Object) and its title.
func (t *Tx) PostForNotice(ctx context.Context, id int64) (vaern.Post, access.Object, error) {
	var p vaern.Post
	var row access.Row
	err := t.queryRow(ctx, `SELECT k.id, k.centre_id, k.owner_org_id, k.created_by, k.kind, k.topic_id, k.title, k.tlp,
		k.aud_kind, k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size FROM knowledge_posts k WHERE k.id = ?`, id).
		Scan(&p.ID, &p.CentreID, &p.OwnerID, &p.AuthorID, &p.Kind, &p.TopicID, &p.Title, &p.TLP, &row.Kind, &row.Orgs, &row.People, &row.Country, &row.Region, &row.Size)
	if err != nil {
		return p, access.Object{}, mapErr(err)
	}
	tlp, _ := access.ParseTLP(p.TLP)
	return p, access.Object{Owner: p.OwnerID, Creator: p.AuthorID, TLP: tlp, Audience: row.Audience()}, nil
}

// KnowledgeAuthors are the members whose coordinators may write in the community's knowledge base.
func (s *Store) KnowledgeAuthors(ctx context.Context, centre int64) (map[int64]bool, error) {
	rows, err := s.query(ctx, "SELECT org_id FROM knowledge_authors WHERE centre_id = ?", centre)
	ids, err := collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, mapErr(r.Scan(&id))
	})
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// SetKnowledgeAuthor allows a member of the centre to author, or stops it.
func (s *Store) SetKnowledgeAuthor(ctx context.Context, a vaern.Actor, centre, org int64, allow bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE id = ? AND parent_id = ?", org, centre).Scan(&n); err != nil {
			return mapErr(err)
		}
		if n == 0 {
			return vaern.ErrNotFound
		}
		if _, err := tx.exec(ctx, "DELETE FROM knowledge_authors WHERE centre_id = ? AND org_id = ?", centre, org); err != nil {
			return err
		}
		if allow {
			if _, err := tx.exec(ctx, "INSERT INTO knowledge_authors (centre_id, org_id, created_at) VALUES (?, ?, ?)", centre, org, ms(tx.s.now())); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: centre, Action: "knowledge.authors", ObjectType: "org", ObjectID: org, Detail: map[string]any{"allow": allow}})
	})
}

// PostAttachments lists a post's attachments (without their content).
func (s *Store) PostAttachments(ctx context.Context, v access.Principal, centre, postID int64) ([]vaern.PostAttachment, error) {
	w := postWhere(v, centre).And("f.post_id = ?", postID)
	rows, err := s.query(ctx, `SELECT f.id, f.post_id, f.name, f.type, f.size, f.created_at FROM knowledge_attachments f
		JOIN knowledge_posts k ON k.id = f.post_id WHERE `+w.SQL+" ORDER BY f.id", w.Args...)
	return collect(rows, err, func(r scanner) (vaern.PostAttachment, error) {
		var f vaern.PostAttachment
		var at int64
		err := r.Scan(&f.ID, &f.PostID, &f.Name, &f.Type, &f.Size, &at)
		f.CreatedAt = fromMS(at)
		return f, mapErr(err)
	})
}

// PostAttachment is one attachment with its content, found through its post's rule: an
// attachment of a post v may not see is not found.
func (s *Store) PostAttachment(ctx context.Context, v access.Principal, centre, id int64) (vaern.PostAttachment, error) {
	w := postWhere(v, centre).And("f.id = ?", id)
	var f vaern.PostAttachment
	var at int64
	err := s.queryRow(ctx, `SELECT f.id, f.post_id, f.name, f.type, f.size, f.created_at, f.data FROM knowledge_attachments f
		JOIN knowledge_posts k ON k.id = f.post_id WHERE `+w.SQL, w.Args...).Scan(&f.ID, &f.PostID, &f.Name, &f.Type, &f.Size, &at, &f.Data)
	f.CreatedAt = fromMS(at)
	return f, mapErr(err)
}

// AddAttachment attaches a file to a post of v's own organisation. Its type is found from its
// content (the module's check, run here in the transaction); a file of another type is refused.
func (s *Store) AddAttachment(ctx context.Context, a vaern.Actor, v access.Principal, centre, postID int64, name string, data []byte) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		p, err := tx.ownPost(ctx, v, centre, postID)
		if err != nil {
			return err
		}
		if p.Attachments >= maxPostAttachments {
			return vaern.Invalid("file", "a post holds at most %d attachments", maxPostAttachments)
		}
		typ, err := s.rules.Knowledge.SniffAttachment(name, data)
		if err != nil {
			return err
		}
		if id, err = tx.insert(ctx, "INSERT INTO knowledge_attachments (post_id, name, type, size, data, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			postID, name, typ, len(data), data, a.UserID, ms(tx.s.now())); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE knowledge_posts SET attachments = attachments + 1 WHERE id = ?", postID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "knowledge.attach", ObjectType: "knowledge_post", ObjectID: postID,
			Detail: map[string]any{"attachment": id, "name": name, "type": typ, "size": len(data)}})
	})
	return id, err
}

// maxPostAttachments is how many files one post holds (knowledge.MaxAttachments).
const maxPostAttachments = 20
