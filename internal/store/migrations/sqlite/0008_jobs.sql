-- Durable jobs: every piece of work that runs outside a request is a row here, written in the
-- transaction that causes it. A worker claims a due row by setting it running with a lease; a row
-- whose lease ran out (its process died) is claimed again. unique_key holds a key at most one row
-- may hold: while the job is not finished, or for good when keep_unique is set (a periodic job's
-- period); job_key keeps the key after it is released, so a retried job takes it again. Progress
-- and the error of the last attempt live in the row, so any node shows them.
CREATE TABLE jobs (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL,
    org_id         INTEGER NOT NULL DEFAULT 0,
    args           TEXT    NOT NULL DEFAULT '{}',
    state          TEXT    NOT NULL DEFAULT 'queued',
    attempts       INTEGER NOT NULL DEFAULT 0,
    max_attempts   INTEGER NOT NULL DEFAULT 10,
    run_at         INTEGER NOT NULL,
    lease_until    INTEGER NOT NULL DEFAULT 0,
    locked_by      TEXT    NOT NULL DEFAULT '',
    job_key        TEXT    NOT NULL DEFAULT '',
    unique_key     TEXT,
    keep_unique    INTEGER NOT NULL DEFAULT 0,
    progress_done  INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    started_at     INTEGER NOT NULL DEFAULT 0,
    finished_at    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX jobs_unique ON jobs(unique_key);
CREATE INDEX jobs_due ON jobs(state, run_at);
CREATE INDEX jobs_org ON jobs(org_id, id);

-- The outbox keeps the messages; delivering one is now a job. Messages queued before this
-- migration and not yet sent get theirs.
INSERT INTO jobs (kind, args, run_at, created_at, attempts)
    SELECT 'mail.deliver', '{"id":' || id || '}', next_attempt_at, created_at, attempts FROM outbox WHERE sent_at = 0;

-- A register import is run by a job; the import remembers which one, to show its progress.
ALTER TABLE register_imports ADD COLUMN job_id INTEGER NOT NULL DEFAULT 0;
