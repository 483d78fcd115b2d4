-- The budget service's schema: budget versions (complete and immutable:
-- a new version is added, nothing is updated or deleted), their lines,
-- investment projects with their monthly plan and payments, and the salary
-- base as dated configuration. Owned by the budget role; units are registry
-- ids, never joined. Money is bigint đồng.

CREATE TABLE budget_versions (
  -- The budget's owner: the city or a commune-level unit.
  budget_unit   text NOT NULL CHECK (budget_unit ~ '^[a-z][a-z0-9-]{0,62}$'),
  fiscal_year   integer NOT NULL CHECK (fiscal_year BETWEEN 2000 AND 2100),
  stage         text NOT NULL CHECK (stage IN ('ESTIMATE', 'ADJUSTED_ESTIMATE',
                                               'EXECUTION', 'FINAL_ACCOUNTS')),
  version       integer NOT NULL CHECK (version >= 1),
  level         text NOT NULL CHECK (level IN ('CITY', 'COMMUNE')),
  note          text NOT NULL DEFAULT '',
  line_count    integer NOT NULL CHECK (line_count >= 1),
  -- The sums of the lines, computed with overflow checks when written.
  total_dong                      bigint NOT NULL CHECK (total_dong >= 0),
  state_total_dong                bigint NOT NULL CHECK (state_total_dong >= 0),
  state_education_dong            bigint NOT NULL
                                  CHECK (state_education_dong >= 0),
  state_education_investment_dong bigint NOT NULL
                                  CHECK (state_education_investment_dong >= 0),
  non_state_education_dong        bigint NOT NULL
                                  CHECK (non_state_education_dong >= 0),
  generated     boolean NOT NULL DEFAULT false,
  creator       text NOT NULL,
  request_id    text UNIQUE,
  create_time   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (budget_unit, fiscal_year, stage, version)
);

-- Compliance reads the current version of every budget of some years at
-- one stage.
CREATE INDEX budget_versions_by_year
  ON budget_versions (fiscal_year, stage, budget_unit, version DESC);

CREATE TABLE budget_lines (
  budget_unit         text NOT NULL,
  fiscal_year         integer NOT NULL,
  stage               text NOT NULL,
  version             integer NOT NULL,
  line_no             integer NOT NULL CHECK (line_no >= 1),
  unit                text NOT NULL,
  function            text NOT NULL
                      CHECK (function IN ('EDUCATION_TRAINING', 'OTHER_SECTOR')),
  sub_sector          text NOT NULL DEFAULT '',
  sector              text NOT NULL DEFAULT '',
  economic_type       text NOT NULL
                      CHECK (economic_type IN ('RECURRENT',
                                               'DEVELOPMENT_INVESTMENT')),
  source              text NOT NULL
                      CHECK (source IN ('STATE_BUDGET', 'TUITION',
                                        'SOCIAL_CONTRIBUTIONS')),
  approving_document  text NOT NULL CHECK (approving_document <> ''),
  amount_dong         bigint NOT NULL CHECK (amount_dong >= 0),
  description         text NOT NULL DEFAULT '',
  PRIMARY KEY (budget_unit, fiscal_year, stage, version, line_no),
  FOREIGN KEY (budget_unit, fiscal_year, stage, version)
    REFERENCES budget_versions (budget_unit, fiscal_year, stage, version),
  CHECK ((function = 'EDUCATION_TRAINING') = (sub_sector <> ''))
);

-- Versions are history: nothing overwrites or removes one.
CREATE FUNCTION budget_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'budget versions are immutable (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'check_violation';
END $$;

CREATE TRIGGER budget_versions_immutable
  BEFORE UPDATE OR DELETE ON budget_versions
  FOR EACH ROW EXECUTE FUNCTION budget_refuse_change();
CREATE TRIGGER budget_lines_immutable
  BEFORE UPDATE OR DELETE ON budget_lines
  FOR EACH ROW EXECUTE FUNCTION budget_refuse_change();

CREATE TABLE projects (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  display_name        text NOT NULL CHECK (display_name <> ''),
  budget_unit         text NOT NULL,
  unit                text NOT NULL,
  approved_total_dong bigint NOT NULL CHECK (approved_total_dong > 0),
  approving_document  text NOT NULL CHECK (approving_document <> ''),
  -- Sum of disbursements, kept with them (at most approved_total_dong).
  disbursed_dong      bigint NOT NULL DEFAULT 0
                      CHECK (disbursed_dong BETWEEN 0 AND approved_total_dong),
  generated           boolean NOT NULL DEFAULT false,
  revision            bigint NOT NULL DEFAULT 1,
  request_id          text UNIQUE,
  create_time         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX projects_by_budget_unit ON projects (budget_unit, id);

CREATE TABLE project_plan (
  project_id   text NOT NULL REFERENCES projects (id),
  year         integer NOT NULL,
  month        integer NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount_dong  bigint NOT NULL CHECK (amount_dong > 0),
  PRIMARY KEY (project_id, year, month)
);

CREATE TABLE disbursements (
  project_id   text NOT NULL REFERENCES projects (id),
  seq          integer NOT NULL CHECK (seq >= 1),
  year         integer NOT NULL,
  month        integer NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount_dong  bigint NOT NULL CHECK (amount_dong > 0),
  note         text NOT NULL DEFAULT '',
  creator      text NOT NULL,
  request_id   text UNIQUE,
  create_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, seq)
);

-- Mức lương cơ sở: configuration as dated rows; the base in force on a day
-- is the latest effective_from on or before it.
CREATE TABLE salary_bases (
  effective_from  date PRIMARY KEY,
  amount_dong     bigint NOT NULL CHECK (amount_dong > 0),
  document        text NOT NULL
);
INSERT INTO salary_bases (effective_from, amount_dong, document) VALUES
  ('2023-07-01', 1800000, 'Nghị định 24/2023/NĐ-CP'),
  ('2024-07-01', 2340000, 'Nghị định 73/2024/NĐ-CP');
