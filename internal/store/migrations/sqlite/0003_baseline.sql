-- Baseline: question frameworks, annual rounds, each member's assessment, answers with their
-- history and evidence, and delegation of questions.
CREATE TABLE frameworks (
    id         INTEGER PRIMARY KEY,
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    fid        TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    questions  INTEGER NOT NULL,
    source     TEXT    NOT NULL, -- the canonical YAML; parsed once per process and cached
    builtin    INTEGER NOT NULL DEFAULT 0,
    draft      INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (centre_id, fid, version)
);

CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER NOT NULL REFERENCES orgs(id),
    year         INTEGER NOT NULL,
    framework_id INTEGER NOT NULL REFERENCES frameworks(id),
    title        TEXT    NOT NULL,
    opens_at     INTEGER NOT NULL,
    closes_at    INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    closed_at    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX rounds_centre ON rounds(centre_id, year);

CREATE TABLE assessments (
    id                INTEGER PRIMARY KEY,
    round_id          INTEGER NOT NULL REFERENCES rounds(id),
    org_id            INTEGER NOT NULL REFERENCES orgs(id),
    status            TEXT    NOT NULL CHECK (status IN ('open', 'submitted', 'closed', 'reopened')),
    submitted_at      INTEGER NOT NULL DEFAULT 0,
    submitted_by      INTEGER NOT NULL DEFAULT 0,
    reopened_until    INTEGER NOT NULL DEFAULT 0,
    reopen_reason     TEXT    NOT NULL DEFAULT '',
    benchmark_opt_out INTEGER NOT NULL DEFAULT 0,
    units             TEXT    NOT NULL DEFAULT '', -- ids of the units answering unit questions, comma-separated
    updated_at        INTEGER NOT NULL,
    UNIQUE (round_id, org_id)
);
CREATE INDEX assessments_org ON assessments(org_id);

CREATE TABLE answers (
    id             INTEGER PRIMARY KEY,
    assessment_id  INTEGER NOT NULL REFERENCES assessments(id),
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    question_id    TEXT    NOT NULL,
    unit_id        INTEGER NOT NULL DEFAULT 0, -- 0 for organisation-wide questions
    value          TEXT    NOT NULL DEFAULT '',
    comment        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT 'answered' CHECK (status IN ('answered', 'approved', 'returned')),
    review_comment TEXT    NOT NULL DEFAULT '',
    answered_by    INTEGER NOT NULL DEFAULT 0,
    answered_at    INTEGER NOT NULL DEFAULT 0,
    reviewed_by    INTEGER NOT NULL DEFAULT 0,
    reviewed_at    INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (assessment_id, question_id, unit_id)
);
CREATE INDEX answers_org ON answers(org_id, assessment_id);

CREATE TABLE answer_history (
    id             INTEGER PRIMARY KEY,
    answer_id      INTEGER NOT NULL REFERENCES answers(id),
    org_id         INTEGER NOT NULL,
    at             INTEGER NOT NULL,
    user_id        INTEGER NOT NULL DEFAULT 0,
    action         TEXT    NOT NULL,
    value          TEXT    NOT NULL DEFAULT '',
    comment        TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL DEFAULT '',
    review_comment TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX answer_history_answer ON answer_history(answer_id, id);

CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    answer_id    INTEGER NOT NULL REFERENCES answers(id),
    org_id       INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('file', 'link')),
    name         TEXT    NOT NULL,
    url          TEXT    NOT NULL DEFAULT '',
    content_type TEXT    NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT    NOT NULL DEFAULT '',
    data         BLOB,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX evidence_answer ON evidence(org_id, answer_id);

CREATE TABLE delegations (
    id               INTEGER PRIMARY KEY,
    assessment_id    INTEGER NOT NULL REFERENCES assessments(id),
    org_id           INTEGER NOT NULL,
    scope_kind       TEXT    NOT NULL CHECK (scope_kind IN ('question', 'area', 'department')),
    scope_ref        TEXT    NOT NULL DEFAULT '',
    assignee_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    assignee_unit_id INTEGER REFERENCES units(id) ON DELETE CASCADE,
    unit_id          INTEGER NOT NULL DEFAULT 0, -- the unit whose unit-question answers it covers
    due              INTEGER NOT NULL DEFAULT 0,
    note             TEXT    NOT NULL DEFAULT '',
    created_by       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);
CREATE INDEX delegations_assessment ON delegations(org_id, assessment_id);
CREATE INDEX delegations_user ON delegations(assignee_user_id);
CREATE INDEX delegations_unit ON delegations(assignee_unit_id);

-- Reminders already sent, so that each goes out once.
CREATE TABLE baseline_reminders (
    round_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id, kind)
);
