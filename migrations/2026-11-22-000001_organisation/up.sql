-- Who exists: municipalities, their units, and the people who use Stafett.
--
-- Staff and citizens are both "persons" so that authors, recipients, responsible
-- people, readers and access-log actors can all be one foreign key.

CREATE TABLE municipality (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- The age at which the child becomes an owner of the log (samtykkealder).
    consent_age integer NOT NULL DEFAULT 16 CHECK (consent_age IN (15, 16)),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE unit (
    id              uuid PRIMARY KEY,
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    service_kind    text NOT NULL CHECK (service_kind IN (
        'KINDERGARTEN', 'SCHOOL', 'HEALTH_STATION', 'PPT', 'CHILD_WELFARE',
        'NAV', 'GP', 'MENTAL_HEALTH', 'OTHER')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- lets a log reference (unit, municipality) so its home unit is in its municipality
    UNIQUE (id, municipality_id)
);
CREATE INDEX unit_municipality_idx ON unit (municipality_id);

CREATE TABLE person (
    id         uuid PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('STAFF', 'CITIZEN')),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone      text CHECK (length(phone) <= 40),
    email      text CHECK (length(email) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- lets staff/citizen reference (id, kind) so a staff row can never point at a citizen
    UNIQUE (id, kind)
);

CREATE TABLE staff (
    person_id       uuid PRIMARY KEY,
    kind            text NOT NULL DEFAULT 'STAFF' CHECK (kind = 'STAFF'),
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    -- The identity the municipality's identity provider puts in its tokens
    -- (`sub`, or `oid` for Entra ID). Registered by an admin.
    external_id     text UNIQUE CHECK (length(external_id) BETWEEN 1 AND 200),
    FOREIGN KEY (person_id, kind) REFERENCES person (id, kind)
);

CREATE TABLE citizen (
    person_id   uuid PRIMARY KEY,
    kind        text NOT NULL DEFAULT 'CITIZEN' CHECK (kind = 'CITIZEN'),
    -- fødselsnummer / D-nummer; the check digits are validated by the API
    national_id text NOT NULL UNIQUE CHECK (national_id ~ '^[0-9]{11}$'),
    address     text CHECK (length(address) <= 400),
    FOREIGN KEY (person_id, kind) REFERENCES person (id, kind)
);

CREATE TABLE staff_unit_role (
    staff_id   uuid NOT NULL REFERENCES staff (person_id),
    unit_id    uuid NOT NULL REFERENCES unit (id),
    role       text NOT NULL CHECK (role IN ('UNIT_ADMIN', 'UNIT_LEADER', 'EMPLOYEE')),
    title      text CHECK (length(title) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (staff_id, unit_id, role)
);
CREATE INDEX staff_unit_role_unit_idx ON staff_unit_role (unit_id);

CREATE TABLE staff_municipal_role (
    staff_id        uuid NOT NULL REFERENCES staff (person_id),
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    role            text NOT NULL CHECK (role IN ('MUNICIPAL_ADMIN', 'SYSTEM_OWNER')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (staff_id, municipality_id, role)
);

CREATE TABLE template (
    id              uuid PRIMARY KEY,
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- guidance texts shown in each section of a new log, e.g. {"presentation": "..."}
    section_prompts jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(section_prompts) = 'object'),
    default_goal_areas text[] NOT NULL DEFAULT '{}'
        CHECK (default_goal_areas <@ ARRAY['HOME_LEISURE', 'KINDERGARTEN_SCHOOL', 'OTHER_SERVICES']),
    created_by      uuid NOT NULL REFERENCES staff (person_id),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX template_municipality_idx ON template (municipality_id);
