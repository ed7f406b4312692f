DROP TRIGGER event_notify ON event;
DROP FUNCTION event_notify();
DROP TABLE event;
DROP SEQUENCE event_seq;
DROP TABLE archive_snapshot;
DROP FUNCTION archive_snapshot_immutable();
DROP TABLE access_log;
DROP FUNCTION access_log_append_only();
