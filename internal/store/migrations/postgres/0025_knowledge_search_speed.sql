-- Knowledge search on PostgreSQL (issue 15, speed): knowledge_search, the table search reads. One
-- row per language version (id = knowledge_texts.id) with its search vector and a copy of its
-- post's columns that the access rule and the filters read, kept by triggers, as SQLite's table of
-- the same name (migration 0021) but with the vector in it. Search was the GIN index on
-- knowledge_texts, then for every match a probe of its post for the rule and of its text again for
-- ts_rank (through TOAST): about 29,000 buffers for a word matching 4,700 of 50,000 texts. Here one
-- bitmap scan reads vector and rule columns in the same row (about 3,800 buffers); the vector is
-- kept in the row (STORAGE MAIN: compressed, not moved to TOAST). It is derived data: not copied
-- by backup or migrate-data and rebuilt after (internal/store/copy.go).
--
-- The GIN indexes are built without the pending list (fastupdate = off): with it, posts written
-- since the last vacuum sit in an unsorted list that every search reads through (389 pages, 3 MB,
-- after 50,000 posts), and the planner, costing that list, turned to a sequential scan.

CREATE TABLE knowledge_search (
    id           BIGINT PRIMARY KEY,   -- knowledge_texts.id
    post_id      BIGINT NOT NULL,
    centre_id    BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    topic_id     BIGINT NOT NULL,
    owner_org_id BIGINT NOT NULL,
    created_by   BIGINT NOT NULL,
    tlp          TEXT   NOT NULL,
    aud_kind     TEXT   NOT NULL,
    aud_orgs     TEXT   NOT NULL,
    aud_people   TEXT   NOT NULL,
    aud_country  TEXT   NOT NULL,
    aud_region   TEXT   NOT NULL,
    aud_size     TEXT   NOT NULL,
    hidden_at    BIGINT NOT NULL,
    tsv          tsvector NOT NULL
);
ALTER TABLE knowledge_search ALTER COLUMN tsv SET STORAGE MAIN;
INSERT INTO knowledge_search SELECT x.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id, k.created_by, k.tlp, k.aud_kind,
    k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at, x.tsv
    FROM knowledge_texts x JOIN knowledge_posts k ON k.id = x.post_id;
CREATE INDEX knowledge_search_tsv ON knowledge_search USING GIN (tsv) WITH (fastupdate = off);
CREATE INDEX knowledge_search_post ON knowledge_search(post_id);

-- A language version written or changed: its row, with its post's columns as they are now.
CREATE FUNCTION knowledge_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM knowledge_search WHERE id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
        DELETE FROM knowledge_search WHERE id = OLD.id;
    END IF;
    INSERT INTO knowledge_search SELECT NEW.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id, k.created_by, k.tlp, k.aud_kind,
        k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at, NEW.tsv
        FROM knowledge_posts k WHERE k.id = NEW.post_id
    ON CONFLICT (id) DO UPDATE SET post_id = EXCLUDED.post_id, centre_id = EXCLUDED.centre_id, kind = EXCLUDED.kind,
        topic_id = EXCLUDED.topic_id, owner_org_id = EXCLUDED.owner_org_id, created_by = EXCLUDED.created_by, tlp = EXCLUDED.tlp,
        aud_kind = EXCLUDED.aud_kind, aud_orgs = EXCLUDED.aud_orgs, aud_people = EXCLUDED.aud_people, aud_country = EXCLUDED.aud_country,
        aud_region = EXCLUDED.aud_region, aud_size = EXCLUDED.aud_size, hidden_at = EXCLUDED.hidden_at, tsv = EXCLUDED.tsv;
    RETURN NULL;
END $$;
CREATE TRIGGER knowledge_search_text AFTER INSERT OR UPDATE OR DELETE ON knowledge_texts
    FOR EACH ROW EXECUTE FUNCTION knowledge_search_text();

-- A post's columns changed (label, audience, topic, moderation, ...): its texts' rows follow.
CREATE FUNCTION knowledge_search_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE knowledge_search SET centre_id = NEW.centre_id, kind = NEW.kind, topic_id = NEW.topic_id, owner_org_id = NEW.owner_org_id,
        created_by = NEW.created_by, tlp = NEW.tlp, aud_kind = NEW.aud_kind, aud_orgs = NEW.aud_orgs, aud_people = NEW.aud_people,
        aud_country = NEW.aud_country, aud_region = NEW.aud_region, aud_size = NEW.aud_size, hidden_at = NEW.hidden_at
        WHERE post_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER knowledge_search_post AFTER UPDATE OF centre_id, kind, topic_id, owner_org_id, created_by, tlp, aud_kind, aud_orgs,
    aud_people, aud_country, aud_region, aud_size, hidden_at ON knowledge_posts
    FOR EACH ROW EXECUTE FUNCTION knowledge_search_post();

ALTER INDEX knowledge_texts_tsv SET (fastupdate = off);
SELECT gin_clean_pending_list('knowledge_texts_tsv'::regclass);
ALTER INDEX knowledge_guidance_tsv SET (fastupdate = off);
SELECT gin_clean_pending_list('knowledge_guidance_tsv'::regclass);
