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
ALTER TABLE consent DROP COLUMN withdrawal_reported_how, DROP COLUMN withdrawal_reported_on;
ALTER TABLE guardian DROP COLUMN consent_required;
