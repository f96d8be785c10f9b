-- Notifications: one way to tell a person something. An event (a question delegated, a deadline
-- near, ...) is recorded once per organisation in notify_events, tells each of its recipients in
-- notifications (the in-app list; the e-mail goes through the outbox at once, in the daily digest,
-- or not at all, as notify_prefs say), and is posted to each of the member's webhooks as a row of
-- webhook_deliveries, retried until it is delivered or given up.
CREATE TABLE notify_events (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    kind       TEXT    NOT NULL,
    dedupe     TEXT    UNIQUE, -- NULL: the event may happen any number of times
    created_at INTEGER NOT NULL
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES notify_events(id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT '',
    lang       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    read_at    INTEGER NOT NULL DEFAULT 0,
    -- 'none' (no e-mail), 'sent' (queued in the outbox), 'digest' (waits for the daily digest),
    -- 'digested' (went out in a digest)
    mail       TEXT    NOT NULL DEFAULT 'none'
);
CREATE INDEX notifications_user ON notifications(user_id, org_id, read_at, id);
CREATE INDEX notifications_digest ON notifications(mail, user_id);

-- A person's choice per kind: 'immediate', 'digest' or 'off'. No row: immediate.
CREATE TABLE notify_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    mode    TEXT    NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    url         TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    secret      TEXT    NOT NULL, -- the HMAC key; shown once when the webhook is made
    lang        TEXT    NOT NULL,
    created_by  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    deleted_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_org ON webhooks(org_id);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    org_id          INTEGER NOT NULL REFERENCES orgs(id),
    event_id        INTEGER NOT NULL REFERENCES notify_events(id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER NOT NULL DEFAULT 0,
    failed_at       INTEGER NOT NULL DEFAULT 0, -- given up after the last retry
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(delivered_at, failed_at, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
