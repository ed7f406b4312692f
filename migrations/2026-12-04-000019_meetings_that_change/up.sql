-- Issue 19, point 1: meetings that change. A meeting is rescheduled or
-- cancelled (each bumps its iCalendar SEQUENCE, so a calendar program
-- replaces the copy it holds), gathers agenda items before it is held, and
-- records who came with its minutes.
ALTER TABLE meeting
    ADD COLUMN sequence      integer NOT NULL DEFAULT 0 CHECK (sequence >= 0),
    -- when it was last rescheduled or cancelled (the iCalendar DTSTAMP)
    ADD COLUMN changed_at    timestamptz,
    ADD COLUMN cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 2000),
    ADD CHECK (status = 'CANCELLED' OR cancel_reason IS NULL);

-- A meeting change tells the invitees by a message of its own kind.
ALTER TABLE message DROP CONSTRAINT message_kind_check;
ALTER TABLE message ADD CONSTRAINT message_kind_check
    CHECK (kind IN ('MESSAGE', 'INVITATION', 'MINUTES', 'NOTICE', 'MEETING_CHANGED'));
ALTER TABLE message DROP CONSTRAINT message_check;
ALTER TABLE message ADD CONSTRAINT message_check
    CHECK ((kind IN ('INVITATION', 'MINUTES', 'MEETING_CHANGED')) = (meeting_id IS NOT NULL));

CREATE TABLE meeting_agenda_item (
    id         uuid PRIMARY KEY,
    meeting_id uuid NOT NULL,
    log_id     uuid NOT NULL,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    added_by   uuid NOT NULL REFERENCES person (id),
    added_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (meeting_id, log_id) REFERENCES meeting (id, log_id)
);
CREATE INDEX meeting_agenda_item_meeting_idx ON meeting_agenda_item (meeting_id, added_at, id);

CREATE TABLE meeting_attendee (
    meeting_id uuid NOT NULL REFERENCES meeting (id),
    person_id  uuid NOT NULL REFERENCES person (id),
    PRIMARY KEY (meeting_id, person_id)
);
