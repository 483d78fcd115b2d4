-- The reporting loop: approval workflows (their levels and approvers are
-- data) and each unit's submission of a workflow's figures for a period.

CREATE TABLE approval_workflows (
  -- The {workflow} of approvalWorkflows/{workflow}.
  id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  display_name  text NOT NULL CHECK (display_name <> ''),
  period_type   text NOT NULL
                CHECK (period_type IN ('SCHOOL_YEAR', 'CALENDAR_YEAR',
                                       'SEMESTER', 'QUARTER', 'MONTH')),
  -- The registry id of the division that approves as "division".
  lead_agency   text NOT NULL CHECK (lead_agency <> ''),
  request_id    text UNIQUE,
  create_time   timestamptz NOT NULL DEFAULT now()
);

-- The figures a workflow's submissions cover and lock.
CREATE TABLE approval_workflow_indicators (
  workflow_id   text NOT NULL REFERENCES approval_workflows (id),
  indicator_id  text NOT NULL REFERENCES indicators (id),
  PRIMARY KEY (workflow_id, indicator_id)
);
CREATE INDEX approval_workflow_indicators_by_indicator
  ON approval_workflow_indicators (indicator_id);

CREATE TABLE approval_levels (
  workflow_id      text NOT NULL REFERENCES approval_workflows (id),
  -- Bottom up, from 1.
  position         integer NOT NULL CHECK (position >= 1),
  reporting_level  text NOT NULL CHECK (reporting_level IN ('SCHOOL', 'COMMUNE')),
  approver_roles   text[] NOT NULL CHECK (cardinality(approver_roles) > 0),
  PRIMARY KEY (workflow_id, position),
  UNIQUE (workflow_id, reporting_level)
);

-- No row: the unit is in DRAFT.
CREATE TABLE submissions (
  workflow_id      text NOT NULL REFERENCES approval_workflows (id),
  org_unit         text NOT NULL,
  period           text NOT NULL,
  -- The registry id of the unit's commune (the unit itself for a commune):
  -- whose officers see and review it.
  commune          text NOT NULL,
  state            text NOT NULL
                   CHECK (state IN ('SUBMITTED', 'APPROVED', 'RETURNED')),
  reason           text NOT NULL DEFAULT '',
  update_actor     text NOT NULL,
  update_time      timestamptz NOT NULL DEFAULT now(),
  revision         bigint NOT NULL DEFAULT 1 CHECK (revision >= 1),
  -- The request id of the last transition (a retry returns its result).
  request_id       text,
  PRIMARY KEY (workflow_id, org_unit, period),
  CHECK ((state = 'RETURNED') = (reason <> ''))
);
-- A reviewer's queue: one workflow and period, oldest change first.
CREATE INDEX submissions_queue
  ON submissions (workflow_id, period, update_time, org_unit);
CREATE INDEX submissions_by_commune ON submissions (commune, workflow_id, period);
-- Writes look up the locks of the values they touch.
CREATE INDEX submissions_locked ON submissions (org_unit, period)
  WHERE state IN ('SUBMITTED', 'APPROVED');
