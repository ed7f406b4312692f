-- Records that must outlive edits: the access log, archive snapshots and the event outbox.

-- Tilgangslogg: every professional read of log content and every write.
-- Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE for everyone,
-- including the table owner (REVOKE alone would not bind the owner).
CREATE TABLE access_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id      uuid NOT NULL REFERENCES person (id),
    actor_role    text NOT NULL CHECK (actor_role IN (
        'GUARDIAN', 'YOUTH', 'COORDINATOR', 'PARTICIPANT', 'UNIT_ADMIN', 'UNIT_LEADER',
        'MUNICIPAL_ADMIN', 'SYSTEM_OWNER', 'STAFF')),
    actor_unit_id uuid REFERENCES unit (id),
    log_id        uuid NOT NULL REFERENCES log (id),
    object_type   text NOT NULL CHECK (object_type ~ '^[A-Z_]{1,40}$'),
    object_id     uuid,
    action        text NOT NULL CHECK (action IN ('READ', 'CREATE', 'UPDATE', 'DELETE')),
    detail        text CHECK (length(detail) <= 200)
);
CREATE INDEX access_log_log_idx ON access_log (log_id, id DESC);
CREATE INDEX access_log_actor_idx ON access_log (actor_id, id DESC);

CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();

-- Arkivversjon: an immutable copy of the log. After a deletion request the
-- snapshot stays (archive law) but becomes restricted; that flag is the only
-- change allowed, and only from false to true.
CREATE TABLE archive_snapshot (
    id            uuid PRIMARY KEY,
    log_id        uuid NOT NULL REFERENCES log (id),
    reason        text NOT NULL CHECK (reason IN ('MEETING', 'CLOSING')),
    -- no foreign key: the meeting is purged on deletion, the snapshot stays
    meeting_id    uuid,
    taken_by      uuid NOT NULL REFERENCES person (id),
    taken_at      timestamptz NOT NULL DEFAULT now(),
    content       jsonb NOT NULL,
    restricted    boolean NOT NULL DEFAULT false,
    restricted_at timestamptz,
    CHECK (restricted = (restricted_at IS NOT NULL))
);
CREATE INDEX archive_snapshot_log_idx ON archive_snapshot (log_id, taken_at DESC);

CREATE FUNCTION archive_snapshot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NOT OLD.restricted AND NEW.restricted
       AND (NEW.id, NEW.log_id, NEW.reason, NEW.taken_by, NEW.taken_at, NEW.content)
           IS NOT DISTINCT FROM (OLD.id, OLD.log_id, OLD.reason, OLD.taken_by, OLD.taken_at, OLD.content) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'archive snapshots are immutable' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER archive_snapshot_immutable BEFORE UPDATE OR DELETE ON archive_snapshot
    FOR EACH ROW EXECUTE FUNCTION archive_snapshot_immutable();

-- The outbox. A mutation inserts its event in its own transaction; `seq`, the
-- cursor clients see, is assigned later by the relay, one batch at a time, so
-- seq order is commit order and a replay `WHERE seq > cursor` never skips an
-- event that committed late.
CREATE SEQUENCE event_seq;
CREATE TABLE event (
    id         bigserial PRIMARY KEY,
    seq        bigint UNIQUE,
    log_id     uuid NOT NULL REFERENCES log (id),
    kind       text NOT NULL CHECK (kind ~ '^[A-Z_]{1,40}$'),
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_unsequenced_idx ON event (id) WHERE seq IS NULL;
CREATE INDEX event_log_seq_idx ON event (log_id, seq);

-- Wakes the relay at commit (notifications are delivered only when the
-- inserting transaction commits, and repeated ones in a transaction fold).
CREATE FUNCTION event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stafett_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER event_notify AFTER INSERT ON event
    FOR EACH STATEMENT EXECUTE FUNCTION event_notify();
