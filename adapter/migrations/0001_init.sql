-- costscale schema, version 1. Applied in one transaction by the migrator.

CREATE TABLE policies (
  namespace   text        NOT NULL,
  name        text        NOT NULL,
  spec        jsonb       NOT NULL,
  version     integer     NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, name)
);

-- One row per policy per tick. The unique key makes spool replays idempotent.
CREATE TABLE decisions (
  id          bigserial   PRIMARY KEY,
  namespace   text        NOT NULL,
  policy      text        NOT NULL,
  decided_at  timestamptz NOT NULL,
  replicas    integer,
  inputs      jsonb       NOT NULL,
  explanation jsonb       NOT NULL,
  UNIQUE (namespace, policy, decided_at)
);
CREATE INDEX decisions_policy_time ON decisions (policy, decided_at DESC);
CREATE INDEX decisions_time ON decisions (decided_at);

CREATE TABLE forecasts (
  id              bigserial   PRIMARY KEY,
  namespace       text        NOT NULL,
  policy          text        NOT NULL,
  made_at         timestamptz NOT NULL,
  step_seconds    integer     NOT NULL,
  model           text        NOT NULL,
  point           jsonb       NOT NULL,
  quantiles       jsonb       NOT NULL,
  accuracy        jsonb
);
CREATE INDEX forecasts_policy_time ON forecasts (namespace, policy, made_at DESC);

-- Fitted model state, so a restart does not lose it.
CREATE TABLE forecast_models (
  namespace   text        NOT NULL,
  policy      text        NOT NULL,
  state       jsonb       NOT NULL,
  fitted_at   timestamptz NOT NULL,
  PRIMARY KEY (namespace, policy)
);

CREATE TABLE budgets (
  name        text        PRIMARY KEY,
  spec        jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE budget_events (
  id          bigserial   PRIMARY KEY,
  budget      text        NOT NULL,
  at          timestamptz NOT NULL,
  period_start timestamptz NOT NULL,
  from_state  text        NOT NULL,
  to_state    text        NOT NULL,
  utilisation double precision NOT NULL,
  details     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX budget_events_budget_time ON budget_events (budget, at DESC);

CREATE TABLE overrides (
  namespace   text        NOT NULL,
  policy      text        NOT NULL,
  replicas    integer     NOT NULL,
  expires_at  timestamptz NOT NULL,
  reason      text        NOT NULL DEFAULT '',
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, policy)
);

CREATE TABLE recommendations (
  id              bigserial   PRIMARY KEY,
  kind            text        NOT NULL,
  namespace       text        NOT NULL,
  target          jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'applied', 'rolled_back', 'dismissed', 'expired')),
  monthly_savings double precision NOT NULL,
  evidence        jsonb       NOT NULL,
  sla_check       jsonb       NOT NULL,
  patch           jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz
);
CREATE INDEX recommendations_status ON recommendations (status, namespace);

CREATE TABLE config_changes (
  id                bigserial   PRIMARY KEY,
  at                timestamptz NOT NULL DEFAULT now(),
  actor             text        NOT NULL,
  source            text        NOT NULL,
  target            jsonb       NOT NULL,
  before            jsonb,
  after             jsonb,
  recommendation_id bigint REFERENCES recommendations (id),
  reason            text        NOT NULL DEFAULT ''
);
CREATE INDEX config_changes_time ON config_changes (at DESC);

CREATE TABLE api_keys (
  id           bigserial   PRIMARY KEY,
  name         text        NOT NULL,
  prefix       text        NOT NULL UNIQUE,
  hash         text        NOT NULL,
  role         text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

CREATE TABLE audit_log (
  id        bigserial   PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text        NOT NULL,
  role      text        NOT NULL,
  action    text        NOT NULL,
  resource  text        NOT NULL,
  before    jsonb,
  after     jsonb
);
CREATE INDEX audit_log_time ON audit_log (at DESC);

-- The leader's latest snapshot, read by followers (ARCHITECTURE.md §2).
CREATE TABLE snapshots (
  id           smallint    PRIMARY KEY CHECK (id = 1),
  holder       text        NOT NULL,
  generated_at timestamptz NOT NULL,
  body         jsonb       NOT NULL
);
