-- Incidents (issue 13): cases, their timeline, tasks, links, regimes and deadlines, submitted
-- reports, lessons learned, observables, the centre's regime settings, and the indicator store
-- that the sensors module (issue 14) reuses. Times are Unix milliseconds, 0 for "not yet".

CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    started_at     INTEGER NOT NULL DEFAULT 0,
    aware_at       INTEGER NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'new', -- new, triage, in_progress, contained, resolved, closed
    handler_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    severity       INTEGER NOT NULL DEFAULT 0,     -- 0 not assessed, 1 low .. 4 critical
    cause          TEXT    NOT NULL DEFAULT '',    -- NIS Cooperation Group root-cause category
    classification TEXT    NOT NULL DEFAULT '',    -- RSIT class/type
    personal_data  INTEGER NOT NULL DEFAULT 0,
    pd_categories  INTEGER NOT NULL DEFAULT 0,     -- bit set as systems.personal_data
    pd_count       INTEGER NOT NULL DEFAULT 0,
    high_risk      INTEGER NOT NULL DEFAULT 0,     -- high risk to the people concerned (GDPR art. 34)
    cross_border   INTEGER NOT NULL DEFAULT 0,
    services       TEXT    NOT NULL DEFAULT '',
    sector         TEXT    NOT NULL DEFAULT 'public_administration',
    tlp            TEXT    NOT NULL DEFAULT '',    -- how the centre may pass the case on: data, not an access label
    reported       INTEGER NOT NULL DEFAULT 0,     -- reported to the centre: the access rule's "Reported"
    reported_at    INTEGER NOT NULL DEFAULT 0,
    reported_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    ack_at         INTEGER NOT NULL DEFAULT 0,
    contained_at   INTEGER NOT NULL DEFAULT 0,
    resolved_at    INTEGER NOT NULL DEFAULT 0,
    closed_at      INTEGER NOT NULL DEFAULT 0,
    next_due       INTEGER NOT NULL DEFAULT 0,     -- earliest deadline not met, 0 none: kept for lists
    sort_due       INTEGER NOT NULL DEFAULT 9223372036854775807, -- next_due, or the largest value when none: the lists' order
    is_open        INTEGER NOT NULL DEFAULT 1, -- status is not resolved or closed
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX incidents_org_open ON incidents(org_id, is_open, sort_due, id);
CREATE INDEX incidents_org_due ON incidents(org_id, sort_due, id);
CREATE INDEX incidents_org_status ON incidents(org_id, status);
CREATE INDEX incidents_reported ON incidents(is_open, sort_due, id) WHERE reported = 1;

CREATE TABLE incident_systems (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    system_id   INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, system_id)
);

CREATE TABLE incident_units (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, unit_id)
);

-- The timeline. org_id is who wrote the entry (the member or the centre); internal entries are
-- the member's only and never reach the centre (the store's predicate, not a filter in Go).
CREATE TABLE incident_entries (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at          INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    internal    INTEGER NOT NULL DEFAULT 0,
    file_name   TEXT    NOT NULL DEFAULT '',
    file_type   TEXT    NOT NULL DEFAULT '',
    file_size   INTEGER NOT NULL DEFAULT 0,
    file        BLOB
);
CREATE INDEX incident_entries_case ON incident_entries(incident_id, at);

CREATE TABLE incident_tasks (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    title       TEXT    NOT NULL,
    owner_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due         INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX incident_tasks_case ON incident_tasks(incident_id);

-- Links between two cases of one member; stored once per direction.
CREATE TABLE incident_links (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    other_id    INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    note        TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (incident_id, other_id)
);

-- The regimes on a case: applied because they fit (auto), or added or removed by the handler with
-- a reason. requested_at is when the authority asked for a report "on request".
CREATE TABLE incident_regimes (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    regime       TEXT    NOT NULL,
    auto         INTEGER NOT NULL DEFAULT 0,
    removed      INTEGER NOT NULL DEFAULT 0,
    reason       TEXT    NOT NULL DEFAULT '',
    by_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    at           INTEGER NOT NULL,
    requested_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, regime)
);

-- Each case's deadlines as the rules computed them in the transaction that last changed the case
-- (due_at 0: waiting for its trigger), so lists and reminders read them without computing.
CREATE TABLE incident_deadlines (
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    regime       TEXT    NOT NULL,
    step         TEXT    NOT NULL,
    due_at       INTEGER NOT NULL DEFAULT 0,
    submitted_at INTEGER NOT NULL DEFAULT 0,
    legal        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, regime, step)
);
CREATE INDEX incident_deadlines_due ON incident_deadlines(due_at) WHERE submitted_at = 0 AND due_at > 0;
CREATE INDEX incident_deadlines_org ON incident_deadlines(org_id, due_at) WHERE submitted_at = 0 AND due_at > 0;

CREATE TABLE incident_reports (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    regime       TEXT    NOT NULL,
    step         TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL,
    by_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reference    TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX incident_reports_case ON incident_reports(incident_id);

-- The review at closing; published_* is the centre's anonymised version for the knowledge base.
CREATE TABLE incident_lessons (
    incident_id  INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    went_well    TEXT    NOT NULL DEFAULT '',
    went_badly   TEXT    NOT NULL DEFAULT '',
    actions      TEXT    NOT NULL DEFAULT '',
    written_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    written_at   INTEGER NOT NULL,
    published    INTEGER NOT NULL DEFAULT 0,
    published_at INTEGER NOT NULL DEFAULT 0,
    published_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    public_title TEXT    NOT NULL DEFAULT '',
    public_text  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX incident_lessons_published ON incident_lessons(published_at) WHERE published = 1;

CREATE TABLE incident_observables (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    type         TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    indicator_id INTEGER,
    UNIQUE (incident_id, type, value)
);

-- The centre's incident settings (internal/incident.Settings as JSON): lengths, own regimes,
-- reminder points.
CREATE TABLE incident_settings (
    centre_id  INTEGER PRIMARY KEY REFERENCES orgs(id),
    settings   TEXT    NOT NULL,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);

-- Indicators: observables shared with a TLP label and an audience (docs/access.md), by a member
-- from a case or by the centre; the sensors module (issue 14) writes its sightings here too.
-- type is ip, cidr, domain, url, md5, sha1, sha256, email or ja3; value is normalised
-- (internal/incident.ParseObservable), so one (org, type, value) is one row. source says where it
-- came from (incident, sensor, feed, manual) and source_id the object (an incident's id).
-- audience_* are the columns access.Where reads (audience_orgs and _people as ",1,2,").
CREATE TABLE indicators (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    type             TEXT    NOT NULL,
    value            TEXT    NOT NULL,
    source           TEXT    NOT NULL DEFAULT 'manual',
    source_id        INTEGER NOT NULL DEFAULT 0,
    confidence       INTEGER NOT NULL DEFAULT 50,  -- 0-100
    first_seen       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL DEFAULT 0,   -- 0 never
    tlp              TEXT    NOT NULL DEFAULT '',
    audience_kind    TEXT    NOT NULL DEFAULT '',
    audience_orgs    TEXT    NOT NULL DEFAULT '',
    audience_people  TEXT    NOT NULL DEFAULT '',
    audience_country TEXT    NOT NULL DEFAULT '',
    audience_region  TEXT    NOT NULL DEFAULT '',
    audience_size    TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (org_id, type, value)
);
CREATE INDEX indicators_value ON indicators(type, value);
CREATE INDEX indicators_seen ON indicators(last_seen);
