-- The deadline sweep looks for open measures whose deadline is past (or near)
-- and not yet announced. With only an index on the open measures' deadlines
-- it walked every overdue measure already announced: 700 ms at 10,000 logs
-- (500,000 measures), past the statement timeout at 100,000, so the sweep
-- failed every time there. These indexes hold only what is still to be
-- announced, so a sweep reads what it emits and little more.
CREATE INDEX measure_overdue_unannounced_idx ON measure (deadline, id)
    WHERE status IN ('PLANNED', 'IN_PROGRESS') AND overdue_emitted_for IS DISTINCT FROM deadline;
CREATE INDEX measure_due_soon_unannounced_idx ON measure (deadline, id)
    WHERE status IN ('PLANNED', 'IN_PROGRESS') AND due_soon_emitted_for IS DISTINCT FROM deadline;
