-- Knowledge search and moderation (issue 15): what the centre hid (posts, comments and forum
-- replies, with who, when and why), and knowledge_search, a narrow copy of each language
-- version's post columns that the access rule reads. Search joins the FTS5 match to this table by
-- the text's id instead of to knowledge_texts (whose rows carry the whole body, so reading a few
-- thousand of them for the rule went to disk) and knowledge_posts. Triggers keep it in step; it
-- is derived data, rebuilt after a copy like the FTS5 tables (internal/store/copy.go).

ALTER TABLE knowledge_posts ADD COLUMN hidden_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE knowledge_posts ADD COLUMN hidden_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE knowledge_posts ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE knowledge_comments ADD COLUMN hidden_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE knowledge_comments ADD COLUMN hidden_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE knowledge_comments ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE knowledge_search (
    id           INTEGER PRIMARY KEY,   -- knowledge_texts.id = the FTS5 rowid
    post_id      INTEGER NOT NULL,
    centre_id    INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    topic_id     INTEGER NOT NULL,
    owner_org_id INTEGER NOT NULL,
    created_by   INTEGER NOT NULL,
    tlp          TEXT    NOT NULL,
    aud_kind     TEXT    NOT NULL,
    aud_orgs     TEXT    NOT NULL,
    aud_people   TEXT    NOT NULL,
    aud_country  TEXT    NOT NULL,
    aud_region   TEXT    NOT NULL,
    aud_size     TEXT    NOT NULL,
    hidden_at    INTEGER NOT NULL
);
CREATE INDEX knowledge_search_post ON knowledge_search(post_id);
INSERT INTO knowledge_search SELECT x.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id, k.created_by, k.tlp, k.aud_kind,
    k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at
    FROM knowledge_texts x JOIN knowledge_posts k ON k.id = x.post_id;

CREATE TRIGGER knowledge_search_ai AFTER INSERT ON knowledge_texts BEGIN
    INSERT OR REPLACE INTO knowledge_search SELECT new.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id, k.created_by, k.tlp,
        k.aud_kind, k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at
        FROM knowledge_posts k WHERE k.id = new.post_id;
END;
CREATE TRIGGER knowledge_search_ad AFTER DELETE ON knowledge_texts BEGIN
    DELETE FROM knowledge_search WHERE id = old.id;
END;
CREATE TRIGGER knowledge_search_au AFTER UPDATE OF post_id ON knowledge_texts BEGIN
    DELETE FROM knowledge_search WHERE id = old.id;
    INSERT OR REPLACE INTO knowledge_search SELECT new.id, k.id, k.centre_id, k.kind, k.topic_id, k.owner_org_id, k.created_by, k.tlp,
        k.aud_kind, k.aud_orgs, k.aud_people, k.aud_country, k.aud_region, k.aud_size, k.hidden_at
        FROM knowledge_posts k WHERE k.id = new.post_id;
END;
CREATE TRIGGER knowledge_search_post_au AFTER UPDATE OF centre_id, kind, topic_id, owner_org_id, created_by, tlp, aud_kind, aud_orgs,
    aud_people, aud_country, aud_region, aud_size, hidden_at ON knowledge_posts BEGIN
    UPDATE knowledge_search SET centre_id = new.centre_id, kind = new.kind, topic_id = new.topic_id, owner_org_id = new.owner_org_id,
        created_by = new.created_by, tlp = new.tlp, aud_kind = new.aud_kind, aud_orgs = new.aud_orgs, aud_people = new.aud_people,
        aud_country = new.aud_country, aud_region = new.aud_region, aud_size = new.aud_size, hidden_at = new.hidden_at
        WHERE post_id = new.id;
END;
CREATE TRIGGER knowledge_search_post_ad AFTER DELETE ON knowledge_posts BEGIN
    DELETE FROM knowledge_search WHERE post_id = old.id;
END;
