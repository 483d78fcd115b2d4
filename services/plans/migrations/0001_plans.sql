-- The plans service's schema: documents and the "implements" graph, their
-- tasks (including those cascaded to communes) and the status report
-- history. Owned by the plans role. Agencies and communes are registry units
-- referred to by id; the registry's tables are never read.

CREATE TABLE documents (
  -- The {document} of documents/{document}.
  id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  number        text NOT NULL UNIQUE CHECK (number <> '' AND length(number) <= 100),
  -- A DocumentKind value name.
  kind          text NOT NULL CHECK (kind IN ('RESOLUTION', 'ACTION_PROGRAMME',
                                              'PLAN', 'DECISION', 'CONCLUSION')),
  -- The registry unit that issued it, and the name as written.
  issuer_id     text NOT NULL,
  issuer_text   text NOT NULL,
  level         text NOT NULL CHECK (level IN (
                  'CENTRAL_PARTY', 'CENTRAL_GOVERNMENT', 'CENTRAL_MINISTRY',
                  'CITY_PARTY', 'CITY_GOVERNMENT', 'CITY_DEPARTMENT',
                  'WARD_PARTY', 'WARD_GOVERNMENT')),
  issue_date    date,
  title         text NOT NULL CHECK (title <> '' AND length(title) <= 1000),
  -- The commune-level unit of the issuer (registry id), for coverage.
  commune_id    text,
  revision      bigint NOT NULL DEFAULT 1 CHECK (revision >= 1),
  request_id    text UNIQUE,
  create_time   timestamptz NOT NULL DEFAULT now(),
  update_time   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_by_commune ON documents (commune_id)
  WHERE commune_id IS NOT NULL;

-- document_id implements implemented_id. The service refuses cycles.
CREATE TABLE document_links (
  document_id    text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  implemented_id text NOT NULL REFERENCES documents (id),
  PRIMARY KEY (document_id, implemented_id),
  CHECK (document_id <> implemented_id)
);
CREATE INDEX document_links_by_implemented ON document_links (implemented_id);

CREATE TABLE tasks (
  document_id      text NOT NULL REFERENCES documents (id),
  id               text NOT NULL CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  group_name       text NOT NULL DEFAULT '',
  number           text NOT NULL DEFAULT '',
  -- The number as an integer for ordering; 0 when it is not one.
  ordinal          integer NOT NULL DEFAULT 0,
  content          text NOT NULL CHECK (content <> '' AND length(content) <= 4000),
  lead_agency_id   text NOT NULL,
  lead_agency_text text NOT NULL DEFAULT '',
  coordinating     text NOT NULL DEFAULT '',
  product          text NOT NULL DEFAULT '',
  approving_level  text NOT NULL DEFAULT '',
  -- The time verbatim and what it parsed to (task_time.h). due_date is
  -- derived from time_text alone, so it never goes stale; "overdue" is
  -- computed as of a date and never stored.
  time_text        text NOT NULL CHECK (time_text <> ''),
  time_form        text NOT NULL CHECK (time_form IN (
                     'MONTH', 'DATE', 'YEAR', 'YEAR_RANGE', 'RECURRING_YEARLY',
                     'FREE_TEXT')),
  due_date         date,
  start_year       integer NOT NULL DEFAULT 0,
  end_year         integer NOT NULL DEFAULT 0,
  recurring_month  integer CHECK (recurring_month BETWEEN 1 AND 12),
  recurring_day    integer CHECK (recurring_day BETWEEN 1 AND 31),
  -- Cascaded children: the parent task (same document) and the commune.
  parent_task_id   text,
  commune_id       text,
  -- From the latest status report.
  state            text NOT NULL DEFAULT 'NOT_STARTED' CHECK (state IN (
                     'NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DONE_LATE',
                     'CANCELLED')),
  progress_percent integer NOT NULL DEFAULT 0
                   CHECK (progress_percent BETWEEN 0 AND 100),
  -- report_date of the latest DONE/DONE_LATE report (yearly tasks' cycles).
  last_done_date   date,
  generated        boolean NOT NULL DEFAULT false,
  revision         bigint NOT NULL DEFAULT 1 CHECK (revision >= 1),
  request_id       text UNIQUE,
  create_time      timestamptz NOT NULL DEFAULT now(),
  update_time      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, id),
  FOREIGN KEY (document_id, parent_task_id) REFERENCES tasks (document_id, id),
  UNIQUE (document_id, parent_task_id, commune_id),
  CHECK ((parent_task_id IS NULL) = (commune_id IS NULL)),
  CHECK ((time_form IN ('MONTH', 'DATE', 'YEAR', 'YEAR_RANGE')) =
         (due_date IS NOT NULL)),
  CHECK ((time_form = 'RECURRING_YEARLY') =
         (recurring_month IS NOT NULL AND recurring_day IS NOT NULL))
);
-- ListTasks in group and number order.
CREATE INDEX tasks_in_order ON tasks (document_id, group_name, ordinal, id);
-- A parent's children (cascade, children done).
CREATE INDEX tasks_by_parent ON tasks (document_id, parent_task_id)
  WHERE parent_task_id IS NOT NULL;
-- The chasing list: open tasks by deadline, and the open yearly ones.
CREATE INDEX tasks_open_by_due ON tasks (due_date)
  WHERE state NOT IN ('DONE', 'DONE_LATE', 'CANCELLED');
CREATE INDEX tasks_open_yearly ON tasks (document_id)
  WHERE time_form = 'RECURRING_YEARLY' AND state <> 'CANCELLED';

-- Every status report; history, never edited.
CREATE TABLE status_reports (
  id               bigserial PRIMARY KEY,
  document_id      text NOT NULL,
  task_id          text NOT NULL,
  state            text NOT NULL CHECK (state IN (
                     'NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DONE_LATE',
                     'CANCELLED')),
  progress_percent integer NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
  evidence         text NOT NULL DEFAULT '',
  report_date      date NOT NULL,
  generated        boolean NOT NULL DEFAULT false,
  create_time      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (document_id, task_id) REFERENCES tasks (document_id, id)
);
CREATE INDEX status_reports_by_task ON status_reports (document_id, task_id, id);
