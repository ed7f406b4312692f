-- Issue 19, point 4: `statistics` gives the median days from a log's
-- creation to its first ACTIVE status, read from its STATUS_CHANGED events.
CREATE INDEX event_status_changed_idx ON event (log_id, created_at) WHERE kind = 'STATUS_CHANGED';
-- … and to the first change of coordinator, the second of the log's terms:
-- without this index each log's terms were a scan of every term (4 s at
-- 10,000 logs).
CREATE INDEX coordinator_term_log_started_idx ON coordinator_term (log_id, started_at);
