-- Issue 18: a municipality set up through the API. Units get an optional
-- organization number (Enhetsregisteret: nine digits) and can be
-- deactivated (kept for their history, proposed for no new log). Changes to
-- the organization are recorded in admin_log, as changes to a log are in
-- access_log: they are about no log, so access_log (one log per entry) is
-- not their place.

ALTER TABLE unit
    ADD COLUMN organization_number text CHECK (organization_number ~ '^[0-9]{9}$'),
    ADD COLUMN deactivated_at timestamptz;

ALTER TABLE municipality ADD CONSTRAINT municipality_name_length CHECK (char_length(name) BETWEEN 1 AND 200);
ALTER TABLE unit ADD CONSTRAINT unit_name_length CHECK (char_length(name) BETWEEN 1 AND 200);
-- Names are unique without regard to case (a municipality's units among
-- themselves): the API checks first for a clear field error, and these
-- decide between two requests racing past that check.
CREATE UNIQUE INDEX municipality_name_unique ON municipality (lower(name));
CREATE UNIQUE INDEX unit_name_unique ON unit (municipality_id, lower(name));

CREATE TABLE admin_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid NOT NULL REFERENCES person (id),
    actor_role text NOT NULL,
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    object_type text NOT NULL CHECK (object_type IN ('MUNICIPALITY', 'UNIT', 'STAFF')),
    object_id uuid NOT NULL,
    action text NOT NULL CHECK (action IN ('CREATE', 'UPDATE', 'DELETE')),
    detail text CHECK (char_length(detail) <= 2000)
);
CREATE INDEX admin_log_by_municipality ON admin_log (municipality_id, id DESC);
