package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// Full-text search over the knowledge base, advisories and framework guidance. The access rule is
// part of each search query, never applied to its results: a hit the viewer may not see is not
// ranked, counted or returned. The words come from knowledge.Terms (letters and digits only,
// matched as prefixes); SQLite searches FTS5 tables, PostgreSQL tsvector columns stemmed in the
// text's language and queried in Danish, Norwegian and English at once.

// searchTerms keeps the terms that are plain words: nothing else reaches a match expression.
func searchTerms(terms []string) []string {
	var out []string
	for _, t := range terms {
		ok := t != ""
		for _, r := range t {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, strings.ToLower(t))
		}
	}
	return out
}

func fts5Match(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"*`
	}
	return strings.Join(parts, " ")
}

func tsQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t + ":*"
	}
	return strings.Join(parts, " & ")
}

// tsQueryFrom is the query in the three languages' configurations, joined as alternatives.
const tsQueryFrom = `(SELECT to_tsquery('danish', ?) || to_tsquery('norwegian', ?) || to_tsquery('english', ?) AS q) q`

// SearchPosts is Posts for a search: the posts v may see whose text in some language matches every
// term of f.Terms, best first. Each post appears once, in the language version that matched best;
// its Snippet holds that version's body (knowledge.Snippet shortens and marks it).
func (s *Store) SearchPosts(ctx context.Context, v access.Principal, centre int64, f vaern.PostFilter) (vaern.PostList, error) {
	var out vaern.PostList
	terms := searchTerms(f.Terms)
	if len(terms) == 0 {
		return out, nil
	}
	limit, _ := pageOf(f)
	var hits []searchHit
	var err error
	counted := false
	if s.engine == Postgres {
		hits, out.Total, err = s.rankPostsPG(ctx, v, centre, f, terms, limit*3)
		counted = true
	} else {
		// The match is joined to knowledge_search, a narrow copy of the post's columns per text
		// (a few dozen bytes a row, in the page cache), by the FTS rowid: the rule needs neither
		// the texts' wide rows nor the posts. CROSS JOIN keeps the match as the outer loop.
		w := postFilter(searchWhere(v, centre), f, "s")
		w = access.Predicate{SQL: "knowledge_texts_fts MATCH ? AND " + w.SQL, Args: append([]any{fts5Match(terms)}, w.Args...)}
		const from = " FROM knowledge_texts_fts CROSS JOIN knowledge_search s ON s.id = knowledge_texts_fts.rowid"
		// First the ranking, narrow: the matching texts' ids and their posts', best first. Each
		// language version is its own row: three times the page covers a post found in all three.
		// The matches are found once (a materialized CTE) and both ranked and counted from it:
		// the count needs no second pass over the index and the rule.
		rows, qerr := s.query(ctx, "WITH m AS MATERIALIZED (SELECT s.id, s.post_id, -bm25(knowledge_texts_fts, 5.0, 1.0) AS r"+from+" WHERE "+w.SQL+
			") SELECT m.id, m.post_id, m.r, (SELECT COUNT(DISTINCT post_id) FROM m) FROM m ORDER BY m.r DESC, m.id DESC LIMIT ?",
			append(append([]any{}, w.Args...), limit*3)...)
		hits, err = collect(rows, qerr, func(r scanner) (searchHit, error) {
			var h searchHit
			var rank float64
			return h, mapErr(r.Scan(&h.text, &h.post, &rank, &out.Total))
		})
		counted = true
	}
	if err != nil {
		return out, err
	}
	seen := map[int64]bool{}
	var texts []int64
	for _, h := range hits {
		if seen[h.post] {
			continue
		}
		seen[h.post] = true
		if len(texts) < limit {
			texts = append(texts, h.text)
		}
	}
	if !counted {
		out.Total = len(seen)
	}
	if len(texts) == 0 {
		return out, nil
	}
	// Then the page's rows by the texts' ids, under the same rule. The id list is padded to the
	// page's size so that the statement's text stays the same.
	in := make([]any, limit)
	for i := range in {
		in[i] = int64(-1)
		if i < len(texts) {
			in[i] = texts[i]
		}
	}
	pw := postWhere(v, centre)
	// CROSS JOIN keeps the texts, found by id, as the outer loop: left to choose, SQLite walked
	// the community's posts by knowledge_posts_list and probed each one's texts (50,000 probes
	// for a page of 50; the cause of most of the search's time, EXPLAIN QUERY PLAN showed).
	join := " CROSS JOIN "
	if s.engine == Postgres {
		join = " JOIN " // PostgreSQL has no CROSS JOIN ... ON, and finds this order by itself
	}
	rows, err := s.query(ctx, "SELECT "+postCols+`, x.body FROM knowledge_texts x`+join+`knowledge_posts k ON k.id = x.post_id
		JOIN orgs o ON o.id = k.owner_org_id LEFT JOIN users u ON u.id = k.created_by
		WHERE x.id IN (`+placeholders(limit)+") AND "+pw.SQL, append(in, pw.Args...)...)
	posts, err := collect(rows, err, func(r scanner) (vaern.Post, error) {
		var body string
		p, err := scanPost(r, &body)
		p.Snippet = body
		return p, err
	})
	if err != nil {
		return out, err
	}
	byPost := map[int64]vaern.Post{}
	for _, p := range posts {
		byPost[p.ID] = p
	}
	for _, h := range hits {
		if p, ok := byPost[h.post]; ok && seen[h.post] {
			out.Posts = append(out.Posts, p)
			delete(byPost, h.post)
		}
	}
	markFallback(out.Posts, f.Lang)
	return out, nil
}

