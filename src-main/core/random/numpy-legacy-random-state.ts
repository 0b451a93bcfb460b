const STATE_LENGTH = 624
const SHIFT = 397
const MATRIX_A = 0x9908b0df
const UPPER_MASK = 0x80000000
const LOWER_MASK = 0x7fffffff

/**
 * numpy's legacy `RandomState` (MT19937) restated: the same 32-bit words, doubles and permutations as
 * `np.random.seed(seed)` followed by `np.random.random_sample()` / `np.random.permutation(n)`.
 *
 * Evidently draws its permutation tests from numpy's global legacy generator (TVD seeds it with 0;
 * `emperical_mmd` does not seed it). Restating the generator bit for bit is what lets driftdesk give
 * the same permutation p-values as Evidently for the same inputs.
 *
 * Assumptions: `seed` is an integer in [0, 2^32), the range `np.random.seed(int)` accepts; it is
 * expanded with Matsumoto and Nishimura's `init_genrand`, as numpy's legacy seeding does.
 *
 * @throws {RangeError} when the seed is not an integer in [0, 2^32).
 * @see https://numpy.org/doc/stable/reference/random/legacy.html
 * @see http://www.math.sci.hiroshima-u.ac.jp/m-mat/MT/MT2002/emt19937ar.html
 * @example
 * const state = new NumpyLegacyRandomState(0)
 * state.nextUint32() // 2357136044, like np.random.RandomState(0)._bit_generator.random_raw()
 * new NumpyLegacyRandomState(0).permutation(10) // [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
 */
export class NumpyLegacyRandomState {
  // Int32 storage keeps every word a small integer for V8 (uint32 words above 2^31 would be boxed).
  private readonly words = new Int32Array(STATE_LENGTH)
  private position = STATE_LENGTH

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `NumpyLegacyRandomState: seed must be an integer in [0, 2^32), got ${seed}`,
      )
    }
    this.words[0] = seed | 0
    for (let index = 1; index < STATE_LENGTH; index++) {
      const previous = this.words[index - 1]! ^ (this.words[index - 1]! >>> 30)
      this.words[index] = (Math.imul(1812433253, previous) + index) | 0
    }
  }

  /** The next raw 32-bit word, tempered, as numpy's `mt19937_next32`. */
  nextUint32(): number {
    return this.nextInt32() >>> 0
  }

  /** The same word as {@link nextUint32}, as a signed 32-bit integer (cheaper in hot loops). */
  private nextInt32(): number {
    if (this.position >= STATE_LENGTH) this.regenerate()
    let value = this.words[this.position++]!
    value ^= value >>> 11
    value ^= (value << 7) & 0x9d2c5680
    value ^= (value << 15) & 0xefc60000
    value ^= value >>> 18
    return value
  }

  /** A double in [0, 1) from 53 random bits, as numpy's legacy `random_sample`. */
  randomSample(): number {
    const high = this.nextUint32() >>> 5
    const low = this.nextUint32() >>> 6
    return (high * 67108864 + low) / 9007199254740992
  }

  /**
   * A uniform integer in [0, max] by masked rejection sampling, as numpy's legacy `random_interval`
   * (the draw its legacy `shuffle` uses; the newer `Generator` uses Lemire's method instead).
   */
  randomInterval(max: number): number {
    if (max === 0) return 0
    if (max > 0x7fffffff) {
      let wideMask = max
      for (let shift = 1; shift <= 16; shift *= 2)
        wideMask = (wideMask | (wideMask >>> shift)) >>> 0
      let wide = (this.nextInt32() & wideMask) >>> 0
      while (wide > max) wide = (this.nextInt32() & wideMask) >>> 0
      return wide
    }
    let mask = max
    mask |= mask >>> 1
    mask |= mask >>> 2
    mask |= mask >>> 4
    mask |= mask >>> 8
    mask |= mask >>> 16
    // mask < 2^31 here, so `& mask` is already non-negative.
    let value = this.nextInt32() & mask
    while (value > max) value = this.nextInt32() & mask
    return value
  }

  /**
   * A random permutation of 0..n-1, as `np.random.permutation(n)`: `arange(n)` shuffled by the legacy
   * Fisher-Yates walk from the last index down. `np.random.choice(a, k, replace=False)` takes the
   * first k entries of the same permutation.
   */
  permutation(length: number): Int32Array {
    const indices = new Int32Array(length)
    for (let index = 0; index < length; index++) indices[index] = index
    for (let index = length - 1; index > 0; index--) {
      const other = this.randomInterval(index)
      const held = indices[index]!
      indices[index] = indices[other]!
      indices[other] = held
    }
    return indices
  }

  private regenerate(): void {
    const words = this.words
    let index = 0
    for (; index < STATE_LENGTH - SHIFT; index++) {
      const mixed = (words[index]! & UPPER_MASK) | (words[index + 1]! & LOWER_MASK)
      words[index] = words[index + SHIFT]! ^ (mixed >>> 1) ^ (-(mixed & 1) & MATRIX_A)
    }
    for (; index < STATE_LENGTH - 1; index++) {
      const mixed = (words[index]! & UPPER_MASK) | (words[index + 1]! & LOWER_MASK)
      words[index] =
        words[index + SHIFT - STATE_LENGTH]! ^ (mixed >>> 1) ^ (mixed & 1 ? MATRIX_A : 0)
    }
    const mixed = (words[STATE_LENGTH - 1]! & UPPER_MASK) | (words[0]! & LOWER_MASK)
    words[STATE_LENGTH - 1] = words[SHIFT - 1]! ^ (mixed >>> 1) ^ (-(mixed & 1) & MATRIX_A)
    this.position = 0
  }
}
