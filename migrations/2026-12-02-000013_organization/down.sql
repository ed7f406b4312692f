DROP TABLE admin_log;
DROP INDEX unit_name_unique;
DROP INDEX municipality_name_unique;
ALTER TABLE unit DROP CONSTRAINT unit_name_length;
ALTER TABLE municipality DROP CONSTRAINT municipality_name_length;
ALTER TABLE unit DROP COLUMN deactivated_at, DROP COLUMN organization_number;