// searchHit is a ranked text and its post.
type searchHit struct{ text, post int64 }

// rankPostsPG is PostgreSQL's ranking: the best cap matching texts that v may see (text and
// post ids) and the number of distinct posts among all of them, in one statement. The query is
// stemmed in the three languages first and the alternatives that come out the same are dropped
// (mostly all three do), so that the index and ts_rank work on each alternative once.
//
// It reads knowledge_search (migration 0025): one row per text with its search vector and its
// post's columns, so the GIN index's matches are read once, the rule is put on the same rows, and
// only the texts it lets through are ranked. The planner, costing @@ at nearly nothing, would
// rather read all 50,000 vectors in a sequential scan for a common word; SET LOCAL in the
// statement's own read-only transaction leaves it the index only.
func (s *Store) rankPostsPG(ctx context.Context, v access.Principal, centre int64, f vaern.PostFilter, terms []string, cap int) ([]searchHit, int, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer tx.Rollback()
	q := tsQuery(terms)
	var st [3]string
	if err := tx.QueryRowContext(ctx, s.q("SELECT to_tsquery('danish', ?)::text, to_tsquery('norwegian', ?)::text, to_tsquery('english', ?)::text"), q, q, q).
		Scan(&st[0], &st[1], &st[2]); err != nil {
		return nil, 0, mapErr(err)
	}
	var alts []string
	for _, a := range st {
		if a != "" && !slices.Contains(alts, a) {
			alts = append(alts, a)
		}
	}
	if len(alts) == 0 {
		return nil, 0, nil // only stop words
	}
	if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return nil, 0, mapErr(err)
	}
	tq := "(" + strings.Join(alts, ") | (") + ")"
	w := postFilter(searchWhere(v, centre), f, "s")
	rows, err := tx.QueryContext(ctx, s.q(`WITH m AS MATERIALIZED (SELECT s.id, s.post_id, ts_rank(s.tsv, CAST(? AS tsquery)) AS r
		FROM knowledge_search s WHERE s.tsv @@ CAST(? AS tsquery) AND `+w.SQL+`)
		SELECT m.id, m.post_id, m.r, (SELECT COUNT(DISTINCT post_id) FROM m) FROM m ORDER BY m.r DESC, m.id DESC LIMIT ?`),
		append(append([]any{tq, tq}, w.Args...), cap)...)
	total := 0
	hits, err := collect(rows, err, func(r scanner) (searchHit, error) {
		var h searchHit
		var rank float64
		return h, mapErr(r.Scan(&h.text, &h.post, &rank, &total))
	})
	if err != nil {
		return nil, 0, err
	}
	return hits, total, mapErr(tx.Commit())
}

// SearchAdvisories finds the published advisories of the community that v may see, best first.
// Snippet holds the advisory's summary.
func (s *Store) SearchAdvisories(ctx context.Context, v access.Principal, centre int64, terms []string, limit int) ([]vaern.SearchHit, error) {
	terms = searchTerms(terms)
	if len(terms) == 0 {
		return nil, nil
	}
	w := access.Where(v, advisoryRule).And("a.state = 'published' AND a.owner_org_id = ?", centre)
	const doc = "(to_tsvector('danish'::regconfig, a.title || ' ' || a.summary || ' ' || a.texts) || " +
		"to_tsvector('norwegian'::regconfig, a.title || ' ' || a.summary || ' ' || a.texts) || " +
		"to_tsvector('english'::regconfig, a.title || ' ' || a.summary || ' ' || a.texts))"
	var query string
	var args []any
	if s.engine == Postgres {
		q := tsQuery(terms)
		query = "SELECT a.id, a.title, a.summary, a.tlp, ts_rank(" + doc + ", q.q) AS r FROM advisories a CROSS JOIN " + tsQueryFrom +
			" WHERE " + doc + " @@ q.q AND " + w.SQL + " ORDER BY r DESC, a.id DESC LIMIT ?"
		args = append(append([]any{q, q, q}, w.Args...), limit)
	} else {
		query = `SELECT a.id, a.title, a.summary, a.tlp, -bm25(advisories_fts, 5.0, 2.0, 1.0) AS r FROM advisories_fts
			JOIN advisories a ON a.id = advisories_fts.rowid WHERE advisories_fts MATCH ? AND ` + w.SQL + " ORDER BY r DESC, a.id DESC LIMIT ?"
		args = append(append([]any{fts5Match(terms)}, w.Args...), limit)
	}
	rows, err := s.query(ctx, query, args...)
	return collect(rows, err, func(r scanner) (vaern.SearchHit, error) {
		h := vaern.SearchHit{Source: "advisory"}
		err := r.Scan(&h.ID, &h.Title, &h.Snippet, &h.TLP, &h.Rank)
		h.Path = "/warnings/advisories/" + itoa(h.ID)
		return h, mapErr(err)
	})
}

