-- Operations: a data move (vaern migrate-data, vaern restore, a backup being written) marks its
-- target incomplete in data_move from its first row to its verification; Værn refuses to serve or
-- change a database so marked. data_move_tables records each table copied, so that an interrupted
-- move can resume. Neither table is ever copied.
CREATE TABLE data_move (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    source     TEXT    NOT NULL,
    started_at BIGINT  NOT NULL
);

CREATE TABLE data_move_tables (
    name      TEXT    PRIMARY KEY,
    row_count BIGINT  NOT NULL,
    checksum  TEXT    NOT NULL,
    done_at   BIGINT  NOT NULL
);
