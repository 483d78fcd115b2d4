-- The targets a document states: names of targets in the indicators
-- service, "indicators/{indicator}/targets/{target}", kept as names.
ALTER TABLE documents ADD COLUMN targets text[] NOT NULL DEFAULT '{}';
