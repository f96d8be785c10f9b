-- Who the centre can reach, and how aggregates are grouped (docs/anonymity.md).
-- An invitation says where it comes from: '' a member's own coordinator (or the centre for its own
-- staff), 'centre' the first coordinator of a member without users, 'recovery' a recovery.
ALTER TABLE link_tokens ADD COLUMN origin TEXT NOT NULL DEFAULT '';
-- The last time a person entered the member through the centre or the operator (first
-- coordinator, recovery, vaern user create): a member so reached counts toward k only later.
ALTER TABLE orgs ADD COLUMN centre_joined_at INTEGER NOT NULL DEFAULT 0;

-- Published aggregates no longer hold a minimum or maximum; the whiskers are smoothed 10th and
-- 90th percentiles. Stored aggregates are dropped so that the scheduler computes every closed
-- round again under the new rules.
DELETE FROM round_aggregates;
DELETE FROM round_stats;
ALTER TABLE round_aggregates RENAME COLUMN min TO p10;
ALTER TABLE round_aggregates RENAME COLUMN max TO p90;
-- For a centre-defined group: the smallest difference in members to any other group of the
-- round (0: none), so that reading with a larger k can hide it again.
ALTER TABLE round_aggregates ADD COLUMN min_diff INTEGER NOT NULL DEFAULT 0;
ALTER TABLE round_stats ADD COLUMN dependent INTEGER NOT NULL DEFAULT 0;

-- A recovery of a member that lost every coordinator: started by the centre, announced to the
-- member's coordinators, invitation only after not_before, cancellable by any coordinator.
CREATE TABLE member_recoveries (
    id           INTEGER PRIMARY KEY,
    centre_id    INTEGER NOT NULL REFERENCES orgs(id),
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    email        TEXT    NOT NULL,
    requested_by TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'invited', 'completed', 'cancelled')),
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    not_before   INTEGER NOT NULL,
    invited_at   INTEGER NOT NULL DEFAULT 0,
    closed_at    INTEGER NOT NULL DEFAULT 0,
    closed_by    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX member_recoveries_org ON member_recoveries(org_id, status);

-- What members are told about the centre's changes: a new member (org_id NULL: every member of
-- the centre) or a round's participants (round_id set: the round's members).
CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    centre_id      INTEGER NOT NULL REFERENCES orgs(id),
    org_id         INTEGER REFERENCES orgs(id),
    round_id       INTEGER REFERENCES rounds(id),
    kind           TEXT    NOT NULL,
    subject_org_id INTEGER REFERENCES orgs(id),
    detail         TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE INDEX notices_centre ON notices(centre_id, created_at);

-- Benchmark groups the centre defines (e.g. a regional cooperation's members).
CREATE TABLE member_groups (
    id         INTEGER PRIMARY KEY,
    centre_id  INTEGER NOT NULL REFERENCES orgs(id),
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (centre_id, name)
);

CREATE TABLE member_group_members (
    group_id INTEGER NOT NULL REFERENCES member_groups(id) ON DELETE CASCADE,
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    PRIMARY KEY (group_id, org_id)
);
CREATE INDEX member_group_members_org ON member_group_members(org_id);
