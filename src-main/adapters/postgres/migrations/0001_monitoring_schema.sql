-- The course's values per logical day, plus what driftdesk adds. A Grafana panel written for the
-- course's dummy_metrics table works here with the table name changed to daily_metrics.
CREATE TABLE daily_metrics (
  "timestamp" timestamp PRIMARY KEY,
  rows integer NOT NULL,
  prediction_drift double precision,
  num_drifted_columns integer,
  share_missing_values double precision,
  share_of_drifted_columns double precision,
  dataset_drift boolean,
  mae double precision,
  rmse double precision,
  error text,
  reference_month text,
  run_id uuid,
  inputs_fingerprint text,
  computed_at timestamptz NOT NULL DEFAULT now()
);

-- Evidently's ColumnDriftMetric per column and day.
CREATE TABLE column_drift (
  "timestamp" timestamp NOT NULL,
  column_name text NOT NULL,
  column_type text,
  stattest text,
  stattest_name text,
  threshold double precision,
  drift_score double precision,
  drift_detected boolean,
  error text,
  -- The column's place in the report (Evidently's order), so a day reads back as it was computed.
  position integer,
  PRIMARY KEY ("timestamp", column_name)
);

-- DatasetMissingValuesMetric's per-column counts.
CREATE TABLE column_missing (
  "timestamp" timestamp NOT NULL,
  column_name text NOT NULL,
  missing_count integer,
  missing_share double precision,
  position integer,
  PRIMARY KEY ("timestamp", column_name)
);

-- Flow runs (Prefect's name) and their task runs.
CREATE TABLE runs (
  id uuid PRIMARY KEY,
  job text NOT NULL,
  parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL,
  state_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz,
  heartbeat_at timestamptz,
  pid integer,
  hostname text,
  parent_schedule text
);
CREATE INDEX runs_created_at_idx ON runs (created_at DESC);
CREATE INDEX runs_state_idx ON runs (state);

CREATE TABLE task_runs (
  id uuid PRIMARY KEY,
  run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_key text NOT NULL,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  ended_at timestamptz,
  error text,
  inputs_fingerprint text,
  UNIQUE (run_id, task_key)
);

CREATE TABLE run_logs (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL,
  task_run_id uuid,
  at timestamptz NOT NULL DEFAULT now(),
  level text NOT NULL,
  message text NOT NULL
);
CREATE INDEX run_logs_run_id_idx ON run_logs (run_id, id);

-- Course section 5.5: random rows to test the dashboard plumbing.
CREATE TABLE dummy_metrics (
  "timestamp" timestamp,
  value1 integer,
  value2 varchar,
  value3 double precision
);

CREATE TABLE schedules (
  name text PRIMARY KEY,
  cron text NOT NULL,
  job text NOT NULL,
  parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
  timezone text,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_fired_at timestamptz
);
