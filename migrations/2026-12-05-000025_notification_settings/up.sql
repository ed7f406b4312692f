-- Issue 20, point 1: how each person wants to be told of each kind of
-- thing outside the app. A row only where the person chose; the default
-- (immediate e-mail, no SMS) is the API's, so a changed default reaches
-- everyone who has not chosen.
CREATE TABLE notification_setting (
    person_id  uuid NOT NULL REFERENCES person (id),
    kind       text NOT NULL CHECK (kind IN ('MESSAGE', 'MEASURE', 'DEADLINE', 'MEETING', 'HANDOVER', 'CONSENT')),
    channel    text NOT NULL CHECK (channel IN ('EMAIL', 'SMS', 'EMAIL_AND_SMS', 'NONE')),
    timing     text NOT NULL CHECK (timing IN ('IMMEDIATE', 'DAILY_DIGEST')),
    chosen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, kind)
);
