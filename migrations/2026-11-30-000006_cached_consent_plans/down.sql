-- Back to the SQL-language bodies of 000002.
CREATE OR REPLACE FUNCTION log_youth(p_log uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT ci.person_id
      FROM log l
      JOIN child ch ON ch.id = l.child_id
      JOIN municipality m ON m.id = l.municipality_id
      JOIN citizen ci ON ci.national_id = ch.national_id
     WHERE l.id = p_log
       AND ch.birth_date <= current_date - make_interval(years => m.consent_age)
$$;

CREATE OR REPLACE FUNCTION log_child_at_consent_age(p_log uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(ch.birth_date <= current_date - make_interval(years => m.consent_age), false)
      FROM log l
      JOIN child ch ON ch.id = l.child_id
      JOIN municipality m ON m.id = l.municipality_id
     WHERE l.id = p_log
$$;

CREATE OR REPLACE FUNCTION log_consent_complete(p_log uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM guardian WHERE log_id = p_log)
       AND NOT EXISTS (
           SELECT 1 FROM guardian g
            WHERE g.log_id = p_log
              AND NOT EXISTS (SELECT 1 FROM consent c
                               WHERE c.log_id = p_log AND c.scope = 'LOG'
                                 AND c.given_by = g.citizen_id AND consent_valid(c)))
       AND (NOT log_child_at_consent_age(p_log)
            OR EXISTS (SELECT 1 FROM consent c
                        WHERE c.log_id = p_log AND c.scope = 'LOG'
                          AND c.given_by = log_youth(p_log) AND consent_valid(c)))
$$;

CREATE OR REPLACE FUNCTION log_effective_status(p_log uuid, p_status text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_status = 'ACTIVE' AND NOT log_consent_complete(p_log) THEN 'PASSIVE'
                ELSE p_status END
$$;

CREATE OR REPLACE FUNCTION unit_consented(p_log uuid, p_unit uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM log WHERE id = p_log AND unit_id = p_unit AND log_consent_complete(p_log))
        OR EXISTS (SELECT 1 FROM consent c
                    WHERE c.log_id = p_log AND c.scope = 'UNIT' AND c.unit_id = p_unit AND consent_valid(c))
$$;

