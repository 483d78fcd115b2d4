-- Roll-ups that count approved values: a flag per value, and totals of the
-- approved values of the periods a workflow gates, kept at every approval
-- and unapproval so that the city's approved figure costs what today's
-- does.

-- Periods from first_ordinal on (in the workflow's period type, which its
-- indicators share) need approval; earlier ones count as reported.
ALTER TABLE approval_workflows
  ADD COLUMN first_period  text NOT NULL DEFAULT '',
  ADD COLUMN first_ordinal bigint NOT NULL DEFAULT 0;

-- An indicator's values are gated by one workflow at most.
CREATE UNIQUE INDEX approval_workflow_indicators_one_workflow
  ON approval_workflow_indicators (indicator_id);
DROP INDEX approval_workflow_indicators_by_indicator;

-- Whether the value counts in approved-only roll-ups: always for a value
-- no workflow gates; for a gated one, once the workflow's top level has
-- approved its unit (a school's value also needs the school's own
-- submission approved). A gated value is locked while it is true.
ALTER TABLE reported_values ADD COLUMN approved boolean NOT NULL DEFAULT true;

-- value_totals over the approved values of gated periods only.
CREATE TABLE approved_totals (LIKE value_totals INCLUDING ALL);
