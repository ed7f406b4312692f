-- The log (stafettlogg) and who has a relation to it: owners, consents,
-- participants, the coordinator's baton, and requests that need the family.

CREATE TABLE child (
    id              uuid PRIMARY KEY,
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- NULL while the child is unborn; validated (mod-11) by the API
    national_id     text UNIQUE CHECK (national_id ~ '^[0-9]{11}$'),
    -- NULL only for an unborn child without a known due date
    birth_date      date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, municipality_id)
);

CREATE TABLE log (
    id              uuid PRIMARY KEY,
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    -- the unit that created the log; the family's consent to the log covers it
    unit_id         uuid NOT NULL,
    child_id        uuid NOT NULL,
    template_id     uuid REFERENCES template (id),
    status          text NOT NULL DEFAULT 'DRAFT'
                    CHECK (status IN ('DRAFT', 'ACTIVE', 'PASSIVE', 'CLOSED')),
    presentation    text CHECK (length(presentation) <= 20000),
    about_me        text CHECK (length(about_me) <= 20000),
    child_voice     text CHECK (length(child_voice) <= 20000),
    initiative      text CHECK (length(initiative) <= 20000),
    created_by      uuid NOT NULL REFERENCES staff (person_id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz,
    closed_reason   text CHECK (length(closed_reason) <= 2000),
    -- set when a deletion request was processed: live content is purged
    deleted_at      timestamptz,
    FOREIGN KEY (unit_id, municipality_id) REFERENCES unit (id, municipality_id),
    FOREIGN KEY (child_id, municipality_id) REFERENCES child (id, municipality_id),
    CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
    CHECK (deleted_at IS NULL OR status = 'CLOSED')
);
CREATE INDEX log_unit_idx ON log (unit_id);
CREATE INDEX log_municipality_idx ON log (municipality_id);
-- a child has at most one open log
CREATE UNIQUE INDEX log_one_open_per_child ON log (child_id) WHERE status <> 'CLOSED';
CREATE INDEX log_listing_idx ON log (created_at DESC, id DESC);

-- Guardians (foresatte) registered on the log. The youth owner is not stored:
-- it is derived from the child's age and the municipality's consent age.
CREATE TABLE guardian (
    log_id     uuid NOT NULL REFERENCES log (id),
    citizen_id uuid NOT NULL REFERENCES citizen (person_id),
    added_by   uuid NOT NULL REFERENCES staff (person_id),
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (log_id, citizen_id)
);
CREATE INDEX guardian_citizen_idx ON guardian (citizen_id);

CREATE TABLE unit_proposal (
    id          uuid PRIMARY KEY,
    log_id      uuid NOT NULL REFERENCES log (id),
    unit_id     uuid NOT NULL REFERENCES unit (id),
    proposed_by uuid NOT NULL REFERENCES staff (person_id),
    reason      text CHECK (length(reason) <= 2000),
    proposed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (log_id, unit_id)
);

CREATE TABLE consent (
    id                 uuid PRIMARY KEY,
    log_id             uuid NOT NULL REFERENCES log (id),
    scope              text NOT NULL CHECK (scope IN ('LOG', 'UNIT')),
    unit_id            uuid REFERENCES unit (id),
    given_by           uuid NOT NULL REFERENCES citizen (person_id),
    method             text NOT NULL CHECK (method IN ('DIGITAL', 'PAPER')),
    document_reference text CHECK (length(document_reference) BETWEEN 1 AND 200),
    registered_by      uuid REFERENCES staff (person_id),
    given_at           timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz,
    withdrawn_at       timestamptz,
    withdrawn_by       uuid REFERENCES person (id),
    withdrawal_reason  text CHECK (withdrawal_reason IN ('WITHDRAWN', 'LOG_CLOSED', 'LOG_DELETED')),
    CHECK ((scope = 'UNIT') = (unit_id IS NOT NULL)),
    CHECK ((method = 'PAPER') = (document_reference IS NOT NULL AND registered_by IS NOT NULL)),
    CHECK ((withdrawn_at IS NULL) = (withdrawal_reason IS NULL)),
    CHECK (expires_at IS NULL OR expires_at > given_at)
);
CREATE INDEX consent_log_idx ON consent (log_id) WHERE withdrawn_at IS NULL;

CREATE TABLE participant (
    id          uuid PRIMARY KEY,
    log_id      uuid NOT NULL REFERENCES log (id),
    staff_id    uuid NOT NULL REFERENCES staff (person_id),
    unit_id     uuid NOT NULL REFERENCES unit (id),
    title       text CHECK (length(title) <= 200),
    added_by    uuid NOT NULL REFERENCES staff (person_id),
    joined_at   timestamptz NOT NULL DEFAULT now(),
    left_at     timestamptz,
    left_reason text CHECK (left_reason IN ('REMOVED', 'UNIT_CONSENT_WITHDRAWN', 'LOG_DELETED')),
    CHECK ((left_at IS NULL) = (left_reason IS NULL)),
    UNIQUE (id, log_id)
);
CREATE UNIQUE INDEX participant_one_active ON participant (log_id, staff_id) WHERE left_at IS NULL;
CREATE INDEX participant_staff_idx ON participant (staff_id) WHERE left_at IS NULL;

-- The baton. Exactly one current term per log (partial unique index below,
-- and a deferred trigger that a log never commits without one).
CREATE TABLE coordinator_term (
    id             uuid PRIMARY KEY,
    log_id         uuid NOT NULL,
    participant_id uuid NOT NULL,
    staff_id       uuid NOT NULL REFERENCES staff (person_id),
    started_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz,
    FOREIGN KEY (participant_id, log_id) REFERENCES participant (id, log_id)
);
CREATE UNIQUE INDEX coordinator_term_current ON coordinator_term (log_id) WHERE ended_at IS NULL;
CREATE INDEX coordinator_term_staff_idx ON coordinator_term (staff_id) WHERE ended_at IS NULL;

CREATE FUNCTION log_has_coordinator() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM coordinator_term WHERE log_id = NEW.id AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'log % has no current coordinator', NEW.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER log_has_coordinator AFTER INSERT ON log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_has_coordinator();

CREATE FUNCTION coordinator_term_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM coordinator_term WHERE log_id = OLD.log_id AND ended_at IS NULL) THEN
        RAISE EXCEPTION 'log % would be left without a coordinator', OLD.log_id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER coordinator_term_kept AFTER UPDATE OR DELETE ON coordinator_term
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION coordinator_term_kept();

