-- Imports at the speed of COPY, and city roll-ups whose cost does not grow
-- with the number of reports.

-- 1. The current revision of a value lives only in reported_values; the
--    revisions table keeps those a correction superseded (every revision
--    used to be written twice). ListValueRevisions reads both.
ALTER TABLE reported_values ADD COLUMN request_id text;
UPDATE reported_values v SET request_id = r.request_id
FROM reported_value_revisions r
WHERE r.indicator_id = v.indicator_id AND r.org_unit = v.org_unit
  AND r.period = v.period AND r.disaggregation = v.disaggregation
  AND r.revision = v.revision AND r.request_id IS NOT NULL;
DELETE FROM reported_value_revisions r USING reported_values v
WHERE r.indicator_id = v.indicator_id AND r.org_unit = v.org_unit
  AND r.period = v.period AND r.disaggregation = v.disaggregation
  AND r.revision = v.revision;
CREATE UNIQUE INDEX reported_values_by_request ON reported_values (request_id)
  WHERE request_id IS NOT NULL;

-- 2. One index instead of two: the key leads with the unit, so that a
--    unit's history (the outlier check) and a period's reports are both
--    read from it. The service checks every value's indicator inside the
--    writing transaction and indicators are never deleted, so the per-row
--    foreign-key check (a third of an import's time) goes.
ALTER TABLE reported_values DROP CONSTRAINT reported_values_indicator_id_fkey;
DROP INDEX reported_values_by_unit;
ALTER TABLE reported_values DROP CONSTRAINT reported_values_pkey,
  ADD CONSTRAINT reported_values_pkey
  PRIMARY KEY (indicator_id, org_unit, disaggregation, period);

-- 3. Totals of the current values over the whole city, per indicator,
--    period and disaggregation (and over all disaggregations), kept by every
--    write in its own transaction with the change it makes. A city-wide
--    roll-up reads these rows instead of every report.
CREATE TABLE value_totals (
  indicator_id        text NOT NULL,
  period_ordinal      bigint NOT NULL,
  period              text NOT NULL,
  -- true: the row totals every disaggregation (disaggregation is '').
  all_disaggregations boolean NOT NULL,
  disaggregation      text NOT NULL,
  numerator           bigint NOT NULL,
  denominator         bigint NOT NULL,
  -- Current values counted.
  value_count         integer NOT NULL CHECK (value_count >= 0),
  -- Distinct units among them.
  reporters           integer NOT NULL CHECK (reporters >= 0),
  -- UNIT_COUNT: values meeting the indicator's condition_threshold.
  meeting             integer NOT NULL CHECK (meeting >= 0),
  -- The value when value_count is 1 (a plain value is not aggregated).
  plain_value         numeric,
  PRIMARY KEY (indicator_id, period_ordinal, all_disaggregations,
               disaggregation)
);

INSERT INTO value_totals
SELECT v.indicator_id, v.period_ordinal, min(v.period),
  GROUPING(v.disaggregation) = 1,
  CASE WHEN GROUPING(v.disaggregation) = 1 THEN '' ELSE v.disaggregation END,
  coalesce(sum(v.numerator), 0), coalesce(sum(v.denominator), 0), count(*),
  count(DISTINCT v.org_unit),
  count(*) FILTER (WHERE v.value >= i.condition_threshold),
  CASE WHEN count(*) = 1 THEN min(v.value) END
FROM reported_values v JOIN indicators i ON i.id = v.indicator_id
GROUP BY GROUPING SETS ((v.indicator_id, v.period_ordinal, v.disaggregation),
                        (v.indicator_id, v.period_ordinal));
