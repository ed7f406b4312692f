-- Template changes go into the admin log (issue 19): who made, changed or
-- retired a municipality's template, as for its units and staff.
ALTER TABLE admin_log DROP CONSTRAINT admin_log_object_type_check;
ALTER TABLE admin_log ADD CONSTRAINT admin_log_object_type_check
    CHECK (object_type IN ('MUNICIPALITY', 'UNIT', 'STAFF', 'TEMPLATE'));
