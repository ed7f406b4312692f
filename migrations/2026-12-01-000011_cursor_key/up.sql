-- Secrets every instance shares, made once here: the key that makes event
-- and access-log cursors (global counters) opaque (issue 14). Two v4 UUIDs
-- give 32 bytes, 244 of them random (gen_random_uuid is PostgreSQL 13's own).
CREATE TABLE server_secret (
    name  text PRIMARY KEY,
    value bytea NOT NULL CHECK (length(value) = 32)
);
INSERT INTO server_secret (name, value)
VALUES ('cursor_key', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));

-- Cursors of the earlier readable kind (`e1:<seq>`, `a1:<id>`) still resume,
-- but only for positions that existed before this migration: accepting any
-- number let a client binary-search the global counters the encryption now
-- hides (the second attack on issue 14's change).
CREATE TABLE legacy_cursor (
    kind    text PRIMARY KEY CHECK (kind IN ('e', 'a')),
    max_seq bigint NOT NULL
);
INSERT INTO legacy_cursor (kind, max_seq)
VALUES ('e', coalesce((SELECT max(seq) FROM event), 0)),
       ('a', coalesce((SELECT max(id) FROM access_log), 0));
