-- The write floor: postMessage's rows (message, access-log entry, outbox
-- event) in one transaction, straight from pgbench, with no server at all.
-- Against a dataset made by stafett-bench (here 1,000 logs):
--
--   psql stafett_bench_1000 -c "CREATE TABLE IF NOT EXISTS bench_pairs AS
--     SELECT row_number() OVER () AS n, log_id, staff_id AS author_id, unit_id
--       FROM participant WHERE left_at IS NULL;
--     CREATE INDEX IF NOT EXISTS bench_pairs_n ON bench_pairs (n); ANALYZE bench_pairs;"
--   pgbench -n -M prepared -c 32 -j 2 -T 15 -f bench/pgbench-post-message.sql stafett_bench_1000
--
-- (It leaves its rows in the dataset; regenerate it without --reuse after.)
\set r random(1, 8000)
BEGIN;
SELECT log_id, author_id, unit_id FROM bench_pairs WHERE n = :r;
INSERT INTO message (id, log_id, author_id, kind, body, to_all, created_at)
  SELECT gen_random_uuid(), log_id, author_id, 'MESSAGE', 'pgbench message', true, now() FROM bench_pairs WHERE n = :r;
INSERT INTO access_log (actor_id, actor_role, actor_unit_id, log_id, object_type, object_id, action)
  SELECT author_id, 'PARTICIPANT', unit_id, log_id, 'MESSAGE', gen_random_uuid(), 'CREATE' FROM bench_pairs WHERE n = :r;
INSERT INTO event (log_id, kind, payload)
  SELECT log_id, 'MESSAGE_POSTED', jsonb_build_object('message', jsonb_build_object('body', 'pgbench message', 'to_all', true))
    FROM bench_pairs WHERE n = :r;
COMMIT;
