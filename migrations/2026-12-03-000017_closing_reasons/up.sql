-- Issue 19, point 3: why a log was closed, as one of the reasons the
-- guidelines name (Lund 003: the goals are reached, the work goes on in an
-- individual plan (IP) or with a child coordinator, the family moves, the
-- family demands it) or OTHER with the coordinator's words. The words stay
-- in log.closed_reason; the kind and who closed it live here, one row per
-- closed log (the log table is at diesel's 16 columns), removed on reopen.
CREATE TABLE log_closure (
    log_id    uuid PRIMARY KEY REFERENCES log (id) ON DELETE CASCADE,
    reason    text NOT NULL CHECK (reason IN
                  ('GOALS_REACHED', 'INDIVIDUAL_PLAN', 'MOVED_MUNICIPALITY', 'FAMILY_DEMANDED', 'OTHER')),
    closed_by uuid REFERENCES person (id)
);

-- Logs closed before this had a free text only: OTHER, with that text.
INSERT INTO log_closure (log_id, reason)
SELECT id, 'OTHER' FROM log WHERE status = 'CLOSED' AND closed_at IS NOT NULL;
