/**
 * The course's column mapping (`evidently_metrics_calculation.py` and the baseline notebook):
 * four numerical features, two categorical ones (location ids), the prediction and the target.
 */
export const NUMERICAL_FEATURES = [
  'passenger_count',
  'trip_distance',
  'fare_amount',
  'total_amount',
] as const
export const CATEGORICAL_FEATURES = ['PULocationID', 'DOLocationID'] as const
/** Model inputs, in the order the course fits them (num + cat; location ids as plain numbers). */
export const MODEL_FEATURES = [...NUMERICAL_FEATURES, ...CATEGORICAL_FEATURES] as const
export const PREDICTION_COLUMN = 'prediction'
export const TARGET_COLUMN = 'duration_min'
export const PICKUP_COLUMN = 'lpep_pickup_datetime'
export const DROPOFF_COLUMN = 'lpep_dropoff_datetime'
/** Columns a TLC green-taxi file must have for training and daily metrics. */
export const REQUIRED_TRIP_COLUMNS = [PICKUP_COLUMN, DROPOFF_COLUMN, ...MODEL_FEATURES] as const
/** The notebook trains on the first 30,000 filtered rows; the rest is the reference. */
export const TRAIN_ROWS = 30_000
