-- Sensors ingest (issue 14): each member's pseudonymisation and retention settings, the batches
-- received (a retried batch id counts once) and the raw alerts (30 days by default). Times are
-- Unix milliseconds. Alerts are partitioned by day on time; ingest creates a day's partition on
-- demand, retention drops whole partitions, and the default partition catches rows whose day
-- has none (a data move from SQLite, say).

CREATE TABLE sensor_settings (
    org_id        BIGINT PRIMARY KEY REFERENCES orgs(id),
    ranges        TEXT    NOT NULL DEFAULT '',
    keep_payload  BOOLEAN NOT NULL DEFAULT FALSE,
    pseudo_key    TEXT    NOT NULL,
    alert_days    INTEGER NOT NULL DEFAULT 30,
    sighting_days INTEGER NOT NULL DEFAULT 396,
    updated_at    BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE sensor_batches (
    sensor_id   BIGINT  NOT NULL REFERENCES sensors(id),
    batch_id    TEXT    NOT NULL,
    org_id      BIGINT  NOT NULL REFERENCES orgs(id),
    received_at BIGINT  NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    PRIMARY KEY (sensor_id, batch_id)
);
CREATE INDEX sensor_batches_received ON sensor_batches(org_id, received_at);

CREATE SEQUENCE sensor_alerts_id_seq;
CREATE TABLE sensor_alerts (
    id           BIGINT  NOT NULL DEFAULT nextval('sensor_alerts_id_seq'),
    org_id       BIGINT  NOT NULL,
    sensor_id    BIGINT  NOT NULL,
    batch_id     TEXT    NOT NULL,
    time         BIGINT  NOT NULL,
    signature_id BIGINT  NOT NULL,
    signature    TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    severity     INTEGER NOT NULL,
    proto        TEXT    NOT NULL,
    src_ip       TEXT    NOT NULL,
    src_port     INTEGER NOT NULL,
    dest_ip      TEXT    NOT NULL,
    dest_port    INTEGER NOT NULL,
    src_internal BOOLEAN NOT NULL,
    dst_internal BOOLEAN NOT NULL,
    domain       TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    ja3          TEXT    NOT NULL,
    ja4          TEXT    NOT NULL,
    payload      TEXT    NOT NULL
) PARTITION BY RANGE (time);
ALTER SEQUENCE sensor_alerts_id_seq OWNED BY sensor_alerts.id;
CREATE TABLE sensor_alerts_default PARTITION OF sensor_alerts DEFAULT;
CREATE INDEX sensor_alerts_org_time ON sensor_alerts(org_id, time);
CREATE INDEX sensor_alerts_sensor_time ON sensor_alerts(sensor_id, time);
