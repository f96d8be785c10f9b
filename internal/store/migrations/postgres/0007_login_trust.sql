-- Sign-in trust: the browsers (a device cookie, stored as its hash) and the addresses (a hash of
-- the user id and the address) from which a user has signed in. Failed sign-ins from a trusted
-- client never count against the account as a whole, so a stranger's guesses cannot keep the owner
-- out (see internal/web/login_throttle.go).
CREATE TABLE login_trust (
    hash         TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('device', 'address')),
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT  NOT NULL
);
CREATE INDEX login_trust_user ON login_trust (user_id);
