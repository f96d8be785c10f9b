-- Early warnings (issue 14): indicators that k members' sensors saw within a window, found by the
-- sensor.correlate job from sensor_sightings. One row per indicator and burst: re-running the
-- correlation updates it (members, last seen) and never duplicates it. No pairs of members are
-- ever stored; the member set is one row per member. Times are Unix milliseconds.

CREATE TABLE early_warnings (
    id            INTEGER PRIMARY KEY,
    centre_id     INTEGER NOT NULL REFERENCES orgs(id),
    kind          TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    signature_id  INTEGER NOT NULL DEFAULT 0,
    signature     TEXT    NOT NULL DEFAULT '',
    members       INTEGER NOT NULL DEFAULT 0,
    alerts        INTEGER NOT NULL DEFAULT 0,
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open',
    suppressed_by TEXT    NOT NULL DEFAULT '',
    reason        TEXT    NOT NULL DEFAULT '',
    advisory_id   INTEGER NOT NULL DEFAULT 0,
    indicator_id  INTEGER NOT NULL DEFAULT 0,
    decided_by    INTEGER NOT NULL DEFAULT 0,
    k             INTEGER NOT NULL DEFAULT 3,
    window_ms     INTEGER NOT NULL DEFAULT 3600000,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (centre_id, kind, value, first_seen)
);
CREATE INDEX early_warnings_indicator ON early_warnings(centre_id, kind, value, last_seen);
CREATE INDEX early_warnings_status ON early_warnings(centre_id, status, last_seen);

-- The members that saw an early warning's indicator: what "early warnings that concern us" reads.
CREATE TABLE early_warning_members (
    warning_id  INTEGER NOT NULL REFERENCES early_warnings(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (warning_id, org_id)
);
CREATE INDEX early_warning_members_org ON early_warning_members(org_id, warning_id);

-- The centre's correlation settings: k members (signature_k for signature ids) within window_ms. The job also touches last_run
-- first in its transaction, which serialises correlation runs across app nodes.
CREATE TABLE sensor_correlation_settings (
    centre_id   INTEGER PRIMARY KEY REFERENCES orgs(id),
    k           INTEGER NOT NULL DEFAULT 3,
    signature_k INTEGER NOT NULL DEFAULT 10,
    window_ms   INTEGER NOT NULL DEFAULT 3600000,
    last_run    INTEGER NOT NULL DEFAULT 0,
    updated_by  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0
);

-- Warninglists of benign infrastructure in MISP's format (the list itself as JSON).
CREATE TABLE sensor_warninglists (
    id          INTEGER PRIMARY KEY,
    centre_id   INTEGER NOT NULL REFERENCES orgs(id),
    name        TEXT    NOT NULL,
    version     INTEGER NOT NULL DEFAULT 0,
    description TEXT    NOT NULL DEFAULT '',
    type        TEXT    NOT NULL,
    entries     TEXT    NOT NULL,
    attributes  TEXT    NOT NULL DEFAULT '[]',
    size        INTEGER NOT NULL DEFAULT 0,
    builtin     INTEGER NOT NULL DEFAULT 0,
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (centre_id, name)
);
