ALTER TABLE coordinator_term DROP COLUMN appointed_by, DROP COLUMN reason;
DROP INDEX measure_needs_responsible;
ALTER TABLE measure DROP COLUMN needs_responsible_since;
DROP INDEX staff_access_changed;
ALTER TABLE staff DROP COLUMN access_changed_at, DROP COLUMN deactivated_at;
