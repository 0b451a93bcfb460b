-- The live collector (issue #12) over the prediction log.

-- A live window computed because the log ran out (collect without --follow) before the log's
-- event-time watermark had passed its end + lateness: more rows may still come for it. The collector
-- computes it again, once, when it closes; every other window is computed exactly once.
ALTER TABLE daily_metrics ADD COLUMN provisional boolean NOT NULL DEFAULT false;

-- Rows the collector has not yet given an event time (a service that does not set it): found by
-- this small partial index instead of a scan of the whole log.
CREATE INDEX prediction_log_without_event_time ON prediction_log (project)
  WHERE event_time IS NULL;
