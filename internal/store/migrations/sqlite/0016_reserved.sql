-- Placeholder for migration 0016, reserved by another issue 14 branch (sensor ingest or correlation).
-- It is here only so that 0017 applies on this branch; delete it when the real 0016 is merged.
SELECT 1;
