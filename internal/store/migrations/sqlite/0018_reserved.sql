-- Reserved for a migration of a branch built in parallel (issue 14/15); this placeholder keeps the
-- version sequence whole until that branch is merged, and is removed then.
SELECT 1;
