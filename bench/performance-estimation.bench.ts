import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MultivariateLinearRegression from 'ml-regression-multivariate-linear'
import { RandomForestRegression } from 'ml-random-forest'
import { loadConfig } from '../src-main/config/app-config'
import { fitCartLossRegressor } from '../src-main/core/estimate/cart-loss-regressor'
import type { LossRegressorFit } from '../src-main/core/estimate/loss-regressor'
import {
  estimateCourseMonth,
  fitCourseEstimator,
} from '../src-main/services/estimate/course-performance-estimate'
import { taxiDataDir } from '../test/support/taxi-data'

/** Linear regression of the loss (ml-regression-multivariate-linear): the simplest learner to beat. */
const fitLinearLoss: LossRegressorFit = (rows, losses) => {
  const fitted = new MultivariateLinearRegression(
    rows.map((row) => [...row]),
    Array.from(losses, (loss) => [loss]),
  )
  return {
    trainedRows: rows.length,
    toJSON: () => fitted.toJSON(),
    predict: (x) => Float64Array.from(fitted.predict(x.map((row) => [...row])), (p) => p[0]!),
  }
}

/**
 * ml-random-forest: bagged ml-cart trees, grown on the first `maxSamples` rows (the estimator shuffles the
 * reference first, so these are a random subset; ml-cart is O(n²) per node).
 */
function fitForestLoss(trees: number, maxSamples: number): LossRegressorFit {
  return (rows, losses) => {
    const forest = new RandomForestRegression({
      nEstimators: trees,
      seed: 7,
      noOOB: true,
      treeOptions: { maxDepth: 5, minNumSamples: 100 },
    })
    forest.train(
      rows.slice(0, maxSamples).map((row) => [...row]),
      Array.from(losses.subarray(0, maxSamples)),
    )
    return {
      trainedRows: Math.min(rows.length, maxSamples),
      toJSON: () => forest.toJSON(),
      predict: (x) => Float64Array.from(forest.predict(x.map((row) => [...row]))),
    }
  }
}

const CANDIDATES: readonly { name: string; fit: LossRegressorFit }[] = [
  { name: 'ml-cart depth 5, leaf ≥ 100, 4,000 rows (default)', fit: fitCartLossRegressor() },
  {
    name: 'ml-cart depth 3, leaf ≥ 200, 4,000 rows',
    fit: fitCartLossRegressor({ maxDepth: 3, minLeafRows: 200, maxFitRows: 4000 }),
  },
  {
    name: 'ml-cart depth 7, leaf ≥ 50, 4,000 rows',
    fit: fitCartLossRegressor({ maxDepth: 7, minLeafRows: 50, maxFitRows: 4000 }),
  },
  {
    name: 'ml-cart depth 5, leaf ≥ 100, 2,000 rows',
    fit: fitCartLossRegressor({ maxDepth: 5, minLeafRows: 100, maxFitRows: 2000 }),
  },
  { name: 'ml-random-forest 8 trees × 2,000 rows', fit: fitForestLoss(8, 2000) },
  { name: 'ml-regression-multivariate-linear', fit: fitLinearLoss },
]

/**
 * Performance without labels (issue 13): for every day of March 2022 and March 2024, the estimated MAE
 * (Direct Loss Estimation fitted on January 2022's trips the model did not train on) against the
 * realized MAE the backfill stores, and the naive estimate (the reference's MAE every day). The first
 * table compares the learners on the same split; the second prints the default's acceptance numbers.
 * Fit times are medians of one fit each (the fits are seconds long).
 */
export default async function benchPerformanceEstimation(): Promise<void> {
  const data = await taxiDataDir()
  const home = mkdtempSync(join(tmpdir(), 'driftdesk-bench-estimate-'))
  const config = loadConfig({}, { homeDir: home, dataDir: data.dir })
  const file = (month: string): string => join(data.dir, `green_tripdata_${month}.parquet`)
  try {
    console.log(
      `performance estimation, reference 2022-01 (${data.real ? 'real TLC files' : 'synthetic files'}):`,
    )
    console.log(
      'learner'.padEnd(52) +
        'fit s'.padStart(7) +
        '  2022-03 dev / naive / cover'.padStart(30) +
        '  2024-03 dev / naive / cover'.padStart(30),
    )
    for (const candidate of CANDIDATES) {
      const fitted = await fitCourseEstimator(config, '2022-01', file('2022-01'), candidate.fit)
      const cells: string[] = []
      for (const month of ['2022-03', '2024-03']) {
        const { deviation } = await estimateCourseMonth(config, fitted, month, file(month))
        cells.push(
          `${deviation.estimateDeviation.toFixed(3)} / ${deviation.naiveDeviation.toFixed(3)} / ${(deviation.bandCoverage * 100).toFixed(0)}%`.padStart(
            30,
          ),
        )
      }
      console.log(
        candidate.name.padEnd(52) + (fitted.fitMs / 1000).toFixed(1).padStart(7) + cells.join(''),
      )
    }
    const fitted = await fitCourseEstimator(config, '2022-01', file('2022-01'))
    for (const month of ['2022-03', '2024-03']) {
      const result = await estimateCourseMonth(config, fitted, month, file(month))
      const d = result.deviation
      console.log(
        `${month} (model and estimator from 2022-01, ${result.heldOutRows} held-out rows, nanny on ${result.fitRows}, spread on ${result.calibrationRows}): ` +
          `mean |estimated − realized| ${d.estimateDeviation.toFixed(3)} min vs naive ${d.naiveDeviation.toFixed(3)} ` +
          `(reference MAE ${result.referenceMae.toFixed(3)} every day; ${(d.improvement * 100).toFixed(1)} % lower); ` +
          `vs the course's filtered reference MAE ${result.courseReferenceMae.toFixed(3)}: ${result.courseNaiveDeviation.toFixed(3)}; ` +
          `95 % band covered ${(d.bandCoverage * 100).toFixed(0)} % of ${d.windows} days`,
      )
    }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}
