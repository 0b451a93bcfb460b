import type { DriftColumnType } from '../../../shared/domain/metrics'

/**
 * A cleaned sample: no null, NaN or ±inf (the caller drops them, as Evidently's ColumnDriftMetric does with
 * `replace([-inf, inf], nan).dropna()`). Numeric columns, and categorical columns with numeric codes such as
 * location ids, are `Float64Array`; string categoricals are string arrays.
 */
export type DriftSeries = Float64Array | readonly string[]

export interface StatTestOptions {
  /** Uniform [0, 1) source for permutation tests; seed it for reproducible p-values. */
  readonly random?: () => number
}

export interface StatTestResult {
  readonly driftScore: number
  readonly driftDetected: boolean
  /** The threshold actually used (the default when none was given). */
  readonly threshold: number
}

/** Registry keys of Evidently's 18 tabular stattests (`evidently.calculations.stattests`). */
export type StatTestName =
  | 'ks'
  | 'chisquare'
  | 'z'
  | 'wasserstein'
  | 'jensenshannon'
  | 'psi'
  | 'kl_div'
  | 'hellinger'
  | 'anderson'
  | 'cramer_von_mises'
  | 'ed'
  | 'es'
  | 'fisher_exact'
  | 'g_test'
  | 'mannw'
  | 't_test'
  | 'empirical_mmd'
  | 'TVD'

/** One of Evidently's registered stattests (`registry.py::StatTest`). */
export interface StatTest {
  readonly name: StatTestName
  /** Evidently's display name, e.g. `Wasserstein distance (normed)`. */
  readonly displayName: string
  readonly allowedTypes: readonly DriftColumnType[]
  readonly defaultThreshold: number
  /**
   * Scores `current` against `reference`. `threshold` undefined → `defaultThreshold`; the decision operator is
   * exactly Evidently's (see docs/spec 1.2). Inputs must already be cleaned (see {@link DriftSeries}).
   * @throws {RangeError} where Evidently raises (e.g. an empty sample).
   */
  run(
    reference: DriftSeries,
    current: DriftSeries,
    columnType: DriftColumnType,
    threshold?: number,
    options?: StatTestOptions,
  ): StatTestResult
}
