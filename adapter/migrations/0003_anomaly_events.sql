-- costscale schema, version 3: anomaly episodes of a policy's signals (issue 15). One row per episode,
-- written when it starts and completed when it ends.

CREATE TABLE anomaly_events (
  id             bigserial        PRIMARY KEY,
  namespace      text             NOT NULL,
  policy         text             NOT NULL,
  signal         text             NOT NULL,
  started_at     timestamptz      NOT NULL,
  ended_at       timestamptz,
  peak_score     double precision NOT NULL,
  -- The band of values the detector expected when the episode started.
  expected_low   double precision NOT NULL,
  expected_high  double precision NOT NULL,
  UNIQUE (namespace, policy, signal, started_at)
);
CREATE INDEX anomaly_events_time ON anomaly_events (started_at DESC);
