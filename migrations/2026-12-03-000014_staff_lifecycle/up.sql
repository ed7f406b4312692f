-- Issue 18: staff come and go. A deactivated staff member keeps their
-- history (authorship, participations, roles) and is refused at sign-in;
-- reactivation gives it all back. access_changed_at is when their
-- principal last changed (deactivated, reactivated, roles changed): every
-- instance polls it to drop cached principals and end that person's
-- websockets, should the Redis doorbell that does so at once be lost.
ALTER TABLE staff
    ADD COLUMN deactivated_at timestamptz,
    ADD COLUMN access_changed_at timestamptz;
CREATE INDEX staff_access_changed ON staff (access_changed_at) WHERE access_changed_at IS NOT NULL;

-- A measure whose responsible was deactivated needs a new one: set then,
-- cleared when it changes hands or its responsible returns.
ALTER TABLE measure ADD COLUMN needs_responsible_since timestamptz;
CREATE INDEX measure_needs_responsible ON measure (log_id) WHERE needs_responsible_since IS NOT NULL;

-- A coordinator appointed without a handover (the unit leader's
-- reassignment when the coordinator is absent or deactivated): who
-- appointed them and why. Both null for a term that began with a handover
-- or the log's creation.
ALTER TABLE coordinator_term
    ADD COLUMN reason text CHECK (char_length(reason) BETWEEN 1 AND 2000),
    ADD COLUMN appointed_by uuid REFERENCES person (id);
