-- Knowledge search and moderation (issue 15): what the centre hid (posts, comments and forum
-- replies, with who, when and why), and knowledge_text_matches, the texts whose search vector
-- matches a query, read through the GIN index. Left to itself the planner reads every row's
-- vector (a sequential scan that detoasts 50,000 vectors) because it costs the match at nearly
-- nothing; the function's own setting makes the index the only way, and the caller joins the
-- posts, puts the access rule on them and ranks only what the rule lets through.

ALTER TABLE knowledge_posts ADD COLUMN hidden_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE knowledge_posts ADD COLUMN hidden_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE knowledge_posts ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE knowledge_comments ADD COLUMN hidden_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE knowledge_comments ADD COLUMN hidden_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE knowledge_comments ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

CREATE FUNCTION knowledge_text_matches(q tsquery) RETURNS TABLE (id BIGINT, post_id BIGINT)
    LANGUAGE sql STABLE ROWS 500 SET enable_seqscan = off
    AS $$ SELECT x.id, x.post_id FROM knowledge_texts x WHERE x.tsv @@ q $$;
