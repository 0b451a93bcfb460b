-- Projects (issue #11): driftdesk monitors any model's prediction log, not only the course's.
-- The course is the built-in project 'nyc-taxi'; every row stored before this migration belongs to it.

-- A stored project: its definition is the project file's content (core/project/project-schema.ts),
-- with paths made absolute, so `project show NAME` can write the file back.
CREATE TABLE projects (
  name text PRIMARY KEY,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The per-window tables gain the project and the source of the window: 'batch' (a backfill over
-- files or a table) or 'live' (the collector over the prediction service's log, issue #12), kept
-- apart so the two can be compared. "timestamp" stays the window's start (the course's column name,
-- so its Grafana SQL keeps working); window_end is its exclusive end, NULL for a course day (one day).
ALTER TABLE daily_metrics ADD COLUMN project text NOT NULL DEFAULT 'nyc-taxi';
ALTER TABLE daily_metrics ADD COLUMN source text NOT NULL DEFAULT 'batch'
  CHECK (source IN ('batch', 'live'));
ALTER TABLE daily_metrics ADD COLUMN window_end timestamp;
-- Delayed labels (#12): how many of the window's predictions had their actual outcome when mae/rmse
-- were computed, and that share.
ALTER TABLE daily_metrics ADD COLUMN labelled_rows integer;
ALTER TABLE daily_metrics ADD COLUMN labelled_share double precision;
-- Performance before labels (#13): the estimated MAE and its uncertainty band.
ALTER TABLE daily_metrics ADD COLUMN estimated_mae double precision;
ALTER TABLE daily_metrics ADD COLUMN estimated_mae_lower double precision;
ALTER TABLE daily_metrics ADD COLUMN estimated_mae_upper double precision;
-- Whether the prediction column drifted, as its stattest decided. prediction_drift is the stattest's
-- drift_score: a distance for Wasserstein/Jensen-Shannon (the course data; drift when >= threshold) but
-- a p-value for K-S/chi-square/Z (small references, own projects; drift when < threshold), so a fixed
-- threshold on the score alone is backwards for half the stattests. NULL on rows written before it.
ALTER TABLE daily_metrics ADD COLUMN prediction_drift_detected boolean;
ALTER TABLE daily_metrics DROP CONSTRAINT daily_metrics_pkey;
ALTER TABLE daily_metrics ADD PRIMARY KEY (project, source, "timestamp");

ALTER TABLE column_drift ADD COLUMN project text NOT NULL DEFAULT 'nyc-taxi';
ALTER TABLE column_drift ADD COLUMN source text NOT NULL DEFAULT 'batch'
  CHECK (source IN ('batch', 'live'));
ALTER TABLE column_drift DROP CONSTRAINT column_drift_pkey;
ALTER TABLE column_drift ADD PRIMARY KEY (project, source, "timestamp", column_name);

ALTER TABLE column_missing ADD COLUMN project text NOT NULL DEFAULT 'nyc-taxi';
ALTER TABLE column_missing ADD COLUMN source text NOT NULL DEFAULT 'batch'
  CHECK (source IN ('batch', 'live'));
ALTER TABLE column_missing DROP CONSTRAINT column_missing_pkey;
ALTER TABLE column_missing ADD PRIMARY KEY (project, source, "timestamp", column_name);

-- Extra metrics per window and column, chosen per project (the 2024 homework's
-- ColumnQuantileMetric(fare_amount, 0.5) is metric 'quantile' with parameter 0.5). One row per value,
-- so a Grafana panel charts any of them with a WHERE clause.
CREATE TABLE column_metrics (
  project text NOT NULL,
  source text NOT NULL DEFAULT 'batch' CHECK (source IN ('batch', 'live')),
  "timestamp" timestamp NOT NULL,
  column_name text NOT NULL,
  metric text NOT NULL,
  parameter double precision NOT NULL DEFAULT 'NaN',
  value double precision,
  error text,
  PRIMARY KEY (project, source, "timestamp", column_name, metric, parameter)
);

-- The course uses the name dummy_metrics twice: section 5.5's dummy stream (value1..value3) and the
-- final job's metrics (prediction_drift, num_drifted_columns, share_missing_values, and the 2024
-- homework's quantile_50), which its dashboard (05-monitoring/dashboards/data_drift.json) selects.
-- driftdesk keeps the dummy stream in dummy_stream and serves both shapes under the course's name, so
-- either dashboard works unchanged. quantile_50 is the course project's batch extra metric
-- ColumnQuantileMetric(fare_amount, 0.5) (NULL where that metric was not computed).
-- The metric branch comes first: the course's "Prediction Drift" panel is a builder query with no
-- time filter and no ORDER BY, `SELECT prediction_drift, "timestamp" FROM dummy_metrics LIMIT 50`,
-- and a UNION ALL is a plain Append that returns its branches in order, so the metric rows fill the
-- 50 before any dummy row (pinned by EXPLAIN in test/integration/migration-projects.test.ts).
ALTER TABLE dummy_metrics RENAME TO dummy_stream;
CREATE VIEW dummy_metrics AS
  SELECT d."timestamp", NULL::integer AS value1, NULL::varchar AS value2,
         NULL::double precision AS value3, d.prediction_drift, d.num_drifted_columns,
         d.share_missing_values, q.value AS quantile_50
    FROM daily_metrics AS d
    LEFT JOIN column_metrics AS q
      ON q.project = d.project AND q.source = d.source AND q."timestamp" = d."timestamp"
     AND q.column_name = 'fare_amount' AND q.metric = 'quantile' AND q.parameter = 0.5
   WHERE d.project = 'nyc-taxi' AND d.source = 'batch'
  UNION ALL
  SELECT "timestamp", value1, value2, value3, NULL::double precision, NULL::integer,
         NULL::double precision, NULL::double precision
    FROM dummy_stream;

-- The prediction log gains its project and the event time its windows are cut by (the project's
-- datetime column; for the taxi project the pickup time).
ALTER TABLE prediction_log ADD COLUMN project text NOT NULL DEFAULT 'nyc-taxi';
ALTER TABLE prediction_log ADD COLUMN event_time timestamp;
CREATE INDEX prediction_log_project_event_time ON prediction_log (project, event_time);

-- Service health per window of the prediction service (#12, seed 5.1.1): requests answered or
-- refused, the error share and latency quantiles, written by the service as its windows close.
CREATE TABLE service_health (
  project text NOT NULL,
  "timestamp" timestamp NOT NULL,
  window_end timestamp NOT NULL,
  requests integer NOT NULL,
  errors integer NOT NULL,
  error_rate double precision,
  latency_p50_ms double precision,
  latency_p95_ms double precision,
  latency_p99_ms double precision,
  PRIMARY KEY (project, "timestamp")
);
