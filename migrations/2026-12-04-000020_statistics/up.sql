-- Issue 19, point 4: `statistics` gives the median days from a log's
-- creation to its first ACTIVE status, read from its STATUS_CHANGED events.
CREATE INDEX event_status_changed_idx ON event (log_id, created_at) WHERE kind = 'STATUS_CHANGED';
