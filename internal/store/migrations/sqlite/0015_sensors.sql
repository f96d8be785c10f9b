-- Sensors (issue 14): members' network sensors, and the hourly sightings of indicators that
-- correlation reads (the 13-month aggregate class). Ingest's own tables (batches, alerts) follow
-- below. Times are Unix milliseconds.

CREATE TABLE sensors (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    unit_id     INTEGER REFERENCES units(id) ON DELETE SET NULL,
    name        TEXT   NOT NULL,
    site        TEXT   NOT NULL DEFAULT '',
    type        TEXT   NOT NULL DEFAULT 'suricata',
    token_hash  TEXT   NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER NOT NULL DEFAULT 0,
    last_seen   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, name)
);

-- One member saw one indicator in one hour bucket. Ingest adds to it in the transaction that
-- stores the alerts; correlation reads the recent buckets.
CREATE TABLE sensor_sightings (
    kind         TEXT   NOT NULL,
    value        TEXT   NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    hour         INTEGER NOT NULL,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    count        INTEGER NOT NULL DEFAULT 0,
    signature_id INTEGER NOT NULL DEFAULT 0,
    signature    TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (kind, value, org_id, hour)
);
CREATE INDEX sensor_sightings_seen ON sensor_sightings(last_seen);
CREATE INDEX sensor_sightings_org ON sensor_sightings(org_id, hour);
