import { describe, expect, it } from 'vitest'
import { andersonDarlingKSample } from './anderson-darling-k-sample'
import { averageRanks } from './average-ranks'
import { chiSquareSurvival } from './chi-square-survival'
import { cramerVonMisesTwoSample } from './cramer-von-mises-two-sample'
import { energyDistance } from './energy-distance'
import { eppsSingletonTwoSample } from './epps-singleton-two-sample'
import { fisherExactTest } from './fisher-exact-test'
import { gTestGoodnessOfFit } from './g-test-goodness-of-fit'
import { HypergeometricDistribution } from './hypergeometric-distribution'
import { kthSmallest } from './kth-smallest'
import { leastSquaresPolynomialFit } from './least-squares-polynomial-fit'
import { mannWhitneyUTest } from './mann-whitney-u-test'
import { modifiedBesselSecondKind } from './modified-bessel-second-kind'
import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { linearQuantile } from './linear-quantile'
import { searchSorted } from './search-sorted'
import { studentTTestIndependent } from './student-t-test-independent'
import { symmetricEigenDecomposition } from './symmetric-eigen-decomposition'

/** Reference values below come from scipy 1.10 / numpy 1.24 (Debian bookworm), printed with repr. */
function expectRelative(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected))
}

describe('numpyPairwiseSum', () => {
  it("adds short arrays left to right, as numpy's np.sum", () => {
    expect(numpyPairwiseSum([1e16, 1, 1])).toBe(1e16)
  })

  it('uses eight accumulators from 8 terms on, which differs from a plain loop', () => {
    const values = [1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    let plain = 0
    for (const value of values) plain += value
    expect(plain).toBe(1e16)
    // r0 = 1e16 + 1 + ..., the other accumulators hold exact small sums added before the big one.
    expect(numpyPairwiseSum(values)).toBe(1e16 + 8)
  })
})

describe('averageRanks', () => {
  it('gives tied values the mean of their positions and reports tie groups', () => {
    const { ranks, tieGroupSizes } = averageRanks([10, 20, 20, 5])
    expect(Array.from(ranks)).toEqual([2, 3.5, 3.5, 1])
    expect(tieGroupSizes).toEqual([1, 1, 2])
  })
})

describe('searchSorted and linearQuantile', () => {
  it('finds left and right insertion points', () => {
    expect(searchSorted([1, 2, 2, 3], 2, 'left')).toBe(1)
    expect(searchSorted([1, 2, 2, 3], 2, 'right')).toBe(3)
  })

  it("interpolates like numpy's linear percentile", () => {
    expect(linearQuantile([1, 2, 3, 4], 0.25)).toBe(1.75)
    expect(linearQuantile([0.4, 1.1, 3.3, 5.5, 7.2], 0.75)).toBe(5.5)
    expect(() => linearQuantile([], 0.5)).toThrow(RangeError)
  })
})

describe('kthSmallest', () => {
  it('selects order statistics without sorting', () => {
    const values = Float64Array.of(9, 1, 8, 2, 7, 3, 6, 4, 5, 5)
    expect(kthSmallest(values.slice(), 0)).toBe(1)
    expect(kthSmallest(values.slice(), 4)).toBe(5)
    expect(kthSmallest(values.slice(), 5)).toBe(5)
    expect(kthSmallest(values.slice(), 9)).toBe(9)
    expect(() => kthSmallest(values, 10)).toThrow(RangeError)
  })
})

describe('leastSquaresPolynomialFit', () => {
  it('matches numpy.polyfit on an overdetermined quadratic', () => {
    const fit = leastSquaresPolynomialFit([0, 1, 2, 3], [1, 3, 7, 13.5], 2)
    ;[1.1250000000000016, 0.7749999999999928, 1.0250000000000048].forEach((value, index) =>
      expectRelative(fit[index]!, value, 1e-12),
    )
  })
})

describe('symmetricEigenDecomposition', () => {
  it('finds the eigenvalues and orthonormal eigenvectors of a symmetric matrix', () => {
    const { values, vectors } = symmetricEigenDecomposition([
      [2, 1],
      [1, 2],
    ])
    expect([...values].sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)])
    const dot = vectors[0]![0]! * vectors[0]![1]! + vectors[1]![0]! * vectors[1]![1]!
    expect(Math.abs(dot)).toBeLessThan(1e-15)
  })
})

