-- Results: each assessment's stored scores, the anonymous benchmark aggregates of closed rounds, and
-- the members' action plans.

-- The scoring (baseline.Result as JSON) of one assessment, stored when it is submitted and when its
-- round closes. Member-level: only the member's own pages read it.
CREATE TABLE assessment_results (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    round_id      INTEGER NOT NULL REFERENCES rounds(id),
    overall       REAL,             -- NULL when no answer counts
    result        TEXT    NOT NULL, -- baseline.Result as JSON
    scores        TEXT    NOT NULL DEFAULT '', -- question scores, compact (results.EncodeScores), for trends
    trend         TEXT    NOT NULL DEFAULT '', -- the trend up to this round in its framework (JSON), computed when stored
    computed_at   INTEGER NOT NULL
);
CREATE INDEX assessment_results_org ON assessment_results(org_id, round_id);
CREATE INDEX assessment_results_round ON assessment_results(round_id);

-- When a round's aggregates were computed, with which k, and the participation counts.
CREATE TABLE round_stats (
    round_id    INTEGER PRIMARY KEY REFERENCES rounds(id),
    centre_id   INTEGER NOT NULL REFERENCES orgs(id),
    k           INTEGER NOT NULL,
    invited     INTEGER NOT NULL,
    submitted   INTEGER NOT NULL,
    included    INTEGER NOT NULL, -- submitted and not opted out
    opted_out   INTEGER NOT NULL,
    computed_at INTEGER NOT NULL
);

-- Anonymous aggregates per round, group and focus area (area '' is the overall score). A group
-- with fewer than k members, or suppressed so that it cannot be computed from the others, keeps
-- only its count for the suppression rules (never shown) and no figures.
CREATE TABLE round_aggregates (
    round_id   INTEGER NOT NULL REFERENCES rounds(id),
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    grp        TEXT    NOT NULL, -- all, country:DK, size:small, region:NAME
    area       TEXT    NOT NULL DEFAULT '',
    n          INTEGER NOT NULL,
    suppressed INTEGER NOT NULL DEFAULT 0,
    min        REAL,
    q1         REAL,
    median     REAL,
    q3         REAL,
    max        REAL,
    mean       REAL,
    PRIMARY KEY (round_id, grp, area)
);

-- The action plan: tasks made from recommendations.
CREATE TABLE actions (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    question_id   TEXT    NOT NULL DEFAULT '',
    unit_id       INTEGER NOT NULL DEFAULT 0,
    title         TEXT    NOT NULL,
    owner_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due           INTEGER NOT NULL DEFAULT 0,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'in-progress', 'done')),
    note          TEXT    NOT NULL DEFAULT '',
    created_by    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    done_at       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX actions_org ON actions(org_id, assessment_id);
