package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// The knowledge base and the forum. Every read takes the viewer and the community (the centre
// whose network it is) and starts its WHERE with postWhere: the access rule over the post's TLP
// and audience, scoped to the community. A post the viewer may not see is not found.

// postRule describes knowledge_posts for the access rules.
var postRule = access.Table{Owner: "k.owner_org_id", Creator: "k.created_by", TLP: "k.tlp", Audience: "k.aud"}

// postWhere is the posts v may see in the community centre.
func postWhere(v access.Principal, centre int64) access.Predicate {
	return shown(access.Where(v, postRule).And("k.centre_id = ?", centre), v, centre, "k")
}

// searchRule describes knowledge_search (a copy of the posts' columns per text, see migrations
// 0021 for SQLite and 0025 for PostgreSQL, where it holds the search vector too) for the access rules: the same columns under the alias s.
var searchRule = access.Table{Owner: "s.owner_org_id", Creator: "s.created_by", TLP: "s.tlp", Audience: "s.aud"}

// searchWhere is postWhere over knowledge_search.
func searchWhere(v access.Principal, centre int64) access.Predicate {
	return shown(access.Where(v, searchRule).And("s.centre_id = ?", centre), v, centre, "s")
}

// shown adds the moderation rule to w: a post the centre hid is seen by the centre of its
// community and by its author only (to everyone else it is not found).
func shown(w access.Predicate, v access.Principal, centre int64, alias string) access.Predicate {
	switch {
	case v.Centre && v.Org == centre:
		return w
	case v.User != 0:
		return w.And("("+alias+".hidden_at = 0 OR "+alias+".created_by = ?)", v.User)
	default:
		return w.And(alias + ".hidden_at = 0")
	}
}

// postCols read a post for lists and pages; the title is the reader's language's where there is
// one (x), else the original's.
const postCols = `k.id, k.centre_id, k.owner_org_id, o.name, k.created_by, COALESCE(u.name, u.email, ''), k.kind, k.topic_id,
	k.lang, COALESCE(x.title, k.title), COALESCE(x.lang, k.lang), k.version, k.tlp, k.aud_kind, k.aud_orgs, k.aud_people,
	k.aud_country, k.aud_region, k.aud_size, k.useful, k.comments, k.attachments, k.last_at, k.created_at, k.updated_at,
	k.hidden_at, k.hidden_reason`

const postFrom = ` FROM knowledge_posts k JOIN orgs o ON o.id = k.owner_org_id LEFT JOIN users u ON u.id = k.created_by
	LEFT JOIN knowledge_texts x ON x.post_id = k.id AND x.lang = ?`

func scanPost(r scanner, extra ...any) (vaern.Post, error) {
	var p vaern.Post
	var row access.Row
	var last, cr, up, hidden int64
	dest := []any{&p.ID, &p.CentreID, &p.OwnerID, &p.Owner, &p.AuthorID, &p.Author, &p.Kind, &p.TopicID,
		&p.Lang, &p.Title, &p.ShownLang, &p.Version, &p.TLP, &row.Kind, &row.Orgs, &row.People,
		&row.Country, &row.Region, &row.Size, &p.Useful, &p.Comments, &p.Attachments, &last, &cr, &up, &hidden, &p.HiddenReason}
	err := r.Scan(append(dest, extra...)...)
	p.Hidden = hidden != 0
	p.Audience = FormatAudience(row.Audience())
	p.LastAt, p.CreatedAt, p.UpdatedAt = fromMS(last), fromMS(cr), fromMS(up)
	return p, mapErr(err)
}

// Posts lists the posts v may see in the community that match f, newest activity first, or by
// rank when f.Query is set (see SearchPosts).
func (s *Store) Posts(ctx context.Context, v access.Principal, centre int64, f vaern.PostFilter) (vaern.PostList, error) {
	if strings.TrimSpace(f.Query) != "" || len(f.Terms) > 0 {
		return s.SearchPosts(ctx, v, centre, f)
	}
	w := postFilter(postWhere(v, centre), f, "k")
	var out vaern.PostList
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM knowledge_posts k WHERE "+w.SQL, w.Args...).Scan(&out.Total); err != nil {
		return out, mapErr(err)
	}
	limit, offset := pageOf(f)
	rows, err := s.query(ctx, "SELECT "+postCols+postFrom+" WHERE "+w.SQL+" ORDER BY k.last_at DESC, k.id DESC LIMIT ? OFFSET ?",
		append(append([]any{langOf(f.Lang)}, w.Args...), limit, offset)...)
	out.Posts, err = collect(rows, err, func(r scanner) (vaern.Post, error) { return scanPost(r) })
	markFallback(out.Posts, f.Lang)
	return out, err
}

