-- What the log holds: goals, measures, evaluations, comments, meetings and messages.
-- Nested objects carry their log_id, tied to their parent's by composite foreign
-- keys, so an object can never move to another log or hang under a foreign parent.

CREATE TABLE goal (
    id          uuid PRIMARY KEY,
    log_id      uuid NOT NULL REFERENCES log (id),
    area        text NOT NULL CHECK (area IN ('HOME_LEISURE', 'KINDERGARTEN_SCHOOL', 'OTHER_SERVICES')),
    bti_level   integer NOT NULL CHECK (bti_level BETWEEN 1 AND 3),
    description text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    status      text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ACHIEVED', 'DISCONTINUED')),
    created_by  uuid NOT NULL REFERENCES person (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, log_id)
);
CREATE INDEX goal_log_idx ON goal (log_id, created_at);

CREATE TABLE measure (
    id             uuid PRIMARY KEY,
    log_id         uuid NOT NULL,
    goal_id        uuid NOT NULL,
    description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
    -- a participant (staff) or an owner (guardian, or the youth for her own measures)
    responsible_id uuid NOT NULL REFERENCES person (id),
    deadline       date,
    status         text NOT NULL DEFAULT 'PLANNED'
                   CHECK (status IN ('PLANNED', 'IN_PROGRESS', 'DONE', 'CANCELLED')),
    created_by     uuid NOT NULL REFERENCES person (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- the deadline for which the "overdue" / "due soon" events were emitted,
    -- so that each is emitted once per deadline, by one instance
    overdue_emitted_for  date,
    due_soon_emitted_for date,
    FOREIGN KEY (goal_id, log_id) REFERENCES goal (id, log_id),
    UNIQUE (id, log_id)
);
CREATE INDEX measure_goal_idx ON measure (goal_id, created_at);
CREATE INDEX measure_responsible_idx ON measure (responsible_id);
CREATE INDEX measure_open_deadline_idx ON measure (deadline) WHERE status IN ('PLANNED', 'IN_PROGRESS');

CREATE TABLE evaluation (
    id           uuid PRIMARY KEY,
    log_id       uuid NOT NULL,
    measure_id   uuid,
    goal_id      uuid,
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    evaluated_on date NOT NULL DEFAULT current_date,
    author_id    uuid NOT NULL REFERENCES person (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (measure_id, log_id) REFERENCES measure (id, log_id),
    FOREIGN KEY (goal_id, log_id) REFERENCES goal (id, log_id),
    CHECK (num_nonnulls(measure_id, goal_id) = 1)
);
CREATE INDEX evaluation_measure_idx ON evaluation (measure_id) WHERE measure_id IS NOT NULL;
CREATE INDEX evaluation_goal_idx ON evaluation (goal_id) WHERE goal_id IS NOT NULL;

CREATE TABLE comment (
    id         uuid PRIMARY KEY,
    log_id     uuid NOT NULL,
    measure_id uuid,
    goal_id    uuid,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    author_id  uuid NOT NULL REFERENCES person (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (measure_id, log_id) REFERENCES measure (id, log_id),
    FOREIGN KEY (goal_id, log_id) REFERENCES goal (id, log_id),
    CHECK (num_nonnulls(measure_id, goal_id) = 1)
);
CREATE INDEX comment_measure_idx ON comment (measure_id) WHERE measure_id IS NOT NULL;
CREATE INDEX comment_goal_idx ON comment (goal_id) WHERE goal_id IS NOT NULL;

CREATE TABLE meeting (
    id                  uuid PRIMARY KEY,
    log_id              uuid NOT NULL REFERENCES log (id),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at           timestamptz NOT NULL,
    location            text CHECK (length(location) <= 200),
    agenda              text CHECK (length(agenda) <= 10000),
    status              text NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'HELD', 'CANCELLED')),
    minutes             text CHECK (length(minutes) <= 50000),
    minutes_recorded_at timestamptz,
    minutes_recorded_by uuid REFERENCES staff (person_id),
    created_by          uuid NOT NULL REFERENCES person (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((minutes IS NULL) = (minutes_recorded_at IS NULL)),
    UNIQUE (id, log_id)
);
CREATE INDEX meeting_log_idx ON meeting (log_id, starts_at);

CREATE TABLE meeting_invitee (
    meeting_id uuid NOT NULL REFERENCES meeting (id),
    person_id  uuid NOT NULL REFERENCES person (id),
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE message (
    id         uuid PRIMARY KEY,
    log_id     uuid NOT NULL REFERENCES log (id),
    author_id  uuid NOT NULL REFERENCES person (id),
    kind       text NOT NULL DEFAULT 'MESSAGE' CHECK (kind IN ('MESSAGE', 'INVITATION', 'MINUTES')),
    meeting_id uuid,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    -- addressed to everyone in the log; otherwise to the rows in message_recipient
    to_all     boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (meeting_id, log_id) REFERENCES meeting (id, log_id),
    CHECK ((kind = 'MESSAGE') = (meeting_id IS NULL))
);
CREATE INDEX message_log_idx ON message (log_id, created_at DESC, id DESC);

CREATE TABLE message_recipient (
    message_id uuid NOT NULL REFERENCES message (id),
    person_id  uuid NOT NULL REFERENCES person (id),
    PRIMARY KEY (message_id, person_id)
);
CREATE INDEX message_recipient_person_idx ON message_recipient (person_id);

CREATE TABLE message_read (
    message_id uuid NOT NULL REFERENCES message (id),
    person_id  uuid NOT NULL REFERENCES person (id),
    read_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, person_id)
);
