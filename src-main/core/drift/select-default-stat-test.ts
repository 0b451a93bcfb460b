import type { DriftColumnType } from '../../shared/domain/metrics'
import { getSeriesProfile, requireSameKind, unionDistinctCount } from './series-profile'
import { chiSquareStatTest } from './stattests/chi-square'
import { jensenShannonStatTest } from './stattests/jensen-shannon'
import { kolmogorovSmirnovStatTest } from './stattests/kolmogorov-smirnov'
import type { DriftSeries, StatTest } from './stattests/stat-test'
import { wassersteinDistanceNormedStatTest } from './stattests/wasserstein-distance-normed'
import { zStatTest } from './stattests/z-test'

/** Evidently calls a reference "small" up to this many (cleaned) rows. */
const SMALL_REFERENCE_ROWS = 1000

/**
 * Evidently's automatic stattest choice (`registry.py::_get_default_stattest`, legacy API 0.4.x), for cleaned
 * samples. n = number of distinct values in reference ∪ current:
 * - reference ≤ 1000 rows: numeric → z (n ≤ 2), chi-square (3 ≤ n ≤ 5), KS (n > 5); categorical → z (n ≤ 2),
 *   chi-square (n > 2);
 * - reference > 1000 rows: numeric → Jensen-Shannon (n ≤ 5), Wasserstein (n > 5); categorical → Jensen-Shannon.
 * Current size plays no part. No column-type check is made (Evidently calls the default directly), so z and
 * chi-square do run on numeric columns here.
 *
 * @throws {TypeError} if one sample is numeric and the other strings
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/registry.py
 * @example selectDefaultStatTest(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(1), 'num').name // 'ks'
 */
export function selectDefaultStatTest(
  reference: DriftSeries,
  current: DriftSeries,
  columnType: DriftColumnType,
): StatTest {
  requireSameKind(reference, current)
  // Only the cuts 2 and 5 matter: a reference with more than 5 distinct values decides without the current
  // sample, which saves the backfill a pass over every day's values.
  const referenceDistinct = getSeriesProfile(reference).distinctCount()
  const distinctCount =
    referenceDistinct > 5 ? referenceDistinct : unionDistinctCount(reference, current)
  if (reference.length <= SMALL_REFERENCE_ROWS) {
    if (columnType === 'num' && distinctCount > 5) return kolmogorovSmirnovStatTest
    return distinctCount > 2 ? chiSquareStatTest : zStatTest
  }
  if (columnType === 'num' && distinctCount > 5) return wassersteinDistanceNormedStatTest
  return jensenShannonStatTest
}