// postFilter adds f's kind, topic and label to w, over the posts' columns under alias a.
func postFilter(w access.Predicate, f vaern.PostFilter, a string) access.Predicate {
	switch {
	case f.Forum:
		w = w.And(a+".kind = ?", string(vaern.PostThread))
	case f.Kind != "":
		w = w.And(a+".kind = ?", string(f.Kind))
	default:
		w = w.And(a+".kind <> ?", string(vaern.PostThread))
	}
	if f.TopicID != 0 {
		w = w.And(a+".topic_id = ?", f.TopicID)
	}
	if f.TLP != "" {
		w = w.And(a+".tlp = ?", f.TLP)
	}
	return w
}

func pageOf(f vaern.PostFilter) (int, int) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return limit, max(f.Offset, 0)
}

func langOf(l string) string {
	switch l {
	case "da", "nb", "en":
		return l
	}
	return "da"
}

func markFallback(ps []vaern.Post, lang string) {
	for i := range ps {
		ps[i].Fallback = ps[i].ShownLang != langOf(lang)
	}
}

// Post is one post as v may see it, with every language version; user's own "useful" mark is
// filled in.
func (s *Store) Post(ctx context.Context, v access.Principal, centre, id int64, lang string) (vaern.Post, error) {
	w := postWhere(v, centre).And("k.id = ?", id)
	p, err := scanPost(s.queryRow(ctx, "SELECT "+postCols+postFrom+" WHERE "+w.SQL, append([]any{langOf(lang)}, w.Args...)...))
	if err != nil {
		return p, err
	}
	p.Texts, err = s.postTexts(ctx, id)
	if err != nil {
		return p, err
	}
	if p.TopicID != 0 {
		var names topicNames
		if err := s.queryRow(ctx, "SELECT name_da, name_nb, name_en FROM knowledge_topics WHERE id = ?", p.TopicID).Scan(&names.da, &names.nb, &names.en); err == nil {
			p.Topic = names.get(lang)
		}
	}
	if v.User != 0 {
		var n int
		if err := s.queryRow(ctx, "SELECT COUNT(*) FROM knowledge_useful WHERE post_id = ? AND user_id = ?", id, v.User).Scan(&n); err != nil {
			return p, mapErr(err)
		}
		p.MineUseful = n > 0
	}
	return p, nil
}

func (s *Store) postTexts(ctx context.Context, id int64) (map[string]vaern.PostText, error) {
	rows, err := s.query(ctx, "SELECT lang, title, body FROM knowledge_texts WHERE post_id = ?", id)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]vaern.PostText{}
	for rows.Next() {
		var l string
		var t vaern.PostText
		if err := rows.Scan(&l, &t.Title, &t.Body); err != nil {
			return nil, mapErr(err)
		}
		out[l] = t
	}
	return out, mapErr(rows.Err())
}

