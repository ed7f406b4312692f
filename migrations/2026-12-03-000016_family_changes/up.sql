-- Issue 18, point 5: a family whose custody changes.
--
-- A guardian added to a log that is no longer a DRAFT (addGuardian) is an
-- owner at once and is asked for consent, but the log stays as it is on the
-- consents it has: their consent is not required until they give one
-- (consent_required turns true then, and from then on their withdrawal
-- counts like any owner's). Without this, adding a guardian would make an
-- ACTIVE log PASSIVE until the newcomer consented, shutting out every
-- professional because of a change in the family's favour.
ALTER TABLE guardian ADD COLUMN consent_required boolean NOT NULL DEFAULT true;

-- A withdrawal the family reported to the coordinator, who registered it
-- (registerConsentWithdrawal): the day it was reported and how.
ALTER TABLE consent
    ADD COLUMN withdrawal_reported_on date,
    ADD COLUMN withdrawal_reported_how text CHECK (char_length(withdrawal_reported_how) BETWEEN 1 AND 200);

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
            WHERE g.log_id = p_log AND g.consent_required
              AND NOT EXISTS (SELECT 1 FROM consent c
                               WHERE c.log_id = p_log AND c.scope = 'LOG'
                                 AND c.given_by = g.citizen_id AND consent_valid(c)))
       AND (NOT log_child_at_consent_age(p_log)
            OR EXISTS (SELECT 1 FROM consent c
                        WHERE c.log_id = p_log AND c.scope = 'LOG'
                          AND c.given_by = log_youth(p_log) AND consent_valid(c))));
END $$;
