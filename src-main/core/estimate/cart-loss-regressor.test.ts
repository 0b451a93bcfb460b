import { describe, expect, it } from 'vitest'
import fixtureJson from '../../../test/fixtures/sklearn/decision-tree-regression.json'
import { fitCartLossRegressor, loadCartLossRegressor } from './cart-loss-regressor'

interface TreeCase {
  maxDepth: number
  minNumSamples: number
  x: number[][]
  y: number[]
  xTest: number[][]
  predicted: number[]
  leaves: number
}

/** scripts/sklearn/decision_tree_regression.py (Debian's python3-sklearn 1.2.1). */
const fixture = fixtureJson as { sklearn: string; cases: TreeCase[] }

const identity = (): number => 0

describe('fitCartLossRegressor (ml-cart) against scikit-learn', () => {
  it.each(fixture.cases.map((c) => [c.x.length, c.maxDepth, c.minNumSamples, c] as const))(
    'grows the same tree as DecisionTreeRegressor on %i distinct rows (depth %i, split above %i rows)',
    (n, maxDepth, minNumSamples, treeCase) => {
      // maxFitRows ≥ n: no subsampling, so the tree sees exactly sklearn's rows (`random` unused).
      const fitted = fitCartLossRegressor({ maxDepth, minLeafRows: minNumSamples, maxFitRows: n })(
        treeCase.x,
        Float64Array.from(treeCase.y),
        identity,
      )
      expect(fitted.trainedRows).toBe(n)
      const predicted = fitted.predict(treeCase.xTest)
      predicted.forEach((value, i) => {
        const expected = treeCase.predicted[i] as number
        expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected))
      })
      // Same partition of the test rows: as many distinct leaf values as sklearn reaches.
      expect(new Set(predicted).size).toBe(new Set(treeCase.predicted).size)
    },
  )
})

describe('fitCartLossRegressor subsampling', () => {
  it('grows the tree on at most maxFitRows rows drawn by the given random source', () => {
    const rows = Array.from({ length: 500 }, (_, i) => [i])
    // A little noise: ml-cart never makes a split whose children have zero squared error (its gain test
    // is `error > 0`), so a noiseless step would stay one leaf.
    const losses = Float64Array.from(rows, ([i]) => (i! < 250 ? 1 : 5) + (i! % 7) * 0.01)
    let state = 7
    const random = (): number => ((state = (state * 16807) % 2147483647) - 1) / 2147483646
    const fitted = fitCartLossRegressor({ maxDepth: 2, minLeafRows: 10, maxFitRows: 200 })(
      rows,
      losses,
      random,
    )
    expect(fitted.trainedRows).toBe(200)
    // The step is still found from the subsample.
    const [low, high] = fitted.predict([[10], [490]])
    expect(low).toBeCloseTo(1.03, 1)
    expect(high).toBeCloseTo(5.03, 1)
  })
})

describe('loadCartLossRegressor', () => {
  it('gives back a saved tree that predicts exactly as the fitted one, through JSON text', () => {
    const treeCase = fixture.cases[1]!
    const fitted = fitCartLossRegressor({ maxDepth: 5, minLeafRows: 40, maxFitRows: 600 })(
      treeCase.x,
      Float64Array.from(treeCase.y),
      identity,
    )
    const loaded = loadCartLossRegressor(JSON.parse(JSON.stringify(fitted.toJSON())))
    expect(loaded.trainedRows).toBe(600)
    expect(loaded.predict(treeCase.xTest)).toEqual(fitted.predict(treeCase.xTest))
  })

  it('refuses what is not a saved ml-cart tree', () => {
    expect(() => loadCartLossRegressor({ learner: 'lightgbm' })).toThrow(/not an ml-cart/)
    expect(() => loadCartLossRegressor(null)).toThrow(/not an ml-cart/)
  })
})
