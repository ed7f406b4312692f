DROP INDEX event_status_changed_idx;
