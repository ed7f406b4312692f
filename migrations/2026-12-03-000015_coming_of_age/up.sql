-- Issue 18, point 6: on the 18th birthday the youth becomes the log's only
-- owner. The rule is read at request time (no request on the birthday sees
-- the old one): the child is adult on a day when their birth date is on or
-- before that day 18 years back (someone born 29 February is adult on
-- 1 March in a year without one, as PostgreSQL's interval arithmetic gives).
-- Guardians then take no part (the relation query asks log_child_adult), and
-- the log's consent is the youth's alone.
CREATE FUNCTION log_child_adult_on(p_log uuid, p_day date) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT coalesce(ch.birth_date <= (p_day - make_interval(years => 18))::date, false)
              FROM log l JOIN child ch ON ch.id = l.child_id
             WHERE l.id = p_log);
END $$;

CREATE FUNCTION log_child_adult(p_log uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN coalesce(log_child_adult_on(p_log, current_date), false);
END $$;

CREATE OR REPLACE FUNCTION log_consent_complete(p_log uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF log_child_adult(p_log) THEN
        RETURN (SELECT EXISTS (SELECT 1 FROM consent c
                                WHERE c.log_id = p_log AND c.scope = 'LOG'
                                  AND c.given_by = log_youth(p_log) AND consent_valid(c)));
    END IF;
    RETURN (SELECT EXISTS (SELECT 1 FROM guardian WHERE log_id = p_log)
       AND NOT EXISTS (
           SELECT 1 FROM guardian g
            WHERE g.log_id = p_log
              AND NOT EXISTS (SELECT 1 FROM consent c
                               WHERE c.log_id = p_log AND c.scope = 'LOG'
                                 AND c.given_by = g.citizen_id AND consent_valid(c)))
       AND (NOT log_child_at_consent_age(p_log)
            OR EXISTS (SELECT 1 FROM consent c
                        WHERE c.log_id = p_log AND c.scope = 'LOG'
                          AND c.given_by = log_youth(p_log) AND consent_valid(c))));
END $$;

-- The logs whose coming of age the job has announced (a YOUTH_CAME_OF_AGE
-- event, so the guardians' open subscriptions check their access again).
-- A row per log, inserted by the job: the primary key makes two instances
-- announce a log once. Logs of children already adult count as announced.
CREATE TABLE log_came_of_age (
    log_id uuid PRIMARY KEY REFERENCES log (id) ON DELETE CASCADE,
    announced_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO log_came_of_age (log_id)
SELECT l.id FROM log l JOIN child ch ON ch.id = l.child_id
 WHERE ch.birth_date <= (current_date - make_interval(years => 18))::date;
