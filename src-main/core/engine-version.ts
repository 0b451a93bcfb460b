/**
 * Version of the metric semantics. It is part of every stored day's inputs fingerprint, so a change in how a
 * number is computed makes resumed backfills recompute instead of reusing stale days. Bump it with any change
 * to a computed value.
 */
export const ENGINE_VERSION =
  'driftdesk-engine-4 (evidently-0.4.40 semantics, numpy/pandas summation order, drift columns in DataDriftTable order, estimated MAE)'
