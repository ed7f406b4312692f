-- Issue 19, point 2: templates that work. A template changes by versions:
-- each version is kept as it was (template_version), a log records the
-- version it was made from (log_template), so changing a template changes
-- no log. A retired template is offered for no new log.
ALTER TABLE template
    ADD COLUMN version    integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN retired_at timestamptz;
UPDATE template SET updated_at = created_at;

CREATE TABLE template_version (
    template_id        uuid NOT NULL REFERENCES template (id),
    version            integer NOT NULL CHECK (version >= 1),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    section_prompts    jsonb NOT NULL CHECK (jsonb_typeof(section_prompts) = 'object'),
    default_goal_areas text[] NOT NULL
        CHECK (default_goal_areas <@ ARRAY['HOME_LEISURE', 'KINDERGARTEN_SCHOOL', 'OTHER_SERVICES']),
    created_by         uuid NOT NULL REFERENCES staff (person_id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, version)
);
INSERT INTO template_version (template_id, version, name, section_prompts, default_goal_areas, created_by, created_at)
SELECT id, 1, name, section_prompts, default_goal_areas, created_by, created_at FROM template;

CREATE TABLE log_template (
    log_id      uuid PRIMARY KEY REFERENCES log (id),
    template_id uuid NOT NULL,
    version     integer NOT NULL,
    FOREIGN KEY (template_id, version) REFERENCES template_version (template_id, version)
);
INSERT INTO log_template (log_id, template_id, version) SELECT id, template_id, 1 FROM log WHERE template_id IS NOT NULL;
