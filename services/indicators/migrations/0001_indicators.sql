-- The indicators service's schema: versioned indicator definitions,
-- targets, and reported values with every revision. Owned by the
-- indicators role; org units are registry ids (units/{id}), never joined.

CREATE TABLE indicators (
  -- The {indicator} of indicators/{indicator}: "hp-16".
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  code                text NOT NULL UNIQUE CHECK (code <> ''),
  display_name        text NOT NULL CHECK (display_name <> ''),
  english_name        text NOT NULL DEFAULT '',
  unit_label          text NOT NULL CHECK (unit_label <> ''),
  kind                text NOT NULL
                      CHECK (kind IN ('RATIO', 'UNIT_COUNT', 'PLAIN_VALUE')),
  factor              bigint NOT NULL DEFAULT 0,
  condition_threshold numeric,
  direction           text NOT NULL
                      CHECK (direction IN ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER')),
  lead_agency         text,
  reporting_level     text NOT NULL
                      CHECK (reporting_level IN ('SCHOOL', 'COMMUNE', 'CITY')),
  school_level        text,
  period_type         text NOT NULL
                      CHECK (period_type IN ('SCHOOL_YEAR', 'CALENDAR_YEAR',
                                             'SEMESTER', 'QUARTER', 'MONTH')),
  disaggregations     text[] NOT NULL DEFAULT '{}',
  source              text NOT NULL DEFAULT 'REPORTED'
                      CHECK (source IN ('REPORTED', 'STAFFING_SERVICE',
                                        'BUDGET_SERVICE')),
  lock_after_days     integer NOT NULL DEFAULT 0 CHECK (lock_after_days >= 0),
  -- The formula's version; a new one per change of kind, factor,
  -- condition_threshold or unit_label (indicator_versions keeps each).
  version             integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  revision            bigint NOT NULL DEFAULT 1 CHECK (revision >= 1),
  request_id          text UNIQUE,
  create_time         timestamptz NOT NULL DEFAULT now(),
  update_time         timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'RATIO') = (factor > 0)),
  CHECK ((kind = 'UNIT_COUNT') = (condition_threshold IS NOT NULL))
);

-- Every formula an indicator has had; values name the version they were
-- reported under.
CREATE TABLE indicator_versions (
  indicator_id        text NOT NULL REFERENCES indicators (id),
  version             integer NOT NULL,
  kind                text NOT NULL,
  factor              bigint NOT NULL,
  condition_threshold numeric,
  unit_label          text NOT NULL,
  create_time         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator_id, version)
);

CREATE TABLE targets (
  indicator_id   text NOT NULL REFERENCES indicators (id),
  id             text NOT NULL CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  org_unit       text NOT NULL,
  issuer         text NOT NULL CHECK (issuer <> ''),
  horizon        text NOT NULL,
  -- The last day of the horizon, for ordering.
  horizon_end    date NOT NULL,
  disaggregation text NOT NULL DEFAULT '',
  comparator     text NOT NULL
                 CHECK (comparator IN ('GREATER', 'GREATER_OR_EQUAL', 'LESS',
                                       'LESS_OR_EQUAL')),
  value          numeric NOT NULL,
  plan_document  text NOT NULL DEFAULT '',
  revision       bigint NOT NULL DEFAULT 1,
  request_id     text UNIQUE,
  create_time    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator_id, id)
);
CREATE INDEX targets_by_unit ON targets (indicator_id, org_unit, horizon_end);

-- The current value of each (indicator, unit, period, disaggregation): the
-- latest revision. reported_value_revisions keeps every one.
CREATE TABLE reported_values (
  indicator_id         text NOT NULL REFERENCES indicators (id),
  org_unit             text NOT NULL,
  period               text NOT NULL,
  disaggregation       text NOT NULL DEFAULT '',
  -- The period's ordinal among periods of the indicator's type (trend).
  period_ordinal       bigint NOT NULL,
  numerator            bigint CHECK (numerator >= 0),
  denominator          bigint CHECK (denominator > 0),
  value                numeric,
  provenance           text NOT NULL
                       CHECK (provenance IN ('ENTERED', 'IMPORTED', 'COMPUTED_FROM_SERVICE')),
  reporter             text NOT NULL,
  report_time          timestamptz NOT NULL DEFAULT now(),
  revision             bigint NOT NULL CHECK (revision >= 1),
  definition_version   integer NOT NULL,
  outlier              boolean NOT NULL DEFAULT false,
  lock_override_reason text,
  generated            boolean NOT NULL DEFAULT false,
  PRIMARY KEY (indicator_id, period, org_unit, disaggregation),
  CHECK ((numerator IS NULL) = (denominator IS NULL)),
  CHECK ((numerator IS NULL) <> (value IS NULL))
);
CREATE INDEX reported_values_by_unit
  ON reported_values (indicator_id, org_unit, disaggregation, period_ordinal);

CREATE TABLE reported_value_revisions (
  indicator_id         text NOT NULL,
  org_unit             text NOT NULL,
  period               text NOT NULL,
  disaggregation       text NOT NULL,
  revision             bigint NOT NULL,
  numerator            bigint,
  denominator          bigint,
  value                numeric,
  provenance           text NOT NULL,
  reporter             text NOT NULL,
  report_time          timestamptz NOT NULL,
  definition_version   integer NOT NULL,
  outlier              boolean NOT NULL,
  lock_override_reason text,
  generated            boolean NOT NULL,
  -- The ReportValue request that wrote this revision, for retries.
  request_id           text UNIQUE,
  PRIMARY KEY (indicator_id, org_unit, period, disaggregation, revision)
);
