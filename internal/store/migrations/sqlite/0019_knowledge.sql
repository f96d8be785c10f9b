-- Knowledge sharing (issue 15): the knowledge base's posts and the forum's threads, their language
-- versions (searched with FTS5), earlier versions, comments and replies, "useful" marks, topics
-- and who follows them, attachments, which members may author, and the search indexes over
-- advisories and framework guidance. Times are Unix milliseconds.

CREATE TABLE knowledge_topics (
    id         INTEGER PRIMARY KEY,
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    name_da    TEXT    NOT NULL DEFAULT '',
    name_nb    TEXT    NOT NULL DEFAULT '',
    name_en    TEXT    NOT NULL DEFAULT '',
    forum      INTEGER NOT NULL DEFAULT 0,   -- holds the forum's threads
    created_at INTEGER NOT NULL
);
CREATE INDEX knowledge_topics_centre ON knowledge_topics(centre_id, forum);

-- The members whose coordinators may write in the knowledge base (the centre's setting).
CREATE TABLE knowledge_authors (
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (centre_id, org_id)
);

CREATE TABLE knowledge_posts (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER NOT NULL REFERENCES orgs(id),  -- the community
    owner_org_id INTEGER NOT NULL REFERENCES orgs(id),  -- the author's organisation
    created_by   INTEGER NOT NULL DEFAULT 0,
    kind         TEXT    NOT NULL,                      -- post, document, template, news, thread
    topic_id     INTEGER NOT NULL DEFAULT 0,
    lang         TEXT    NOT NULL DEFAULT 'da',         -- the language first written in
    title        TEXT    NOT NULL,                      -- the original's title, for lists
    version      INTEGER NOT NULL DEFAULT 1,
    updated_by   INTEGER NOT NULL DEFAULT 0,                -- who wrote the current version
    tlp          TEXT    NOT NULL DEFAULT '',
    aud_kind     TEXT    NOT NULL DEFAULT '',
    aud_orgs     TEXT    NOT NULL DEFAULT '',
    aud_people   TEXT    NOT NULL DEFAULT '',
    aud_country  TEXT    NOT NULL DEFAULT '',
    aud_region   TEXT    NOT NULL DEFAULT '',
    aud_size     TEXT    NOT NULL DEFAULT '',
    useful       INTEGER NOT NULL DEFAULT 0,
    comments     INTEGER NOT NULL DEFAULT 0,
    attachments  INTEGER NOT NULL DEFAULT 0,
    last_at      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX knowledge_posts_list ON knowledge_posts(centre_id, kind, last_at);
CREATE INDEX knowledge_posts_topic ON knowledge_posts(topic_id, last_at);

CREATE TABLE knowledge_texts (
    id      INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES knowledge_posts(id) ON DELETE CASCADE,
    lang    TEXT    NOT NULL,
    title   TEXT    NOT NULL,
    body    TEXT    NOT NULL DEFAULT '',
    UNIQUE (post_id, lang)
);

-- No Danish or Norwegian stemmer exists for FTS5: unicode61 keeps æ, ø and å, and the store
-- matches every word as a prefix (docs/knowledge.md).
CREATE VIRTUAL TABLE knowledge_texts_fts USING fts5(title, body, content='knowledge_texts', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0');
CREATE TRIGGER knowledge_texts_ai AFTER INSERT ON knowledge_texts BEGIN
    INSERT INTO knowledge_texts_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER knowledge_texts_ad AFTER DELETE ON knowledge_texts BEGIN
    INSERT INTO knowledge_texts_fts(knowledge_texts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER knowledge_texts_au AFTER UPDATE ON knowledge_texts BEGIN
    INSERT INTO knowledge_texts_fts(knowledge_texts_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO knowledge_texts_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;

-- Every edit keeps the version it replaces.
CREATE TABLE knowledge_versions (
    post_id   INTEGER NOT NULL REFERENCES knowledge_posts(id) ON DELETE CASCADE,
    version   INTEGER NOT NULL,
    texts     TEXT    NOT NULL,                -- JSON: lang → {title, body}
    tlp       TEXT    NOT NULL DEFAULT '',
    audience  TEXT    NOT NULL DEFAULT '',
    edited_by INTEGER NOT NULL DEFAULT 0,
    edited_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, version)
);

CREATE TABLE knowledge_comments (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES knowledge_posts(id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    author_id  INTEGER NOT NULL DEFAULT 0,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX knowledge_comments_post ON knowledge_comments(post_id, created_at);

CREATE TABLE knowledge_useful (
    post_id    INTEGER NOT NULL REFERENCES knowledge_posts(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE knowledge_follows (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    topic_id   INTEGER NOT NULL REFERENCES knowledge_topics(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id, topic_id)
);
CREATE INDEX knowledge_follows_topic ON knowledge_follows(topic_id);

CREATE TABLE knowledge_attachments (
    id         INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES knowledge_posts(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB    NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX knowledge_attachments_post ON knowledge_attachments(post_id);

-- Framework guidance as search sees it: one row per question and language, rebuilt when the
-- framework changes (fw_updated).
CREATE TABLE knowledge_guidance (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER NOT NULL,
    framework_id INTEGER NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    fw_updated   INTEGER NOT NULL,
    qid          TEXT    NOT NULL,
    lang         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX knowledge_guidance_fw ON knowledge_guidance(framework_id);
CREATE VIRTUAL TABLE knowledge_guidance_fts USING fts5(title, body, content='knowledge_guidance', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0');
CREATE TRIGGER knowledge_guidance_ai AFTER INSERT ON knowledge_guidance BEGIN
    INSERT INTO knowledge_guidance_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER knowledge_guidance_ad AFTER DELETE ON knowledge_guidance BEGIN
    INSERT INTO knowledge_guidance_fts(knowledge_guidance_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;

-- Advisories, searched by their title, summary and the analysts' texts.
CREATE VIRTUAL TABLE advisories_fts USING fts5(title, summary, texts, content='advisories', content_rowid='id',
    tokenize='unicode61 remove_diacritics 0');
INSERT INTO advisories_fts(advisories_fts) VALUES ('rebuild');
CREATE TRIGGER advisories_fts_ai AFTER INSERT ON advisories BEGIN
    INSERT INTO advisories_fts(rowid, title, summary, texts) VALUES (new.id, new.title, new.summary, new.texts);
END;
CREATE TRIGGER advisories_fts_ad AFTER DELETE ON advisories BEGIN
    INSERT INTO advisories_fts(advisories_fts, rowid, title, summary, texts) VALUES ('delete', old.id, old.title, old.summary, old.texts);
END;
CREATE TRIGGER advisories_fts_au AFTER UPDATE OF title, summary, texts ON advisories BEGIN
    INSERT INTO advisories_fts(advisories_fts, rowid, title, summary, texts) VALUES ('delete', old.id, old.title, old.summary, old.texts);
    INSERT INTO advisories_fts(rowid, title, summary, texts) VALUES (new.id, new.title, new.summary, new.texts);
END;
