-- Platform: organisations, units, people, sign-in, audit, e-mail.
CREATE TABLE orgs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('centre', 'member')),
    parent_id   INTEGER REFERENCES orgs(id),
    code        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    region      TEXT    NOT NULL DEFAULT '',
    population  INTEGER NOT NULL DEFAULT 0,
    size_class  TEXT    NOT NULL DEFAULT '',
    require_2fa INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (kind, country, code)
);
CREATE INDEX orgs_parent ON orgs(parent_id);

CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    parent_id  INTEGER REFERENCES units(id),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX units_org ON units(org_id, parent_id);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    email               TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL DEFAULT '',
    lang                TEXT    NOT NULL DEFAULT '',
    totp_secret         TEXT    NOT NULL DEFAULT '',
    totp_enabled        INTEGER NOT NULL DEFAULT 0,
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- How a user proves who they are: a password today, OIDC or SAML subjects later.
CREATE TABLE identities (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider   TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    secret     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_user ON identities(user_id);

CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    role       TEXT    NOT NULL,
    unit_id    INTEGER REFERENCES units(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships(org_id);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    mfa_pending  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT    NOT NULL DEFAULT '',
    user_agent   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    prefix       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, org_id);

-- Single-use links sent by e-mail: invitations and password resets.
CREATE TABLE link_tokens (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('invite', 'reset')),
    token_hash TEXT    NOT NULL UNIQUE,
    email      TEXT    NOT NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    org_id     INTEGER REFERENCES orgs(id),
    role       TEXT    NOT NULL DEFAULT '',
    unit_id    INTEGER REFERENCES units(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    chain       INTEGER NOT NULL,
    shard       INTEGER NOT NULL DEFAULT 0,
    seq         INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    actor_email TEXT    NOT NULL DEFAULT '',
    org_id      INTEGER NOT NULL DEFAULT 0,
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL DEFAULT '',
    object_id   TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    ip          TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL,
    UNIQUE (chain, shard, seq)
);
CREATE INDEX audit_log_org ON audit_log(org_id, id);

-- The newest link of each chain, so that removing the last rows is detected too. An organisation's
-- chain may be split into shards, so that concurrent writers on PostgreSQL do not all wait for one row.
CREATE TABLE audit_heads (
    chain INTEGER NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL,
    PRIMARY KEY (chain, shard)
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

-- Sign-in throttling, shared by every app node.
CREATE TABLE throttle (
    key          TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);
