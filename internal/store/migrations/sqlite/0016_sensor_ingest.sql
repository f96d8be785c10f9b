-- Sensors ingest (issue 14): each member's pseudonymisation and retention settings, the batches
-- received (a retried batch id counts once) and the raw alerts (30 days by default). Times are
-- Unix milliseconds.

CREATE TABLE sensor_settings (
    org_id        INTEGER PRIMARY KEY REFERENCES orgs(id),
    ranges        TEXT    NOT NULL DEFAULT '',
    keep_payload  INTEGER NOT NULL DEFAULT 0,
    pseudo_key    TEXT    NOT NULL,
    alert_days    INTEGER NOT NULL DEFAULT 30,
    sighting_days INTEGER NOT NULL DEFAULT 396,
    updated_at    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sensor_batches (
    sensor_id   INTEGER NOT NULL REFERENCES sensors(id),
    batch_id    TEXT    NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    received_at INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    PRIMARY KEY (sensor_id, batch_id)
);
CREATE INDEX sensor_batches_received ON sensor_batches(org_id, received_at);

CREATE TABLE sensor_alerts (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL,
    sensor_id    INTEGER NOT NULL,
    batch_id     TEXT    NOT NULL,
    time         INTEGER NOT NULL,
    signature_id INTEGER NOT NULL,
    signature    TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    severity     INTEGER NOT NULL,
    proto        TEXT    NOT NULL,
    src_ip       TEXT    NOT NULL,
    src_port     INTEGER NOT NULL,
    dest_ip      TEXT    NOT NULL,
    dest_port    INTEGER NOT NULL,
    src_internal INTEGER NOT NULL,
    dst_internal INTEGER NOT NULL,
    domain       TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    ja3          TEXT    NOT NULL,
    ja4          TEXT    NOT NULL,
    payload      TEXT    NOT NULL
);
CREATE INDEX sensor_alerts_org_time ON sensor_alerts(org_id, time);
CREATE INDEX sensor_alerts_sensor_time ON sensor_alerts(sensor_id, time);
