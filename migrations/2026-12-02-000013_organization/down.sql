DROP TABLE admin_log;
ALTER TABLE unit DROP CONSTRAINT unit_name_length;
ALTER TABLE municipality DROP CONSTRAINT municipality_name_length;
ALTER TABLE unit DROP COLUMN deactivated_at, DROP COLUMN organization_number;