describe('modifiedBesselSecondKind', () => {
  it('matches the closed form K_1/2(x) = sqrt(π/(2x)) e^-x and scipy.special.kv(0.25, x)', () => {
    expectRelative(modifiedBesselSecondKind(0.5, 1), Math.sqrt(Math.PI / 2) * Math.exp(-1), 1e-14)
    expectRelative(modifiedBesselSecondKind(0.25, 0.3), 1.4480426307073662, 1e-13)
    expectRelative(modifiedBesselSecondKind(0.25, 40), 8.399340675998916e-19, 1e-13)
    expect(() => modifiedBesselSecondKind(0.25, 0)).toThrow(RangeError)
  })
})

describe('chiSquareSurvival', () => {
  it('gives the upper tail, NaN for df = 0 and exact ends', () => {
    expectRelative(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12)
    expect(chiSquareSurvival(1, 0)).toBeNaN()
    expect(chiSquareSurvival(0, 3)).toBe(1)
    expect(chiSquareSurvival(Infinity, 3)).toBe(0)
  })
})

describe('HypergeometricDistribution', () => {
  it('matches scipy.stats.hypergeom(20, 7, 12)', () => {
    const distribution = new HypergeometricDistribution(20, 7, 12)
    expectRelative(distribution.pmf(3), 0.19865841073271417)
    expectRelative(distribution.cdf(3), 0.2507739938080496)
    expectRelative(distribution.sf(3), 0.7492260061919505)
    expect(distribution.pmf(20)).toBe(0)
    expect(() => new HypergeometricDistribution(5, 6, 1)).toThrow(RangeError)
  })
})

describe('fisherExactTest', () => {
  it('matches scipy.stats.fisher_exact two-sided', () => {
    expectRelative(
      fisherExactTest([
        [8, 2],
        [1, 5],
      ]),
      0.034965034965034975,
    )
    expectRelative(
      fisherExactTest([
        [3, 1],
        [1, 3],
      ]),
      0.48571428571428565,
    )
    expect(
      fisherExactTest([
        [0, 0],
        [3, 4],
      ]),
    ).toBe(1)
    expect(() =>
      fisherExactTest([
        [-1, 0],
        [3, 4],
      ]),
    ).toThrow(RangeError)
  })
})

describe('mannWhitneyUTest', () => {
  it('uses the exact distribution for small samples without ties', () => {
    const less = mannWhitneyUTest([1, 2, 3], [4, 5, 6], 'less')
    expect(less.method).toBe('exact')
    expectRelative(less.pValue, 0.05)
    expectRelative(
      mannWhitneyUTest([1.5, 2, 7, 3.2], [4, 5, 6, 0.1, 9], 'two-sided').pValue,
      0.5555555555555556,
    )
  })

  it('switches to the normal approximation when there are ties', () => {
    expect(mannWhitneyUTest([1, 2, 2], [2, 3, 4], 'less').method).toBe('asymptotic')
  })
})

describe('studentTTestIndependent, gTestGoodnessOfFit, energyDistance', () => {
  it('match scipy', () => {
    expectRelative(
      studentTTestIndependent([1, 2, 3], [4, 5, 6]).pValue,
      0.021311641128756727,
      1e-10,
    )
    expectRelative(gTestGoodnessOfFit([10, 20], [15, 15]).pValue, 0.06527628230888141, 1e-10)
    expectRelative(energyDistance([0, 8], [0, 4, 6]), 1.1547005383792517)
    expect(() => gTestGoodnessOfFit([10, 20], [15, 16])).toThrow(/relative tolerance/)
  })
})

describe('andersonDarlingKSample, eppsSingletonTwoSample, cramerVonMisesTwoSample', () => {
  const x = [0.1, 0.4, 1.2, 2.2, 3.1, 0.7]
  const y = [2.5, 3.3, 4.1, 5.2, 2.9, 6.0, 4.4]

  it('match scipy 1.10 on a small shifted pair', () => {
    expectRelative(andersonDarlingKSample([x, y]).pValue, 0.004105709034145042, 1e-10)
    expectRelative(eppsSingletonTwoSample([...x, 1.9], y).pValue, 0.006628730918290686, 1e-9)
  })

  it('enumerates the exact CvM distribution: 2 of 20 splits of 3+3 are as extreme as full separation', () => {
    const result = cramerVonMisesTwoSample([1, 2, 3], [4, 5, 6])
    expect(result.method).toBe('exact')
    expect(result.pValue).toBe(0.1)
  })

  it('reject inputs scipy rejects', () => {
    expect(() =>
      andersonDarlingKSample([
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(/distinct/)
    expect(() => eppsSingletonTwoSample([1, 2, 3], y)).toThrow(/at least 5/)
    expect(() => cramerVonMisesTwoSample([1], [2, 3])).toThrow(/at least two/)
  })
})
