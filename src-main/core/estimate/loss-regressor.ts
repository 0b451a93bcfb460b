/**
 * The "nanny" model of Direct Loss Estimation: anything that learns a row's loss from its inputs. The
 * estimator depends on this shape only, so the learning library stays swappable (and measurable: see
 * `bench/performance-estimation.bench.ts`, which compares candidates on the taxi data).
 */
export interface LossRegressor {
  /** Predicted loss of each row; `rows[i]` holds the same inputs, in the same order, as in training. */
  predict(rows: readonly (readonly number[])[]): Float64Array
  /** How many rows the learner actually learned from (fewer than given when it subsamples). */
  readonly trainedRows: number
  /** The fitted model as plain JSON data, so it can be saved and loaded again (see each learner's loader). */
  toJSON(): unknown
}

/**
 * Fits a {@link LossRegressor} on rows and their observed losses. `random` is a seeded source in [0, 1)
 * for any sampling the learner does, so a fit is reproducible.
 */
export type LossRegressorFit = (
  rows: readonly (readonly number[])[],
  losses: Float64Array,
  random: () => number,
) => LossRegressor
