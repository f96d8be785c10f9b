-- The indicator store (issue 14, item 5): what analysts write about an indicator, where an
-- imported one came from, and the import batches with their preview (what a confirmed import
-- will create, update or refuse). Times are Unix milliseconds.

ALTER TABLE indicators ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN category TEXT NOT NULL DEFAULT '';      -- e.g. c2, phishing, malware, scanning
ALTER TABLE indicators ADD COLUMN external_id TEXT NOT NULL DEFAULT '';   -- the STIX id or MISP attribute uuid it was imported from
ALTER TABLE indicators ADD COLUMN import_id INTEGER NOT NULL DEFAULT 0;   -- the indicator_imports row that last wrote it
CREATE INDEX indicators_org_updated ON indicators(org_id, updated_at);
CREATE INDEX indicators_updated ON indicators(updated_at, id);

-- An uploaded STIX bundle or MISP event: status 'preview' until an analyst confirms it ('done')
-- or throws it away ('cancelled'). items and refused hold the parsed candidates as JSON, so the
-- confirmation writes exactly what the preview showed.
CREATE TABLE indicator_imports (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    format           TEXT    NOT NULL,
    file_name        TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'preview',
    items            TEXT    NOT NULL DEFAULT '[]',
    refused          TEXT    NOT NULL DEFAULT '[]',
    tlp              TEXT    NOT NULL DEFAULT '',
    audience_kind    TEXT    NOT NULL DEFAULT '',
    audience_orgs    TEXT    NOT NULL DEFAULT '',
    audience_people  TEXT    NOT NULL DEFAULT '',
    audience_country TEXT    NOT NULL DEFAULT '',
    audience_region  TEXT    NOT NULL DEFAULT '',
    audience_size    TEXT    NOT NULL DEFAULT '',
    created_count    INTEGER NOT NULL DEFAULT 0,
    updated_count    INTEGER NOT NULL DEFAULT 0,
    refused_count    INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    done_at          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX indicator_imports_org ON indicator_imports(org_id, id);
