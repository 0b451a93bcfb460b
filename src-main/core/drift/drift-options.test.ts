import { describe, expect, it } from 'vitest'
import { chosenStattest, chosenThreshold } from './drift-options'

describe('chosenThreshold (Evidently 0.4 _calculate_threshold)', () => {
  it('uses the per-column threshold for a column that is a key of the dict', () => {
    const options = { perColumnStattestThreshold: { a: 0.2 }, numStattestThreshold: 0.3 }
    expect(chosenThreshold(options, 'a', 'num')).toBe(0.2)
  })
  it('falls through to the per-type, then global threshold for a column missing from the dict', () => {
    const options = {
      perColumnStattestThreshold: { a: 0.2 },
      numStattestThreshold: 0.3,
      stattestThreshold: 0.4,
    }
    expect(chosenThreshold(options, 'b', 'num')).toBe(0.3)
    expect(chosenThreshold(options, 'b', 'cat')).toBe(0.4)
    expect(chosenThreshold({ perColumnStattestThreshold: {} }, 'b', 'num')).toBeUndefined()
  })
  it('takes the type-specific threshold only for its own type', () => {
    const options = { catStattestThreshold: 0.25, stattestThreshold: 0.4 }
    expect(chosenThreshold(options, 'x', 'cat')).toBe(0.25)
    expect(chosenThreshold(options, 'x', 'num')).toBe(0.4)
  })
})

describe('chosenStattest (Evidently 0.4 _calculate_stattest)', () => {
  it('prefers per column, then per type, then the global stattest', () => {
    const options = { perColumnStattest: { a: 'psi' }, numStattest: 'ks', stattest: 'wasserstein' }
    expect(chosenStattest(options, 'a', 'num')).toBe('psi')
    expect(chosenStattest(options, 'b', 'num')).toBe('ks')
    expect(chosenStattest(options, 'b', 'cat')).toBe('wasserstein')
    expect(chosenStattest({}, 'b', 'cat')).toBeUndefined()
  })
})

describe('per-column options keyed by column names that are also Object.prototype members', () => {
  // Regression (issue 9): `perColumnStattest[column]` returned Object.prototype.toString for a column
  // named "toString", so its stattest became a function and the override of other columns leaked.
  it('ignores inherited members and still honours the column when it is an own key', () => {
    const options = {
      perColumnStattest: { a: 'psi' },
      perColumnStattestThreshold: { a: 0.2 },
      numStattest: 'ks',
      numStattestThreshold: 0.3,
    }
    for (const column of ['toString', 'constructor', 'valueOf', '__proto__', 'hasOwnProperty']) {
      expect(chosenStattest(options, column, 'num')).toBe('ks')
      expect(chosenThreshold(options, column, 'num')).toBe(0.3)
    }
    const own = {
      perColumnStattest: Object.fromEntries([['constructor', 'psi']]),
      perColumnStattestThreshold: Object.fromEntries([['__proto__', 0.2]]),
    }
    expect(chosenStattest(own, 'constructor', 'num')).toBe('psi')
    expect(chosenThreshold(own, '__proto__', 'num')).toBe(0.2)
  })
})
