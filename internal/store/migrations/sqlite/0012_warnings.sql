-- Warnings (issue 12): advisories (imported from CISA KEV, CVE JSON 5 and CSAF 2.0, or written by
-- the centre's analysts), the products they name, and exposures: one member system (or one of its
-- SBOM components) matched by one advisory, with its life and its history. Times are Unix
-- milliseconds; 0 is "not set".

CREATE TABLE advisories (
    id              INTEGER PRIMARY KEY,
    owner_org_id    INTEGER NOT NULL REFERENCES orgs(id), -- the centre that imported or wrote it
    source          TEXT    NOT NULL,                     -- kev, cve, csaf, centre
    source_id       TEXT    NOT NULL,                     -- the CVE id, the CSAF tracking id, the centre's own
    source_version  TEXT    NOT NULL DEFAULT '',
    revision        INTEGER NOT NULL DEFAULT 0,           -- 1 at the first publication
    state           TEXT    NOT NULL DEFAULT 'draft',     -- draft, published, withdrawn
    title           TEXT    NOT NULL DEFAULT '',
    summary         TEXT    NOT NULL DEFAULT '',
    texts           TEXT    NOT NULL DEFAULT '{}',        -- JSON: the analyst's wording per language
    severity        TEXT    NOT NULL DEFAULT '',
    cvss            REAL    NOT NULL DEFAULT 0,
    cvss_vector     TEXT    NOT NULL DEFAULT '',
    cves            TEXT    NOT NULL DEFAULT '',          -- ",CVE-2024-1,CVE-2024-2,"
    actions         TEXT    NOT NULL DEFAULT '[]',        -- JSON: recommended actions
    refs            TEXT    NOT NULL DEFAULT '[]',        -- JSON: the URLs the source points to
    known_exploited INTEGER NOT NULL DEFAULT 0,
    ransomware      INTEGER NOT NULL DEFAULT 0,
    vex             INTEGER NOT NULL DEFAULT 0,
    override        TEXT    NOT NULL DEFAULT '',          -- ",6.1.1,6.1.8,": mandatory tests imported anyway
    source_published INTEGER NOT NULL DEFAULT 0,
    source_updated  INTEGER NOT NULL DEFAULT 0,
    due             INTEGER NOT NULL DEFAULT 0,           -- remediation deadline (KEV dueDate, the analyst's)
    raw             BLOB,                                 -- the document as received; NULL for the centre's own
    created_by      INTEGER NOT NULL DEFAULT 0,
    tlp             TEXT    NOT NULL DEFAULT '',
    aud_kind        TEXT    NOT NULL DEFAULT '',
    aud_orgs        TEXT    NOT NULL DEFAULT '',
    aud_people      TEXT    NOT NULL DEFAULT '',
    aud_country     TEXT    NOT NULL DEFAULT '',
    aud_region      TEXT    NOT NULL DEFAULT '',
    aud_size        TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    published_at    INTEGER NOT NULL DEFAULT 0,           -- when Værn published it (first time)
    withdrawn_at    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source, source_id)                            -- a re-import updates, never duplicates
);
CREATE INDEX advisories_state ON advisories(state, updated_at);

-- The products an advisory names, as the matcher reads them.
CREATE TABLE advisory_products (
    advisory_id   INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    product_key   TEXT    NOT NULL,
    vendor        TEXT    NOT NULL DEFAULT '',
    product       TEXT    NOT NULL DEFAULT '',
    cpe           TEXT    NOT NULL DEFAULT '',
    purl          TEXT    NOT NULL DEFAULT '',
    versions      TEXT    NOT NULL DEFAULT '[]',          -- JSON: version ranges
    status        TEXT    NOT NULL DEFAULT 'affected',
    justification TEXT    NOT NULL DEFAULT '',
    platform      INTEGER NOT NULL DEFAULT 0,
    cves          TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (advisory_id, seq)
);

