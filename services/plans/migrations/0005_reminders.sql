-- Reminders (nhắc việc): where each unit's digests go, and the outbox they
-- are sent from. A unit with no row has no channel.
CREATE TABLE reminder_settings (
  unit_id     text PRIMARY KEY,
  email       text NOT NULL DEFAULT '',
  webhook_uri text NOT NULL DEFAULT '',
  -- The unit's registry name when the settings last changed, for the
  -- digests' salutation: the jobs do not call the registry.
  unit_title  text NOT NULL DEFAULT '',
  revision    bigint NOT NULL DEFAULT 1,
  update_time timestamptz NOT NULL DEFAULT now()
);

-- One digest per unit, day and channel: the primary key is what makes a
-- unit receive a day's digest once, however often the queueing job runs.
CREATE TABLE reminders (
  unit_id           text NOT NULL,
  schedule_date     date NOT NULL,
  channel           text NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK')),
  address           text NOT NULL,
  subject           text NOT NULL,
  body              text NOT NULL,
  -- The webhook's JSON body.
  payload           text NOT NULL,
  state             text NOT NULL DEFAULT 'PENDING'
                    CHECK (state IN ('PENDING', 'SENT', 'FAILED')),
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text NOT NULL DEFAULT '',
  create_time       timestamptz NOT NULL DEFAULT now(),
  next_attempt_time timestamptz NOT NULL DEFAULT now(),
  send_time         timestamptz,
  PRIMARY KEY (unit_id, schedule_date, channel)
);
CREATE INDEX reminders_pending ON reminders (next_attempt_time)
  WHERE state = 'PENDING';
CREATE INDEX reminders_newest ON reminders (create_time DESC);
