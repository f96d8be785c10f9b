-- Sensors ingest (issue 14, speed): a batch's hourly sightings, already derived by the ingest, are
-- kept in its batch row (a compact encoding, store/sensor_pending.go) in the transaction that
-- stores its alerts, and merged into sensor_sightings later by one transaction that clears the
-- column (idempotent: a batch is merged exactly once). NULL: merged (or nothing to merge). The
-- partial index finds the pending batches without reading the merged ones.
ALTER TABLE sensor_batches ADD COLUMN sightings BYTEA;
-- The blob is already compact: no TOAST compression on the ingest's path.
ALTER TABLE sensor_batches ALTER COLUMN sightings SET STORAGE EXTERNAL;
CREATE INDEX sensor_batches_pending ON sensor_batches(received_at) WHERE sightings IS NOT NULL;
