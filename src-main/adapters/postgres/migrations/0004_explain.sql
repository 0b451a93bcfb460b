-- Why a window's prediction moved, its outliers and its segments (issue #13). Keyed like daily_metrics
-- (project, source, "timestamp" = the window's start), one row per feature / column / segment, so a
-- Grafana panel charts any of them with a WHERE clause. Written by the backfill beside daily_metrics, in
-- the same transaction.

-- The shift of the mean prediction and its decomposition: one row per model feature.
-- contribution = coefficient × (current_mean − reference_mean), nulls read as 0 as the model reads them;
-- is_estimate is true when the coefficients are a surrogate's (a model driftdesk cannot see inside).
CREATE TABLE prediction_contributions (
  project text NOT NULL,
  source text NOT NULL DEFAULT 'batch',
  "timestamp" timestamp NOT NULL,
  feature text NOT NULL,
  contribution double precision NOT NULL,
  coefficient double precision NOT NULL,
  reference_mean double precision NOT NULL,
  current_mean double precision NOT NULL,
  observed_shift double precision NOT NULL,
  is_estimate boolean NOT NULL DEFAULT false,
  PRIMARY KEY (project, source, "timestamp", feature)
);

-- Per numerical column: shares of the window's non-null values outside the reference's Tukey fences
-- (numpy's default linear quartiles) and outside the reference's [min, max].
CREATE TABLE column_outliers (
  project text NOT NULL,
  source text NOT NULL DEFAULT 'batch',
  "timestamp" timestamp NOT NULL,
  column_name text NOT NULL,
  outside_fences_share double precision,
  outside_range_share double precision,
  reference_outside_fences_share double precision NOT NULL,
  lower_fence double precision NOT NULL,
  upper_fence double precision NOT NULL,
  value_count integer NOT NULL,
  PRIMARY KEY (project, source, "timestamp", column_name)
);

-- Per segment of the window (by default the hour of pickup): rows, mean prediction and its drift
-- against the reference's same segment, MAE/RMSE over labelled rows; is_worst marks the window's worst.
CREATE TABLE segment_metrics (
  project text NOT NULL,
  source text NOT NULL DEFAULT 'batch',
  "timestamp" timestamp NOT NULL,
  segment_column text NOT NULL,
  segment text NOT NULL,
  rows integer NOT NULL,
  reference_rows integer NOT NULL,
  mean_prediction double precision,
  reference_mean_prediction double precision,
  prediction_drift double precision,
  mae double precision,
  rmse double precision,
  is_worst boolean NOT NULL DEFAULT false,
  PRIMARY KEY (project, source, "timestamp", segment_column, segment)
);
