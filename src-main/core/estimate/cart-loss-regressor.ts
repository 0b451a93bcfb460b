import { DecisionTreeRegression } from 'ml-cart'
import type { LossRegressor, LossRegressorFit } from './loss-regressor'

/** Settings of the CART nanny (ml-cart's DecisionTreeRegression). */
export interface CartLossOptions {
  /** Depth limit of the tree. */
  readonly maxDepth: number
  /** A node of this many rows or fewer is a leaf: keeps leaf means of a heavy-tailed loss stable. */
  readonly minLeafRows: number
  /**
   * ml-cart tries every split point with a full pass over the node (O(n²) per node), so the tree is
   * grown on at most this many rows, drawn at random without replacement.
   */
  readonly maxFitRows: number
}

/** Depth 5, leaves of ≥ 100 rows, grown on ≤ 4,000 rows: chosen on the taxi data (see the bench). */
export const DEFAULT_CART_LOSS_OPTIONS: CartLossOptions = {
  maxDepth: 5,
  minLeafRows: 100,
  maxFitRows: 4000,
}

/**
 * A CART regression tree of the loss (mljs `ml-cart`, squared-error splits, leaf = mean loss), the
 * library's learner; driftdesk only subsamples the rows and adapts the shapes.
 *
 * @see https://github.com/mljs/decision-tree-cart
 * @example fitCartLossRegressor()(rows, losses, random).predict(rows) → the leaf mean of each row
 */
export function fitCartLossRegressor(
  options: CartLossOptions = DEFAULT_CART_LOSS_OPTIONS,
): LossRegressorFit {
  return (rows, losses, random) => {
    if (rows.length !== losses.length || rows.length === 0) {
      throw new RangeError(
        `The loss model needs equal, non-empty rows and losses; got ${rows.length} rows and ${losses.length} losses.`,
      )
    }
    const chosen = sampleIndices(rows.length, options.maxFitRows, random)
    const tree = new DecisionTreeRegression({
      maxDepth: options.maxDepth,
      minNumSamples: options.minLeafRows,
    })
    tree.train(
      Array.from(chosen, (i) => [...(rows[i] as readonly number[])]),
      Array.from(chosen, (i) => losses[i] as number),
    )
    return cartRegressor(tree, chosen.length)
  }
}

/** A saved CART nanny, as `toJSON()` of {@link fitCartLossRegressor}'s result gives it. */
interface SavedCartLossRegressor {
  readonly learner: 'ml-cart'
  readonly trainedRows: number
  readonly tree: unknown
}

/**
 * A CART nanny saved with `toJSON()`, loaded again (predictions equal the saved model's).
 * @throws {RangeError} when `saved` is not a saved ml-cart nanny.
 */
export function loadCartLossRegressor(saved: unknown): LossRegressor {
  const candidate = saved as Partial<SavedCartLossRegressor> | null
  if (candidate?.learner !== 'ml-cart' || typeof candidate.trainedRows !== 'number') {
    throw new RangeError('The saved loss model is not an ml-cart regression tree.')
  }
  return cartRegressor(DecisionTreeRegression.load(candidate.tree), candidate.trainedRows)
}

function cartRegressor(tree: DecisionTreeRegression, trainedRows: number): LossRegressor {
  return {
    trainedRows,
    predict: (rows): Float64Array => Float64Array.from(tree.predict(rows.map((row) => [...row]))),
    toJSON: (): SavedCartLossRegressor => ({
      learner: 'ml-cart',
      trainedRows,
      tree: JSON.parse(JSON.stringify(tree.toJSON())) as unknown,
    }),
  }
}

/** `k` of `0..n-1` without replacement (all of them when k ≥ n), by a partial Fisher–Yates shuffle. */
function sampleIndices(n: number, k: number, random: () => number): Int32Array {
  const indices = Int32Array.from({ length: n }, (_, i) => i)
  const take = Math.min(n, k)
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (n - i))
    const held = indices[i] as number
    indices[i] = indices[j] as number
    indices[j] = held
  }
  return indices.subarray(0, take)
}
