-- Deadlines that passed unmet, each marked once by the daily job mark-late
-- (LateMark in the API): an open task past its due date, or a periodic
-- report a unit had not submitted by its due date.
CREATE TABLE late_marks (
  name        text PRIMARY KEY,
  -- The task or the report cycle, by name.
  subject     text NOT NULL,
  title       text NOT NULL,
  -- Who is late: a registry unit id.
  unit_id     text NOT NULL,
  due_date    date NOT NULL,
  mark_date   date NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX late_marks_unit ON late_marks (unit_id, due_date);
