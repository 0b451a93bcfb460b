import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../src-main/core/data/frame'
import type { CorrelationMethod } from '../../src-main/core/quality/column-pair-correlation'
import { CORRELATION_METHODS } from '../../src-main/core/quality/column-pair-correlation'
import { windowColumnMetric } from '../../src-main/core/quality/window-column-metric'
import { pearsonCorrelation } from '../../src-main/core/stats/pearson-correlation'
import { isClose } from '../support/answer-keys'

/**
 * The backfill's `correlation` metric is the entry pandas 1.5.3 `DataFrame.corr(method)` gives for the
 * two columns (what Evidently 0.4's DatasetCorrelationsMetric computes), pinned by
 * scripts/pandas/window_correlations.py: a committed fixture of seeded cases — a large offset, heavy ties
 * (Spearman's average ranks, Kendall's tau-b), nulls on both sides (pairwise complete rows), NaN and ±inf,
 * a constant column, a column constant only on the complete rows, one and no complete row, a boolean
 * column, 5000 rows — each to 1e-12 relative. When Debian's python3-pandas is installed the script is
 * run again and must print the committed fixture.
 */
type Cell = number | boolean | string | null

interface Case {
  name: string
  kind: 'float64' | 'bool'
  x: Cell[]
  y: Cell[]
  completeRows: number
  expected: Record<CorrelationMethod, number | null>
}

const SCRIPT = resolve(__dirname, '../../scripts/pandas/window_correlations.py')
const FIXTURE = resolve(__dirname, '../fixtures/pandas/window-correlations.json')
const PYTHON = '/usr/bin/python3'
const hasPandas =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import pandas, scipy'], { stdio: 'ignore' }).status === 0

const fixtureText = readFileSync(FIXTURE, 'utf8')
const cases = (JSON.parse(fixtureText) as { cases: Case[] }).cases

function cellValue(cell: Cell): number {
  if (cell === 'Infinity') return Infinity
  if (cell === '-Infinity') return -Infinity
  if (typeof cell === 'boolean') return cell ? 1 : 0
  return cell === null ? 0 : Number(cell)
}

function frameOf(c: Case): Frame {
  const column = (cells: Cell[], kind: 'float64' | 'bool') => ({
    kind,
    values: Float64Array.from(cells.map(cellValue)),
    valid: Uint8Array.from(cells.map((cell) => (cell === null ? 0 : 1))),
  })
  return {
    rowCount: c.x.length,
    names: ['x', 'y'],
    columns: { x: column(c.x, c.kind), y: column(c.y, 'float64') },
  }
}

describe('the correlation window metric equals pandas DataFrame.corr', () => {
  it('has every case the fixture was made for', () => {
    expect(cases.map((c) => c.name)).toEqual([
      'continuous around 1e6',
      'integer ties',
      'nulls on both sides',
      'NaN and infinities',
      'monotone non-linear',
      'anti-correlated with ties',
      'constant column 0.1',
      'constant on the complete rows',
      'one complete row',
      'no complete row',
      'two rows',
      'boolean against numbers',
      '5000 rows, rounded gamma',
    ])
  })

  for (const c of cases)
    for (const method of CORRELATION_METHODS)
      it(`${c.name}: ${method}`, () => {
        const [stored, ...more] = windowColumnMetric(frameOf(c), {
          column: 'x',
          metric: 'correlation',
          with: 'y',
          method,
        })
        expect(more).toEqual([])
        expect(stored?.column).toBe('x,y')
        expect(stored?.metric).toBe(`${method}_correlation`)
        const want = c.expected[method]
        if (want === null) {
          expect(stored?.value, `pandas gives NaN`).toBeNull()
          expect(stored?.error).toMatch(/undefined \(pandas: NaN\)/)
        } else {
          expect(stored?.error).toBeUndefined()
          expect(
            isClose(stored?.value as number, want, 1e-12, 0),
            `${stored?.value} vs pandas ${want}`,
          ).toBe(true)
        }
      })

  it('needs pandas own Welford sums for Pearson: a two-pass r misses pandas by more than 1e-12 at 1e6 ± 3', () => {
    const c = cases[0] as Case
    const frame = frameOf(c)
    const x = frame.columns.x as { values: Float64Array }
    const y = frame.columns.y as { values: Float64Array }
    const twoPass = pearsonCorrelation(x.values, y.values)
    expect(isClose(twoPass, c.expected.pearson as number, 1e-12, 0)).toBe(false)
  })

  it.skipIf(!hasPandas)('the committed fixture is what the script prints with pandas', () => {
    const printed = execFileSync(PYTHON, [SCRIPT], { encoding: 'utf8', maxBuffer: 64 << 20 })
    expect(JSON.parse(printed)).toEqual(JSON.parse(fixtureText))
  })
})
