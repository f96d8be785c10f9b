-- Placeholder for migration 0016, reserved by another issue 14 branch (sensor ingest or correlation).
-- It is here only so that 0017 applies on this branch; delete it when the real 0016 is merged.
SELECT 1;
-- Reserved for a migration of a branch built in parallel (issue 14/15); this placeholder keeps the
-- version sequence whole until that branch is merged, and is removed then.
SELECT 1;