CREATE TABLE handover (
    id             uuid PRIMARY KEY,
    log_id         uuid NOT NULL REFERENCES log (id),
    from_staff_id  uuid NOT NULL REFERENCES staff (person_id),
    to_participant_id uuid NOT NULL,
    to_staff_id    uuid NOT NULL REFERENCES staff (person_id),
    status         text NOT NULL DEFAULT 'PENDING'
                   CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED')),
    proposed_at    timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz,
    CHECK ((status = 'PENDING') = (decided_at IS NULL)),
    FOREIGN KEY (to_participant_id, log_id) REFERENCES participant (id, log_id)
);
CREATE UNIQUE INDEX handover_one_pending ON handover (log_id) WHERE status = 'PENDING';

CREATE TABLE reopen_request (
    id           uuid PRIMARY KEY,
    log_id       uuid NOT NULL REFERENCES log (id),
    requested_by uuid NOT NULL REFERENCES person (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'CANCELLED')),
    decided_at   timestamptz,
    CHECK ((status = 'PENDING') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX reopen_request_one_pending ON reopen_request (log_id) WHERE status = 'PENDING';

CREATE TABLE deletion_request (
    id           uuid PRIMARY KEY,
    log_id       uuid NOT NULL REFERENCES log (id),
    requested_by uuid NOT NULL REFERENCES citizen (person_id),
    reason       text CHECK (length(reason) <= 2000),
    requested_at timestamptz NOT NULL DEFAULT now(),
    processed_by uuid REFERENCES staff (person_id),
    processed_at timestamptz,
    CHECK ((processed_by IS NULL) = (processed_at IS NULL))
);
CREATE UNIQUE INDEX deletion_request_one_open ON deletion_request (log_id) WHERE processed_at IS NULL;

-- Consent rules, in one place so the API and the visibility filter agree.

CREATE FUNCTION consent_valid(c consent) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT c.withdrawn_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())
$$;

-- The youth owner: the citizen whose national id is the child's, once the
-- child has reached the municipality's consent age.
CREATE FUNCTION log_youth(p_log uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT ci.person_id
      FROM log l
      JOIN child ch ON ch.id = l.child_id
      JOIN municipality m ON m.id = l.municipality_id
      JOIN citizen ci ON ci.national_id = ch.national_id
     WHERE l.id = p_log
       AND ch.birth_date <= current_date - make_interval(years => m.consent_age)
$$;

-- True when the child is at or over consent age, whether or not they have logged in.
CREATE FUNCTION log_child_at_consent_age(p_log uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(ch.birth_date <= current_date - make_interval(years => m.consent_age), false)
      FROM log l
      JOIN child ch ON ch.id = l.child_id
      JOIN municipality m ON m.id = l.municipality_id
     WHERE l.id = p_log
$$;

-- Every owner (each guardian, and the youth once at consent age) holds a valid consent to the log.
CREATE FUNCTION log_consent_complete(p_log uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
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

-- The status everyone sees: an ACTIVE log whose consents lapsed (expired, or a
-- child who reached consent age without consenting) is PASSIVE, with no action by anyone.
CREATE FUNCTION log_effective_status(p_log uuid, p_status text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_status = 'ACTIVE' AND NOT log_consent_complete(p_log) THEN 'PASSIVE'
                ELSE p_status END
$$;

-- A unit may take part in the log: the home unit through the log consent,
-- any other unit through a valid consent to that unit.
CREATE FUNCTION unit_consented(p_log uuid, p_unit uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM log WHERE id = p_log AND unit_id = p_unit AND log_consent_complete(p_log))
        OR EXISTS (SELECT 1 FROM consent c
                    WHERE c.log_id = p_log AND c.scope = 'UNIT' AND c.unit_id = p_unit AND consent_valid(c))
$$;
