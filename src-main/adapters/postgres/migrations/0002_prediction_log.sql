-- The prediction service's log (`driftdesk serve`): one row per predicted ride, written before the
-- answer is sent (group commit), so an answered prediction is always here.
CREATE TABLE prediction_log (
  request_id uuid PRIMARY KEY,
  -- When the service received the request (processing time; the ride's own times are in "record").
  received_at timestamptz NOT NULL,
  -- The whole record as received, fields sent as null kept as JSON null (a missing value).
  record jsonb NOT NULL,
  -- The fields the record sent as null, sorted: what the service predicted with as 0.
  missing_fields text[] NOT NULL,
  prediction double precision NOT NULL,
  model_version text NOT NULL,
  -- From receiving the request to the prediction being ready (the log commit not included).
  latency_ms double precision NOT NULL
);
CREATE INDEX prediction_log_received_at ON prediction_log (received_at);

-- The actual outcome of a prediction, posted later (the trip's real duration when it ends).
CREATE TABLE prediction_feedback (
  request_id uuid PRIMARY KEY REFERENCES prediction_log (request_id),
  duration_min double precision NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
