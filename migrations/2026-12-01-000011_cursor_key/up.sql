-- Secrets every instance shares, made once here: the key that makes event
-- and access-log cursors (global counters) opaque (issue 14). Two v4 UUIDs
-- give 32 bytes, 244 of them random (gen_random_uuid is PostgreSQL 13's own).
CREATE TABLE server_secret (
    name  text PRIMARY KEY,
    value bytea NOT NULL CHECK (length(value) = 32)
);
INSERT INTO server_secret (name, value)
VALUES ('cursor_key', decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));
