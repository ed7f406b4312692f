DELETE FROM admin_log WHERE object_type = 'TEMPLATE';
ALTER TABLE admin_log DROP CONSTRAINT admin_log_object_type_check;
ALTER TABLE admin_log ADD CONSTRAINT admin_log_object_type_check
    CHECK (object_type IN ('MUNICIPALITY', 'UNIT', 'STAFF'));
