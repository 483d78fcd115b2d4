-- The staffing service's schema: staff records (pseudonymous ids, minimal
-- personal data), qualifications with dates, placements derived from
-- movements (dated intervals: who worked where on a day is a query),
-- schools' classes per year, norms and training standards as dated rows,
-- and quotas. Schools and communes are registry ids, never joined.

CREATE TABLE staff (
  -- The {staff} of staff/{staff}: pseudonymous, never derived from a name.
  id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  display_name  text NOT NULL CHECK (display_name <> ''),
  birth_year    integer NOT NULL CHECK (birth_year BETWEEN 1930 AND 2020),
  sex           text NOT NULL CHECK (sex IN ('FEMALE', 'MALE')),
  employment    text NOT NULL CHECK (employment IN ('PERMANENT', 'CONTRACT')),
  generated     boolean NOT NULL DEFAULT false,
  revision      bigint NOT NULL DEFAULT 1,
  request_id    text UNIQUE,
  create_time   timestamptz NOT NULL DEFAULT now(),
  update_time   timestamptz NOT NULL DEFAULT now()
);

-- Every qualification a person holds, with the day it was awarded (NULL:
-- unknown, counted as always held). rank orders them (INTERMEDIATE 1 ..
-- DOCTORATE 5).
CREATE TABLE qualifications (
  staff_id      text NOT NULL REFERENCES staff (id),
  qualification text NOT NULL CHECK (qualification IN
                  ('INTERMEDIATE', 'COLLEGE', 'BACHELOR', 'MASTER', 'DOCTORATE')),
  rank          integer NOT NULL CHECK (rank BETWEEN 1 AND 5),
  awarded_on    date,
  PRIMARY KEY (staff_id, qualification)
);

-- Where a person works over [valid_from, valid_until): written only with
-- the movement that opens or closes it.
CREATE TABLE placements (
  staff_id     text NOT NULL REFERENCES staff (id),
  valid_from   date NOT NULL,
  valid_until  date CHECK (valid_until IS NULL OR valid_until > valid_from),
  school       text NOT NULL,
  position     text NOT NULL CHECK (position IN ('TEACHER', 'MANAGER', 'STAFF')),
  level        text NOT NULL CHECK (level IN ('MN', 'TH', 'THCS', 'THPT')),
  subject      text NOT NULL DEFAULT '',
  PRIMARY KEY (staff_id, valid_from)
);
CREATE INDEX placements_school ON placements (school, valid_from);
CREATE INDEX placements_day ON placements (valid_from, valid_until)
  INCLUDE (staff_id, school, position, level, subject);
-- At most one open placement per person.
CREATE UNIQUE INDEX placements_open ON placements (staff_id)
  WHERE valid_until IS NULL;

CREATE TABLE movements (
  staff_id        text NOT NULL REFERENCES staff (id),
  id              bigint GENERATED ALWAYS AS IDENTITY,
  kind            text NOT NULL CHECK (kind IN ('APPOINTMENT', 'TRANSFER',
                    'ROTATION', 'SECONDMENT', 'LEAVING', 'REASSIGNMENT')),
  effective_date  date NOT NULL,
  end_date        date CHECK (end_date IS NULL OR end_date > effective_date),
  school          text,
  position        text,
  level           text,
  subject         text,
  prev_school     text,
  prev_position   text,
  prev_level      text,
  prev_subject    text,
  decision        text NOT NULL DEFAULT '',
  request_id      text UNIQUE,
  create_time     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, id)
);

CREATE TABLE school_classes (
  school           text NOT NULL,
  school_year      text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  grade            text NOT NULL,
  sessions_per_day integer NOT NULL CHECK (sessions_per_day IN (1, 2)),
  classes          integer NOT NULL CHECK (classes >= 0),
  pupils           integer NOT NULL CHECK (pupils >= 0),
  generated        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (school_year, school, grade, sessions_per_day)
);

CREATE TABLE norms (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level               text NOT NULL CHECK (level IN ('MN', 'TH', 'THCS', 'THPT')),
  grade               text NOT NULL DEFAULT '',
  sessions_per_day    integer NOT NULL DEFAULT 0 CHECK (sessions_per_day IN (0, 1, 2)),
  subject             text NOT NULL DEFAULT '',
  -- Teachers per class in thousandths: 1.50 is 1500.
  per_class_milli     integer NOT NULL CHECK (per_class_milli BETWEEN 0 AND 1000000),
  max_pupils          integer NOT NULL DEFAULT 0 CHECK (max_pupils >= 0),
  valid_from          date NOT NULL,
  valid_until         date CHECK (valid_until IS NULL OR valid_until > valid_from),
  source              text NOT NULL CHECK (source <> ''),
  request_id          text UNIQUE,
  UNIQUE (level, grade, sessions_per_day, subject, valid_from)
);

CREATE TABLE training_standards (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level        text NOT NULL CHECK (level IN ('MN', 'TH', 'THCS', 'THPT')),
  minimum      text NOT NULL CHECK (minimum IN
                 ('INTERMEDIATE', 'COLLEGE', 'BACHELOR', 'MASTER', 'DOCTORATE')),
  valid_from   date NOT NULL,
  valid_until  date CHECK (valid_until IS NULL OR valid_until > valid_from),
  source       text NOT NULL CHECK (source <> ''),
  request_id   text UNIQUE,
  UNIQUE (level, valid_from)
);

CREATE TABLE quotas (
  org_unit     text NOT NULL,
  school_year  text NOT NULL CHECK (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
  posts        integer NOT NULL CHECK (posts >= 0),
  decision     text NOT NULL DEFAULT '',
  update_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (school_year, org_unit)
);
