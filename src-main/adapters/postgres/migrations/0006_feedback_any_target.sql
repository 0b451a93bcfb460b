-- POST /feedback for any project (#12). Compatible: every existing row and reader keeps working.
-- duration_min keeps its meaning: the numeric actual outcome (for the taxi project the trip's duration
-- in minutes; for another regression project its target's value). It becomes NULL only for a project
-- whose target is a label (classification); `actual` holds the outcome as sent, whatever its kind.
ALTER TABLE prediction_feedback ALTER COLUMN duration_min DROP NOT NULL;
ALTER TABLE prediction_feedback ADD COLUMN actual jsonb;
UPDATE prediction_feedback SET actual = to_jsonb(duration_min);
ALTER TABLE prediction_feedback ALTER COLUMN actual SET NOT NULL;
ALTER TABLE prediction_feedback ADD CONSTRAINT prediction_feedback_numeric_actual
  CHECK (duration_min IS NOT NULL OR jsonb_typeof(actual) <> 'number');
-- A second outcome for the same request replaces the first (a corrected or late label): received_at
-- is the latest one's time, first_received_at the first's, revisions how many were posted.
ALTER TABLE prediction_feedback ADD COLUMN first_received_at timestamptz;
UPDATE prediction_feedback SET first_received_at = received_at;
ALTER TABLE prediction_feedback ALTER COLUMN first_received_at SET NOT NULL;
ALTER TABLE prediction_feedback ALTER COLUMN first_received_at SET DEFAULT now();
ALTER TABLE prediction_feedback ADD COLUMN revisions integer NOT NULL DEFAULT 1;
