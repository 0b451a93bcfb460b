import { describe, expect, it } from 'vitest'
import type { Column, Frame } from '../data/frame'
import { driftTableColumns, inferColumnMapping } from './column-mapping'

function frame(columns: Record<string, Column>): Frame {
  const first = Object.values(columns)[0]
  const rowCount =
    first === undefined ? 0 : first.kind === 'null' ? first.length : first.values.length
  return { rowCount, names: Object.keys(columns), columns }
}
const ints = (...v: number[]): Column => ({
  kind: 'int64',
  values: Float64Array.from(v),
  valid: null,
})
const floats = (...v: number[]): Column => ({
  kind: 'float64',
  values: Float64Array.from(v),
  valid: null,
})
const text = (...v: string[]): Column => ({ kind: 'string', values: v })

describe('inferColumnMapping (Evidently 0.4 with no ColumnMapping)', () => {
  const reference = frame({
    code: ints(1, 2, 1),
    score: floats(0.5, 1.5, 2.5),
    city: text('a', 'b', 'a'),
    flag: { kind: 'bool', values: Float64Array.of(1, 0, 1), valid: null },
    target: floats(1, 2, 3),
    prediction: floats(1.1, 2.1, 2.9),
    only_here: floats(1, 2, 3),
  })
  const current = frame({
    prediction: floats(1, 2),
    target: floats(1, 2),
    score: floats(1, 2),
    code: ints(3, 3),
    city: text('c', 'a'),
    flag: { kind: 'bool', values: Float64Array.of(0, 0), valid: null },
  })
  it('types every integer and float column numerical however few values, text and booleans categorical', () => {
    const mapping = inferColumnMapping(reference, current)
    expect(mapping.numericalFeatures).toEqual(['code', 'score'])
    expect(mapping.categoricalFeatures).toEqual(['city', 'flag'])
    expect(mapping.target).toBe('target')
    expect(mapping.prediction).toBe('prediction')
  })
  it('recognises target and prediction only by those names; a 3-valued target is a class label', () => {
    const renamed = (f: Frame): Frame => ({
      ...f,
      names: f.names.map((n) => (n === 'target' ? 'y' : n)),
      columns: Object.fromEntries(
        Object.entries(f.columns).map(([n, c]) => [n === 'target' ? 'y' : n, c]),
      ),
    })
    const mapping = inferColumnMapping(renamed(reference), renamed(current))
    expect(mapping.target).toBeUndefined()
    expect(mapping.numericalFeatures).toContain('y')
    expect(inferColumnMapping(reference, current).task).toBe('classification')
    expect(driftTableColumns({ ...inferColumnMapping(reference, current) })[0]).toEqual({
      name: 'target',
      type: 'cat',
    })
  })
  it('keeps what the user says and names a mapped column missing from one dataset', () => {
    const mapping = inferColumnMapping(reference, current, {
      numericalFeatures: ['score'],
      categoricalFeatures: ['code'],
    })
    expect(mapping.numericalFeatures).toEqual(['score'])
    expect(mapping.categoricalFeatures).toEqual(['code'])
    expect(() =>
      inferColumnMapping(reference, current, { numericalFeatures: ['only_here'] }),
    ).toThrow("The numerical feature column 'only_here' is missing from the current data")
    expect(() => inferColumnMapping(reference, current, { numericalFeatures: ['city'] })).toThrow(
      "Column 'city' is listed as numerical but holds text",
    )
  })
})
