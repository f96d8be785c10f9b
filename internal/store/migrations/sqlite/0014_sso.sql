-- Single sign-on and passkeys (issue 16). An identity provider belongs to one organisation (a
-- member, or the centre): it signs people into that organisation only. Its users' identities are
-- rows of identities with provider 'idp:<id>' and the IdP's subject (OIDC sub, SAML NameID).
CREATE TABLE identity_providers (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    kind          TEXT    NOT NULL CHECK (kind IN ('oidc', 'saml')),
    name          TEXT    NOT NULL,
    -- OIDC: the issuer; SAML: the IdP's entity id (taken from its metadata).
    issuer        TEXT    NOT NULL DEFAULT '',
    client_id     TEXT    NOT NULL DEFAULT '',
    -- Sealed with the installation's key when one is configured; never shown back.
    client_secret TEXT    NOT NULL DEFAULT '',
    scopes        TEXT    NOT NULL DEFAULT '',
    acr_values    TEXT    NOT NULL DEFAULT '',
    claim_email   TEXT    NOT NULL DEFAULT '',
    claim_name    TEXT    NOT NULL DEFAULT '',
    claim_groups  TEXT    NOT NULL DEFAULT '',
    -- SAML: the IdP's metadata document, the profile ('' or 'oiosaml3'), the assurance level asked
    -- for, and this service provider's own key pair for the IdP (PEM).
    metadata      TEXT    NOT NULL DEFAULT '',
    profile       TEXT    NOT NULL DEFAULT '',
    sp_key        TEXT    NOT NULL DEFAULT '',
    sp_cert       TEXT    NOT NULL DEFAULT '',
    -- Just-in-time provisioning: create unknown people with default_role, or a role from role_map
    -- (lines "group=role"); off: only people already in the organisation sign in.
    jit           INTEGER NOT NULL DEFAULT 0,
    default_role  TEXT    NOT NULL DEFAULT 'viewer',
    role_map      TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (org_id, name)
);
CREATE INDEX identity_providers_org ON identity_providers(org_id);

-- A sign-in under way at an IdP: the hash of the browser's state cookie, what the callback must
-- check (nonce, PKCE verifier, SAML request id) and where to go afterwards. Single use, short-lived.
CREATE TABLE sso_states (
    id           TEXT    PRIMARY KEY,
    provider_id  INTEGER NOT NULL REFERENCES identity_providers(id) ON DELETE CASCADE,
    nonce        TEXT    NOT NULL DEFAULT '',
    verifier     TEXT    NOT NULL DEFAULT '',
    request_id   TEXT    NOT NULL DEFAULT '',
    next         TEXT    NOT NULL DEFAULT '/',
    link_user_id INTEGER NOT NULL DEFAULT 0,
    expires_at   INTEGER NOT NULL
);

-- SAML assertion ids already accepted, until they expire: shared by every app node.
CREATE TABLE saml_replay (
    assertion_id TEXT    PRIMARY KEY,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX saml_replay_expires ON saml_replay(expires_at);

-- Passkeys (WebAuthn credentials) of a user.
CREATE TABLE webauthn_credentials (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL DEFAULT '',
    data          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);

-- A passkey ceremony under way: the hash of the browser's cookie, the user (0: a passwordless
-- sign-in, whose user is not known yet) and the library's session data (the challenge). Single use.
CREATE TABLE webauthn_sessions (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL DEFAULT 0,
    data       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

-- How an organisation's people must sign in: '' (any way), 'sso' (through one of its identity
-- providers) or 'sso_or_passkey'. Enforced at sign-in.
CREATE TABLE org_signin (
    org_id   INTEGER PRIMARY KEY REFERENCES orgs(id),
    required TEXT    NOT NULL DEFAULT '' CHECK (required IN ('', 'sso', 'sso_or_passkey'))
);
