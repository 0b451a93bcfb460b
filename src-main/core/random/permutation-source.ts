import { NumpyLegacyRandomState } from './numpy-legacy-random-state'

/** Draws successive random permutations of 0..length-1 from one generator. */
export type PermutationSource = (length: number) => Int32Array

/**
 * The permutation stream a permutation test draws from.
 *
 * Without `random`, permutations come from numpy's legacy MT19937 seeded with 0 (the state right after
 * `np.random.seed(0)`), so driftdesk's permutation p-values equal Evidently's for the same inputs.
 * With `random` (any seeded `() => number` in [0, 1)), a Fisher-Yates shuffle walks from the last
 * index down and picks `floor(random() * (i + 1))`: reproducible for that generator, but not numpy's
 * stream, so p-values then differ from Evidently's by Monte Carlo error (about sqrt(p(1-p)/B) for B
 * permutations).
 *
 * @throws {RangeError} (from the returned function) when `random` returns a value outside [0, 1).
 * @example
 * const next = createPermutationSource()
 * next(10) // [2, 8, 4, 9, 1, 6, 7, 3, 0, 5] = np.random.seed(0); np.random.permutation(10)
 */
export function createPermutationSource(random?: () => number): PermutationSource {
  if (random === undefined) {
    const state = new NumpyLegacyRandomState(0)
    return (length) => state.permutation(length)
  }
  return (length) => {
    const indices = new Int32Array(length)
    for (let index = 0; index < length; index++) indices[index] = index
    for (let index = length - 1; index > 0; index--) {
      const draw = random()
      if (!(draw >= 0 && draw < 1)) {
        throw new RangeError(`random() must return a number in [0, 1), got ${draw}`)
      }
      const other = Math.floor(draw * (index + 1))
      const held = indices[index]!
      indices[index] = indices[other]!
      indices[other] = held
    }
    return indices
  }
}
