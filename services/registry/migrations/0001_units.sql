-- The registry's schema: dated units and their lineage. Owned by the
-- registry role; no other service reads these tables (they call the API).

CREATE TABLE units (
  -- The {unit} of units/{unit}.
  id            text PRIMARY KEY
                CHECK (id ~ '^[a-z][a-z0-9-]{0,62}$'),
  -- A UnitKind value name: 'WARD', 'SCHOOL'...
  kind          text NOT NULL
                CHECK (kind IN ('CITY', 'PROVINCE', 'URBAN_DISTRICT',
                                'RURAL_DISTRICT', 'DISTRICT_TOWN', 'WARD',
                                'COMMUNE', 'SPECIAL_ZONE', 'TOWNSHIP',
                                'SCHOOL', 'AGENCY')),
  -- NFC. Sorted with the ICU Vietnamese collation (Đ after D, before E).
  display_name  text COLLATE "vi-x-icu" NOT NULL
                CHECK (display_name <> '' AND length(display_name) <= 200),
  -- FoldForSearch(display_name), computed by the service: "phuong do son".
  search_name   text NOT NULL,
  -- The folded core of the name without prefixes ("do son"), for
  -- ResolveUnit.
  name_key      text NOT NULL,
  parent_id     text REFERENCES units (id) CHECK (parent_id <> id),
  valid_from    date NOT NULL,
  -- Exclusive; NULL while the unit exists.
  valid_until   date CHECK (valid_until > valid_from),
  -- Schools: SchoolLevel value names, at least one; NULL for other kinds.
  school_levels text[]
                CHECK (cardinality(school_levels) >= 1 AND
                       school_levels <@ ARRAY['MN', 'TH', 'THCS', 'THPT',
                                              'GDTX', 'GDNN', 'DH']),
  ownership     text CHECK (ownership IN ('PUBLIC', 'PRIVATE')),
  -- Agencies: an AgencyRole value name and the abbreviation plans use.
  agency_role   text CHECK (agency_role IN (
                  'PARTY_COMMITTEE', 'CENTRAL_GOVERNMENT', 'MINISTRY',
                  'PEOPLES_COMMITTEE', 'DEPARTMENT', 'DIVISION',
                  'CULTURE_SOCIETY_OFFICE', 'OTHER_AGENCY')),
  short_name    text CHECK (length(short_name) <= 50),
  -- FoldForSearch(short_name), for ResolveUnit.
  short_key     text,
  generated     boolean NOT NULL DEFAULT false,
  -- Incremented by every change; the etag.
  revision      bigint NOT NULL DEFAULT 1 CHECK (revision >= 1),
  -- The CreateUnit request that made the unit, for idempotent retries.
  request_id    text UNIQUE,
  create_time   timestamptz NOT NULL DEFAULT now(),
  update_time   timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'SCHOOL') = (school_levels IS NOT NULL)),
  CHECK (kind = 'SCHOOL' OR ownership IS NULL),
  CHECK (kind = 'AGENCY' OR (agency_role IS NULL AND short_name IS NULL)),
  CHECK ((short_name IS NULL) = (short_key IS NULL))
);

-- ListUnits without filters, and keyset pagination in Vietnamese order.
CREATE INDEX units_by_display_name ON units (display_name, id);
-- ListUnits under a parent (a commune's schools, the city's communes).
CREATE INDEX units_by_parent ON units (parent_id, display_name, id);
-- ListUnits of one kind (the 114 commune-level units among 2000 schools).
CREATE INDEX units_by_kind ON units (kind, display_name, id);
-- ResolveUnit candidates.
CREATE INDEX units_by_name_key ON units (name_key);
CREATE INDEX units_by_short_key ON units (short_key)
  WHERE short_key IS NOT NULL;

-- Mergers and splits: predecessor -> successor. Written once, when the
-- successor is created; never edited.
CREATE TABLE unit_lineage (
  predecessor_id text NOT NULL REFERENCES units (id),
  successor_id   text NOT NULL REFERENCES units (id),
  PRIMARY KEY (predecessor_id, successor_id),
  CHECK (predecessor_id <> successor_id)
);
CREATE INDEX unit_lineage_by_successor ON unit_lineage (successor_id);
