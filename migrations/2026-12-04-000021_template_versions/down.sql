DROP TABLE log_template;
DROP TABLE template_version;
ALTER TABLE template DROP COLUMN retired_at, DROP COLUMN updated_at, DROP COLUMN version;
