import type { DriftColumnType } from '../../../shared/domain/metrics'
import { andersonDarlingStatTest } from './anderson-darling'
import { chiSquareStatTest } from './chi-square'
import { cramerVonMisesStatTest } from './cramer-von-mises'
import { empiricalMmdStatTest } from './empirical-mmd'
import { energyDistanceStatTest } from './energy-distance'
import { eppsSingletonStatTest } from './epps-singleton'
import { fisherExactStatTest } from './fisher-exact'
import { gTestStatTest } from './g-test'
import { hellingerStatTest } from './hellinger'
import { jensenShannonStatTest } from './jensen-shannon'
import { kolmogorovSmirnovStatTest } from './kolmogorov-smirnov'
import { kullbackLeiblerStatTest } from './kullback-leibler'
import { mannWhitneyUStatTest } from './mann-whitney-u'
import { populationStabilityIndexStatTest } from './population-stability-index'
import type { StatTest, StatTestName } from './stat-test'
import { tTestStatTest } from './t-test'
import { totalVariationDistanceStatTest } from './total-variation-distance'
import { wassersteinDistanceNormedStatTest } from './wasserstein-distance-normed'
import { zStatTest } from './z-test'

export type {
  DriftSeries,
  StatTest,
  StatTestName,
  StatTestOptions,
  StatTestResult,
} from './stat-test'

/** Evidently's registered tabular stattests by registry key (`evidently.calculations.stattests`). */
export const statTests: Readonly<Partial<Record<StatTestName, StatTest>>> = {
  ks: kolmogorovSmirnovStatTest,
  chisquare: chiSquareStatTest,
  z: zStatTest,
  wasserstein: wassersteinDistanceNormedStatTest,
  jensenshannon: jensenShannonStatTest,
  psi: populationStabilityIndexStatTest,
  kl_div: kullbackLeiblerStatTest,
  hellinger: hellingerStatTest,
  anderson: andersonDarlingStatTest,
  cramer_von_mises: cramerVonMisesStatTest,
  ed: energyDistanceStatTest,
  es: eppsSingletonStatTest,
  fisher_exact: fisherExactStatTest,
  g_test: gTestStatTest,
  mannw: mannWhitneyUStatTest,
  t_test: tTestStatTest,
  empirical_mmd: empiricalMmdStatTest,
  TVD: totalVariationDistanceStatTest,
}

/**
 * Other names Evidently accepts for a stattest: its MMD test is registered as `emperical_mmd` (sic), so a
 * configuration written for Evidently keeps working.
 */
const STATTEST_ALIASES: Readonly<Record<string, StatTestName>> = { emperical_mmd: 'empirical_mmd' }

/**
 * The user-override path, Evidently's `get_registered_stattest` (`registry.py::get_stattest` with a name):
 * looks the test up by registry key and checks that it accepts the column type.
 *
 * @throws {RangeError} for an unknown name, listing the valid names (Evidently's StatTestNotFoundError)
 * @throws {RangeError} when the test does not accept the column type (Evidently's StatTestInvalidFeatureTypeError)
 * @example getStatTest('psi', 'cat').displayName // 'PSI'
 */
export function getStatTest(requestedName: string, columnType: DriftColumnType): StatTest {
  const name = Object.prototype.hasOwnProperty.call(STATTEST_ALIASES, requestedName)
    ? (STATTEST_ALIASES[requestedName] as StatTestName)
    : requestedName
  const test = Object.prototype.hasOwnProperty.call(statTests, name)
    ? statTests[name as StatTestName]
    : undefined
  if (test === undefined) {
    throw new RangeError(
      `No stattest found of name ${name}. Available stattests: ${Object.keys(statTests).join(', ')}`,
    )
  }
  if (!test.allowedTypes.includes(columnType)) {
    throw new RangeError(
      `Stattest ${name} isn't applicable to feature of type ${columnType}. Available feature types: ${test.allowedTypes.join(', ')}`,
    )
  }
  return test
}