// SearchGuidance finds the questions and guidance of the community's frameworks (the published
// ones every person of the community sees), best first, in lang where the framework has it.
func (s *Store) SearchGuidance(ctx context.Context, v access.Principal, centre int64, terms []string, lang string, limit int) ([]vaern.SearchHit, error) {
	terms = searchTerms(terms)
	if len(terms) == 0 || !v.SignedIn {
		return nil, nil
	}
	if err := s.indexGuidance(ctx, centre); err != nil {
		return nil, err
	}
	var query string
	var args []any
	if s.engine == Postgres {
		q := tsQuery(terms)
		query = "SELECT g.id, g.qid || ' ' || g.title, g.body, ts_rank(g.tsv, q.q) AS r FROM knowledge_guidance g CROSS JOIN " + tsQueryFrom +
			" WHERE g.tsv @@ q.q AND g.centre_id = ? AND g.lang = ? ORDER BY r DESC, g.id LIMIT ?"
		args = []any{q, q, q, centre, langOf(lang), limit}
	} else {
		query = `SELECT g.id, g.qid || ' ' || g.title, g.body, -bm25(knowledge_guidance_fts, 3.0, 1.0) AS r FROM knowledge_guidance_fts
			JOIN knowledge_guidance g ON g.id = knowledge_guidance_fts.rowid WHERE knowledge_guidance_fts MATCH ? AND g.centre_id = ? AND g.lang = ?
			ORDER BY r DESC, g.id LIMIT ?`
		args = []any{fts5Match(terms), centre, langOf(lang), limit}
	}
	rows, err := s.query(ctx, query, args...)
	return collect(rows, err, func(r scanner) (vaern.SearchHit, error) {
		h := vaern.SearchHit{Source: "guidance"}
		err := r.Scan(&h.ID, &h.Title, &h.Snippet, &h.Rank)
		h.Path = "/knowledge/guidance/" + itoa(h.ID) + "/text"
		return h, mapErr(err)
	})
}

// Guidance is one indexed question of a framework of the community.
func (s *Store) Guidance(ctx context.Context, centre, id int64) (vaern.SearchHit, string, error) {
	var h vaern.SearchHit
	var fw string
	err := s.queryRow(ctx, `SELECT g.id, g.qid || ' ' || g.title, g.body, f.title FROM knowledge_guidance g JOIN frameworks f ON f.id = g.framework_id
		WHERE g.id = ? AND g.centre_id = ?`, id, centre).Scan(&h.ID, &h.Title, &h.Snippet, &fw)
	h.Source = "guidance"
	return h, fw, mapErr(err)
}

// indexGuidance brings the guidance index of the community's published frameworks up to date: a
// framework not yet indexed, or changed since, is indexed again (question text as the title, the
// help text as the body, per language).
func (s *Store) indexGuidance(ctx context.Context, centre int64) error {
	rows, err := s.query(ctx, `SELECT f.id, f.updated_at FROM frameworks f WHERE f.centre_id = ? AND f.draft = ?
		AND NOT EXISTS (SELECT 1 FROM knowledge_guidance g WHERE g.framework_id = f.id AND g.fw_updated = f.updated_at)
		AND NOT EXISTS (SELECT 1 FROM knowledge_guidance g WHERE g.framework_id = f.id AND g.qid = '' AND g.fw_updated = f.updated_at)`, centre, false)
	type stale struct{ id, updated int64 }
	todo, err := collect(rows, err, func(r scanner) (stale, error) {
		var x stale
		return x, mapErr(r.Scan(&x.id, &x.updated))
	})
	if err != nil || len(todo) == 0 {
		return err
	}
	for _, x := range todo {
		_, fw, err := s.Framework(ctx, x.id)
		if err != nil {
			return err
		}
		err = s.Write(ctx, func(tx *Tx) error {
			if _, err := tx.exec(ctx, "DELETE FROM knowledge_guidance WHERE framework_id = ?", x.id); err != nil {
				return err
			}
			n := 0
			for _, q := range fw.Questions() {
				for _, l := range vaern.PostLangs {
					text := q.Text[l]
					if text == "" {
						continue
					}
					n++
					if _, err := tx.exec(ctx, `INSERT INTO knowledge_guidance (centre_id, framework_id, fw_updated, qid, lang, title, body)
						VALUES (?, ?, ?, ?, ?, ?, ?)`, centre, x.id, x.updated, q.ID, l, text, q.Help[l]); err != nil {
						return err
					}
				}
			}
			if n == 0 {
				// A marker row, so a framework without texts is not parsed again on every search.
				_, err := tx.exec(ctx, `INSERT INTO knowledge_guidance (centre_id, framework_id, fw_updated, qid, lang, title, body)
					VALUES (?, ?, ?, '', '', '', '')`, centre, x.id, x.updated)
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
