-- Periodic reporting: cycles a document asks for, and each unit's
-- submissions. On time / late / missing is computed as of a day
-- (report_cycles.h), never stored.

CREATE TABLE report_cycles (
  document_id    text NOT NULL REFERENCES documents (id),
  id             text NOT NULL CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  title          text NOT NULL CHECK (title <> '' AND length(title) <= 1000),
  frequency      text NOT NULL CHECK (frequency IN (
                   'MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY',
                   'FIXED_DATES')),
  due_days_after_period integer NOT NULL DEFAULT 0
                 CHECK (due_days_after_period BETWEEN 0 AND 366),
  fixed_dates    date[] NOT NULL DEFAULT '{}',
  first_day      date NOT NULL,
  last_day       date CHECK (last_day >= first_day),
  -- Registry unit ids.
  reporting_units text[] NOT NULL DEFAULT '{}',
  revision       bigint NOT NULL DEFAULT 1,
  create_time    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, id),
  CHECK ((frequency = 'FIXED_DATES') = (cardinality(fixed_dates) > 0))
);

CREATE TABLE submissions (
  document_id    text NOT NULL,
  cycle_id       text NOT NULL,
  unit_id        text NOT NULL,
  due_date       date NOT NULL,
  submitted_date date NOT NULL,
  evidence       text NOT NULL DEFAULT '',
  create_time    timestamptz NOT NULL DEFAULT now(),
  -- The first submission for a due date counts.
  PRIMARY KEY (document_id, cycle_id, unit_id, due_date),
  FOREIGN KEY (document_id, cycle_id) REFERENCES report_cycles (document_id, id)
);
