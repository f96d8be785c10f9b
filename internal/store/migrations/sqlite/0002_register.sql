-- Register: systems, owners, components, risk. Times are Unix milliseconds.

-- What the centre sees of a member's register: nothing, counts or details.
ALTER TABLE orgs ADD COLUMN register_sharing TEXT NOT NULL DEFAULT 'counts';

CREATE TABLE systems (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES orgs(id),
    name             TEXT    NOT NULL,
    name_key         TEXT    NOT NULL, -- lower-cased name: one system of a name per member
    description      TEXT    NOT NULL DEFAULT '',
    system_owner_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    data_owner_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    unit_id          INTEGER REFERENCES units(id) ON DELETE SET NULL,
    vendor           TEXT    NOT NULL DEFAULT '',
    product          TEXT    NOT NULL DEFAULT '',
    version          TEXT    NOT NULL DEFAULT '',
    cpe              TEXT    NOT NULL DEFAULT '',
    purl             TEXT    NOT NULL DEFAULT '',
    hosting          TEXT    NOT NULL DEFAULT '',
    supplier         TEXT    NOT NULL DEFAULT '',
    dpa_status       TEXT    NOT NULL DEFAULT '',
    dpa_date         INTEGER NOT NULL DEFAULT 0,
    dpa_review       INTEGER NOT NULL DEFAULT 0,
    personal_data    INTEGER NOT NULL DEFAULT 0, -- bit set: 1 ordinary, 2 sensitive, 4 national ID numbers
    confidentiality  INTEGER NOT NULL DEFAULT 0, -- 0 not assessed, 1 low .. 4 very high
    integrity        INTEGER NOT NULL DEFAULT 0,
    availability     INTEGER NOT NULL DEFAULT 0,
    rto_minutes      INTEGER NOT NULL DEFAULT 0,
    rpo_minutes      INTEGER NOT NULL DEFAULT 0,
    internet_exposed INTEGER NOT NULL DEFAULT 0,
    tags             TEXT    NOT NULL DEFAULT '', -- ",tag,other," so that one tag is found with LIKE
    notes            TEXT    NOT NULL DEFAULT '',
    components       INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (org_id, name_key)
);
CREATE INDEX systems_org_name ON systems(org_id, name_key);
CREATE INDEX systems_owner ON systems(org_id, system_owner_id);
CREATE INDEX systems_data_owner ON systems(org_id, data_owner_id);
CREATE INDEX systems_unit ON systems(org_id, unit_id);
CREATE INDEX systems_product ON systems(product, vendor);

-- Components from a system's SBOM; an import replaces the whole set.
CREATE TABLE components (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    system_id  INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    version    TEXT    NOT NULL DEFAULT '',
    purl       TEXT    NOT NULL DEFAULT '',
    cpe        TEXT    NOT NULL DEFAULT '',
    licence    TEXT    NOT NULL DEFAULT '',
    kind       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX components_system ON components(org_id, system_id);
CREATE INDEX components_purl ON components(purl);

-- Risk matrices: the centre's is the reference; a member's own must map onto it.
CREATE TABLE risk_matrices (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs(id),
    definition TEXT    NOT NULL, -- JSON: levels, labels in da/nb/en, thresholds, mapping
    updated_at INTEGER NOT NULL
);

-- A member's own threats, next to the built-in catalogue.
CREATE TABLE threats (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    title       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, title)
);

CREATE TABLE risk_assessments (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES orgs(id),
    system_id            INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    threat               TEXT    NOT NULL, -- a built-in key, or "own:ID"
    scenario             TEXT    NOT NULL DEFAULT '',
    likelihood           INTEGER NOT NULL,
    consequence          INTEGER NOT NULL,
    residual_likelihood  INTEGER NOT NULL DEFAULT 0,
    residual_consequence INTEGER NOT NULL DEFAULT 0,
    accepted_by          TEXT    NOT NULL DEFAULT '',
    accepted_user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    accepted_at          INTEGER NOT NULL DEFAULT 0,
    accept_reason        TEXT    NOT NULL DEFAULT '',
    review_months        INTEGER NOT NULL DEFAULT 12,
    next_review          INTEGER NOT NULL DEFAULT 0,
    created_by           INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX risk_assessments_system ON risk_assessments(org_id, system_id);
CREATE INDEX risk_assessments_review ON risk_assessments(next_review);

CREATE TABLE treatments (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    assessment_id INTEGER NOT NULL REFERENCES risk_assessments(id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    owner_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    due           INTEGER NOT NULL DEFAULT 0,
    done_at       INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX treatments_assessment ON treatments(org_id, assessment_id);

-- Review reminders already queued: one per assessment and review date.
CREATE TABLE risk_reminders (
    assessment_id INTEGER NOT NULL REFERENCES risk_assessments(id) ON DELETE CASCADE,
    due           INTEGER NOT NULL,
    sent_at       INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, due)
);

-- Spreadsheet imports in progress: the uploaded file, the column mapping and the outcome.
CREATE TABLE register_imports (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    user_id    INTEGER NOT NULL DEFAULT 0,
    filename   TEXT    NOT NULL,
    data       BLOB NOT NULL,
    mapping    TEXT    NOT NULL DEFAULT '',
    status     TEXT    NOT NULL DEFAULT 'uploaded',
    rows_total INTEGER NOT NULL DEFAULT 0,
    result     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX register_imports_org ON register_imports(org_id, id);

-- A system's history is read from the audit log.
CREATE INDEX audit_log_object ON audit_log(org_id, object_type, object_id);