// CreatePost publishes a post (or starts a forum thread) in the community, written by a for the
// organisation v acts for. The author rule runs in the transaction: a member's coordinator writes
// in the knowledge base only while the centre allows the member.
func (s *Store) CreatePost(ctx context.Context, a vaern.Actor, v access.Principal, centre int64, p vaern.Post) (int64, error) {
	aud := ParseAudience(p.Audience)
	p.OwnerID = v.Org
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		// The post is checked before its author, so that a form with errors shows them.
		if err := s.rules.Knowledge.CleanPost(&p, aud); err != nil {
			return err
		}
		if err := tx.mayAuthor(ctx, a, v, centre, p.Kind); err != nil {
			return err
		}
		if err := tx.checkTopic(ctx, centre, p.TopicID, p.Kind); err != nil {
			return err
		}
		now := ms(tx.s.now())
		r := aud.Row()
		var err error
		id, err = tx.insert(ctx, `INSERT INTO knowledge_posts (centre_id, owner_org_id, created_by, updated_by, kind, topic_id, lang, title,
			tlp, aud_kind, aud_orgs, aud_people, aud_country, aud_region, aud_size, last_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, centre, v.Org, a.UserID, a.UserID, string(p.Kind), p.TopicID,
			p.Lang, p.Texts[p.Lang].Title, p.TLP, r.Kind, r.Orgs, r.People, r.Country, r.Region, r.Size, now, now, now)
		if err != nil {
			return err
		}
		if err := tx.putTexts(ctx, id, p.Texts); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "knowledge.create", ObjectType: "knowledge_post", ObjectID: id,
			Detail: map[string]any{"kind": string(p.Kind), "topic": p.TopicID, "tlp": p.TLP, "centre": centre}})
	})
	return id, err
}

// UpdatePost saves a new version of a post: the version it replaces is kept. Only the post's own
// organisation edits it (its author, or a writer of the same organisation); anyone else is told
// it is not found.
func (s *Store) UpdatePost(ctx context.Context, a vaern.Actor, v access.Principal, centre int64, p vaern.Post) error {
	aud := ParseAudience(p.Audience)
	return s.Write(ctx, func(tx *Tx) error {
		cur, err := tx.ownPost(ctx, v, centre, p.ID)
		if err != nil {
			return err
		}
		p.Kind, p.OwnerID = cur.Kind, cur.OwnerID
		if p.Lang == "" {
			p.Lang = cur.Lang
		}
		if err := s.rules.Knowledge.CleanPost(&p, aud); err != nil {
			return err
		}
		if err := tx.mayAuthor(ctx, a, v, centre, cur.Kind); err != nil {
			return err
		}
		if err := tx.checkTopic(ctx, centre, p.TopicID, p.Kind); err != nil {
			return err
		}
		old, err := tx.texts(ctx, p.ID)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(old)
		if _, err := tx.exec(ctx, `INSERT INTO knowledge_versions (post_id, version, texts, tlp, audience, edited_by, edited_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, cur.Version, string(b), cur.TLP, cur.Audience, cur.updatedBy, ms(cur.UpdatedAt)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM knowledge_texts WHERE post_id = ?", p.ID); err != nil {
			return err
		}
		if err := tx.putTexts(ctx, p.ID, p.Texts); err != nil {
			return err
		}
		now := ms(tx.s.now())
		r := aud.Row()
		if _, err := tx.exec(ctx, `UPDATE knowledge_posts SET version = version + 1, updated_by = ?, topic_id = ?, lang = ?, title = ?, tlp = ?,
			aud_kind = ?, aud_orgs = ?, aud_people = ?, aud_country = ?, aud_region = ?, aud_size = ?, last_at = ?, updated_at = ? WHERE id = ?`,
			a.UserID, p.TopicID, p.Lang, p.Texts[p.Lang].Title, p.TLP, r.Kind, r.Orgs, r.People, r.Country, r.Region, r.Size, now, now, p.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "knowledge.update", ObjectType: "knowledge_post", ObjectID: p.ID,
			Detail: map[string]any{"version": cur.Version + 1, "tlp": p.TLP}})
	})
}

// ownedPost is what an edit needs of the post it changes.
type ownedPost struct {
	vaern.Post
	updatedBy int64
}

// ownPost finds a post of v's own organisation that v may see; any other is not found.
func (tx *Tx) ownPost(ctx context.Context, v access.Principal, centre, id int64) (ownedPost, error) {
	w := postWhere(v, centre).And("k.id = ? AND k.owner_org_id = ?", id, v.Org)
	var p ownedPost
	var row access.Row
	var up int64
	err := tx.queryRow(ctx, `SELECT k.id, k.owner_org_id, k.kind, k.lang, k.version, k.tlp, k.aud_kind, k.aud_orgs, k.aud_people,
		k.aud_country, k.aud_region, k.aud_size, k.updated_by, k.updated_at, k.attachments FROM knowledge_posts k WHERE `+w.SQL, w.Args...).
		Scan(&p.ID, &p.OwnerID, &p.Kind, &p.Lang, &p.Version, &p.TLP, &row.Kind, &row.Orgs, &row.People, &row.Country, &row.Region, &row.Size,
			&p.updatedBy, &up, &p.Attachments)
	p.Audience, p.UpdatedAt = FormatAudience(row.Audience()), fromMS(up)
	return p, mapErr(err)
}

// seePost finds a post v may see, inside a transaction.
func (tx *Tx) seePost(ctx context.Context, v access.Principal, centre, id int64) (vaern.Post, error) {
	w := postWhere(v, centre).And("k.id = ?", id)
	var p vaern.Post
	err := tx.queryRow(ctx, "SELECT k.id, k.owner_org_id, k.created_by, k.kind, k.topic_id, k.title FROM knowledge_posts k WHERE "+w.SQL, w.Args...).
		Scan(&p.ID, &p.OwnerID, &p.AuthorID, &p.Kind, &p.TopicID, &p.Title)
	return p, mapErr(err)
}

