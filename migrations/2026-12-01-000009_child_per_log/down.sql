DROP INDEX log_child_idx;
CREATE UNIQUE INDEX log_one_open_per_child ON log (child_id) WHERE status <> 'CLOSED';
DROP INDEX child_national_id_idx;
ALTER TABLE child ADD CONSTRAINT child_national_id_key UNIQUE (national_id);