-- Exposures: one system (or one SBOM component of it, by its name: components get new ids when an
-- SBOM is imported again) × one advisory. subject is "system" or "c:" and the component's name
-- key; range_key names the matched range, so that an acknowledgement survives a re-import.
CREATE TABLE exposures (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    system_id      INTEGER NOT NULL REFERENCES systems(id) ON DELETE CASCADE,
    component_id   INTEGER NOT NULL DEFAULT 0,
    component_name TEXT    NOT NULL DEFAULT '',
    subject        TEXT    NOT NULL,
    advisory_id    INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    product_key    TEXT    NOT NULL DEFAULT '',
    tier           TEXT    NOT NULL,                      -- exact, confirm, triage
    status         TEXT    NOT NULL DEFAULT 'new',
    evidence       TEXT    NOT NULL DEFAULT '',           -- the explanation in English
    evidence_json  TEXT    NOT NULL DEFAULT '',           -- its parts, to say it in the reader's language
    range_key      TEXT    NOT NULL DEFAULT '',
    reason         TEXT    NOT NULL DEFAULT '',
    accepted_by    INTEGER NOT NULL DEFAULT 0,
    accepted_until INTEGER NOT NULL DEFAULT 0,
    due            INTEGER NOT NULL DEFAULT 0,
    first_seen     INTEGER NOT NULL,
    acked_at       INTEGER NOT NULL DEFAULT 0,
    resolved_at    INTEGER NOT NULL DEFAULT 0,
    escalated_at   INTEGER NOT NULL DEFAULT 0,
    updated_by     INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    UNIQUE (system_id, advisory_id, subject)
);
CREATE INDEX exposures_org ON exposures(org_id, status, due);
CREATE INDEX exposures_org_system ON exposures(org_id, system_id);
CREATE INDEX exposures_advisory ON exposures(advisory_id, org_id);
CREATE INDEX exposures_due ON exposures(due, escalated_at);

-- What happened to each exposure: opened, reopened, a status set by a person, closed by Værn,
-- escalated. notified is set when its notifications were written (by the warnings.notify job).
CREATE TABLE exposure_events (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    exposure_id INTEGER NOT NULL REFERENCES exposures(id) ON DELETE CASCADE,
    advisory_id INTEGER NOT NULL,
    system_id   INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    from_status TEXT    NOT NULL DEFAULT '',
    to_status   TEXT    NOT NULL DEFAULT '',
    tier        TEXT    NOT NULL DEFAULT '',
    actor_id    INTEGER NOT NULL DEFAULT 0,
    note        TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    notified    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exposure_events_exposure ON exposure_events(exposure_id, id);
CREATE INDEX exposure_events_advisory ON exposure_events(advisory_id, at);
CREATE INDEX exposure_events_pending ON exposure_events(notified, id);

-- Feeds the warnings.feed job fetches: the CISA KEV catalogue or a CSAF provider's metadata.
CREATE TABLE warning_feeds (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,                        -- kev, csaf
    url          TEXT    NOT NULL UNIQUE,
    enabled      INTEGER NOT NULL DEFAULT 1,
    known        TEXT    NOT NULL DEFAULT '{}',           -- JSON: what the last fetch saw (CSAF documents and their versions)
    last_fetched INTEGER NOT NULL DEFAULT 0,
    last_result  TEXT    NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

-- A product name from the registers confirmed once as a CPE or purl: every member's system of
-- that name gets the suggestion.
CREATE TABLE product_mappings (
    id           INTEGER PRIMARY KEY,
    name_key     TEXT    NOT NULL UNIQUE,                 -- the normalised product name
    name         TEXT    NOT NULL,
    cpe          TEXT    NOT NULL DEFAULT '',
    purl         TEXT    NOT NULL DEFAULT '',
    confirmed_by INTEGER NOT NULL DEFAULT 0,
    confirmed_org INTEGER NOT NULL DEFAULT 0,
    confirmed_at INTEGER NOT NULL
);

-- A system whose identity (vendor, product, version, CPE, purl, components) changed since it was
-- last matched: the time of the change, cleared by the warnings.match-system job that matched it.
ALTER TABLE systems ADD COLUMN warn_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX systems_warn_pending ON systems(warn_pending, org_id);
