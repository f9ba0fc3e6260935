-- costscale schema, version 2: what a recommendation is about and who moved it through its lifecycle.

ALTER TABLE recommendations ADD COLUMN policy text NOT NULL DEFAULT '';
-- kind, namespace, policy and target in one key: a regeneration refreshes the open recommendation
-- with the same identity instead of adding another.
ALTER TABLE recommendations ADD COLUMN identity text NOT NULL DEFAULT '';
ALTER TABLE recommendations ADD COLUMN summary text NOT NULL DEFAULT '';
ALTER TABLE recommendations ADD COLUMN currency text NOT NULL DEFAULT 'USD';
ALTER TABLE recommendations ADD COLUMN status_changed_at timestamptz;
ALTER TABLE recommendations ADD COLUMN status_changed_by text;

-- At most one open recommendation per identity, even with regenerations racing.
CREATE UNIQUE INDEX recommendations_open_identity ON recommendations (identity) WHERE status = 'open';
CREATE INDEX recommendations_created ON recommendations (created_at DESC, id DESC);
CREATE INDEX config_changes_recommendation ON config_changes (recommendation_id, at);