func (tx *Tx) texts(ctx context.Context, id int64) (map[string]vaern.PostText, error) {
	rows, err := tx.query(ctx, "SELECT lang, title, body FROM knowledge_texts WHERE post_id = ?", id)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]vaern.PostText{}
	for rows.Next() {
		var l string
		var t vaern.PostText
		if err := rows.Scan(&l, &t.Title, &t.Body); err != nil {
			return nil, mapErr(err)
		}
		out[l] = t
	}
	return out, mapErr(rows.Err())
}

func (tx *Tx) putTexts(ctx context.Context, id int64, texts map[string]vaern.PostText) error {
	for _, l := range vaern.PostLangs {
		t, ok := texts[l]
		if !ok {
			continue
		}
		if _, err := tx.exec(ctx, "INSERT INTO knowledge_texts (post_id, lang, title, body) VALUES (?, ?, ?, ?)", id, l, t.Title, t.Body); err != nil {
			return err
		}
	}
	return nil
}

// mayAuthor runs the author rule: the centre's setting for the member is read in the transaction.
func (tx *Tx) mayAuthor(ctx context.Context, a vaern.Actor, v access.Principal, centre int64, kind vaern.PostKind) error {
	allowed := false
	if !v.Centre {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM knowledge_authors WHERE centre_id = ? AND org_id = ?", centre, v.Org).Scan(&n); err != nil {
			return mapErr(err)
		}
		allowed = n > 0
	} else if v.Org != centre {
		return vaern.ErrNotFound
	}
	if !tx.s.rules.Knowledge.MayAuthor(a.Role, v.Centre, allowed, kind) {
		return vaern.ErrForbidden
	}
	return nil
}

// checkTopic: a thread needs a forum topic of the community; a post's topic, when given, is a
// knowledge topic of the community.
func (tx *Tx) checkTopic(ctx context.Context, centre, topic int64, kind vaern.PostKind) error {
	if topic == 0 {
		if kind == vaern.PostThread {
			return vaern.Invalid("topic", "choose the forum topic the thread belongs to")
		}
		return nil
	}
	var forum bool
	err := tx.queryRow(ctx, "SELECT forum FROM knowledge_topics WHERE id = ? AND centre_id = ?", topic, centre).Scan(&forum)
	if errors.Is(err, sql.ErrNoRows) || err == nil && forum != (kind == vaern.PostThread) {
		return vaern.Invalid("topic", "is not a topic here")
	}
	return mapErr(err)
}

// PostVersions lists a post's earlier versions, newest first.
func (s *Store) PostVersions(ctx context.Context, v access.Principal, centre, id int64) ([]vaern.PostVersion, error) {
	w := postWhere(v, centre).And("k.id = ?", id)
	rows, err := s.query(ctx, `SELECT pv.post_id, pv.version, pv.texts, pv.tlp, pv.audience, COALESCE(u.name, u.email, ''), pv.edited_at
		FROM knowledge_versions pv JOIN knowledge_posts k ON k.id = pv.post_id LEFT JOIN users u ON u.id = pv.edited_by
		WHERE `+w.SQL+" ORDER BY pv.version DESC", w.Args...)
	return collect(rows, err, scanVersion)
}

// PostVersion is one earlier version of a post.
func (s *Store) PostVersion(ctx context.Context, v access.Principal, centre, id int64, version int) (vaern.PostVersion, error) {
	w := postWhere(v, centre).And("k.id = ? AND pv.version = ?", id, version)
	return scanVersion(s.queryRow(ctx, `SELECT pv.post_id, pv.version, pv.texts, pv.tlp, pv.audience, COALESCE(u.name, u.email, ''), pv.edited_at
		FROM knowledge_versions pv JOIN knowledge_posts k ON k.id = pv.post_id LEFT JOIN users u ON u.id = pv.edited_by
		WHERE `+w.SQL, w.Args...))
}

func scanVersion(r scanner) (vaern.PostVersion, error) {
	var pv vaern.PostVersion
	var texts string
	var at int64
	if err := r.Scan(&pv.PostID, &pv.Version, &texts, &pv.TLP, &pv.Audience, &pv.EditedBy, &at); err != nil {
		return pv, mapErr(err)
	}
	pv.EditedAt = fromMS(at)
	err := json.Unmarshal([]byte(texts), &pv.Texts)
	return pv, err
}

// topicNames are a topic's names as stored.
type topicNames struct{ da, nb, en string }

func (n topicNames) get(lang string) string {
	m := map[string]string{"da": n.da, "nb": n.nb, "en": n.en}
	for _, l := range append([]string{lang}, vaern.PostLangs...) {
		if m[l] != "" {
			return m[l]
		}
	}
	return ""
}
