-- Services (issue 15): the centre's service catalogue and the members' subscriptions, the
-- onboarding checklist for new coordinators with what each member ticked by hand, and the
-- members' IT-structure mappings (answers to a framework of kind "mapping") with whether each
-- member shares its mapping with the centre. Times are Unix milliseconds, 0 for "not yet".

CREATE TABLE services (
    id            INTEGER PRIMARY KEY,
    centre_id     INTEGER NOT NULL REFERENCES orgs(id),
    name_da       TEXT    NOT NULL,
    name_nb       TEXT    NOT NULL,
    name_en       TEXT    NOT NULL,
    desc_da       TEXT    NOT NULL DEFAULT '',
    desc_nb       TEXT    NOT NULL DEFAULT '',
    desc_en       TEXT    NOT NULL DEFAULT '',
    service_level TEXT    NOT NULL DEFAULT '',
    price_model   TEXT    NOT NULL DEFAULT '',
    contact       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'offered', -- offered, retired
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX services_centre ON services(centre_id, status);

-- One row per subscription's life: requested, then active (or declined), possibly an end
-- requested, then ended. A member has at most one live row per service.
CREATE TABLE service_subscriptions (
    id            INTEGER PRIMARY KEY,
    service_id    INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    status        TEXT    NOT NULL, -- requested, active, ending, ended, declined
    request_note  TEXT    NOT NULL DEFAULT '',
    requested_by  INTEGER NOT NULL DEFAULT 0,
    requested_at  INTEGER NOT NULL,
    decision_note TEXT    NOT NULL DEFAULT '',
    decided_by    INTEGER NOT NULL DEFAULT 0,
    decided_at    INTEGER NOT NULL DEFAULT 0,
    since         INTEGER NOT NULL DEFAULT 0,
    ended_at      INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX service_subscriptions_live ON service_subscriptions(service_id, org_id) WHERE status IN ('requested', 'active', 'ending');
CREATE INDEX service_subscriptions_org ON service_subscriptions(org_id, status);
CREATE INDEX service_subscriptions_service ON service_subscriptions(service_id, status);

-- The centre's checklist. auto_check names a fact Værn can see (units, systems, ...): such an
-- item is computed, never stored as done.
CREATE TABLE onboarding_items (
    id         INTEGER PRIMARY KEY,
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    position   INTEGER NOT NULL DEFAULT 0,
    title_da   TEXT    NOT NULL,
    title_nb   TEXT    NOT NULL,
    title_en   TEXT    NOT NULL,
    desc_da    TEXT    NOT NULL DEFAULT '',
    desc_nb    TEXT    NOT NULL DEFAULT '',
    desc_en    TEXT    NOT NULL DEFAULT '',
    link       TEXT    NOT NULL DEFAULT '',
    auto_check TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX onboarding_items_centre ON onboarding_items(centre_id, position, id);

-- The centre got its default checklist once; deleting every item does not bring it back.
CREATE TABLE onboarding_setup (
    centre_id INTEGER PRIMARY KEY REFERENCES orgs(id),
    seeded_at INTEGER NOT NULL
);

-- Items a member ticked by hand, with who and when.
CREATE TABLE onboarding_done (
    item_id INTEGER NOT NULL REFERENCES onboarding_items(id) ON DELETE CASCADE,
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    done_by INTEGER NOT NULL DEFAULT 0,
    done_at INTEGER NOT NULL,
    PRIMARY KEY (item_id, org_id)
);
CREATE INDEX onboarding_done_org ON onboarding_done(org_id);

-- What kind a framework is: a scored baseline or an unscored mapping questionnaire.
ALTER TABLE frameworks ADD COLUMN kind TEXT NOT NULL DEFAULT 'baseline';

-- A member's answers to a mapping framework, and whether it shares them with the centre (the
-- access rule's "Shared": the centre reads only shared mappings, in SQL).
CREATE TABLE mappings (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    framework_id INTEGER NOT NULL REFERENCES frameworks(id),
    shared       INTEGER NOT NULL DEFAULT 0,
    shared_at    INTEGER NOT NULL DEFAULT 0,
    shared_by    INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    UNIQUE (org_id, framework_id)
);
CREATE INDEX mappings_framework ON mappings(framework_id, shared);

CREATE TABLE mapping_answers (
    mapping_id  INTEGER NOT NULL REFERENCES mappings(id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    question_id TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    answered_by INTEGER NOT NULL DEFAULT 0,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (mapping_id, question_id)
);
