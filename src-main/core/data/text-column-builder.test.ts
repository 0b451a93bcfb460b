import { describe, expect, it } from 'vitest'
import { concatFrames } from './concat-frames'
import type { Frame } from './frame'
import { parseTimestampMicros, TextColumnBuilder } from './text-column-builder'

describe('TextColumnBuilder', () => {
  it('reads integers, nulls from pandas markers, and widens to float as pandas does', () => {
    const builder = new TextColumnBuilder('n')
    const first = builder.addBatch(['1', '', 'NA', '3'], 1)
    expect(first.kind).toBe('int64')
    const second = builder.addBatch(['2.5', '-inf', 'nan'], 5)
    expect(second.kind).toBe('float64')
    if (second.kind !== 'float64') throw new Error('float expected')
    expect(Array.from(second.values.slice(0, 2))).toEqual([2.5, -Infinity])
    expect(Array.from(second.valid ?? [])).toEqual([1, 1, 0])
  })
  it('reads every pandas missing marker as null in integer, float and timestamp columns', () => {
    // Pins the reader's fast path (numbers and common dates read before the marker lookup).
    const markers = ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND']
    markers.push('1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null')
    for (const [first, declared] of [
      ['7', undefined],
      ['7.5', undefined],
      ['2024-01-02 03:04:05', 'timestamp'],
    ] as const) {
      const column = new TextColumnBuilder('c', declared).addBatch([first, ...markers, first], 1)
      if (column.kind === 'string' || column.kind === 'null') throw new Error('numbers expected')
      expect(Array.from(column.valid ?? [])).toEqual([1, ...markers.map(() => 0), 1])
      expect(column.values[0]).toBe(column.values[markers.length + 1])
    }
  })
  it('reads True/False as booleans and ISO date-times as timestamps', () => {
    expect(new TextColumnBuilder('b').addBatch(['True', 'false'], 1).kind).toBe('bool')
    const ts = new TextColumnBuilder('t').addBatch(['2024-01-01', '2024-01-01T01:02:03.5+01:00'], 1)
    if (ts.kind !== 'timestamp_us') throw new Error('timestamp expected')
    expect(Array.from(ts.values)).toEqual([
      Date.UTC(2024, 0, 1) * 1000,
      Date.UTC(2024, 0, 1, 0, 2, 3, 500) * 1000,
    ])
  })
  it('keeps a text column as text, numbers included', () => {
    const column = new TextColumnBuilder('s').addBatch(['a7', '12', ''], 1)
    expect(column).toEqual({ kind: 'string', values: ['a7', '12', null] })
  })
  it('names the column, row and value that do not fit (mixed types)', () => {
    const builder = new TextColumnBuilder('price')
    builder.addBatch(['', '4'], 1)
    expect(() => builder.addBatch(['5', 'n/a', 'cheap'], 3)).toThrow(
      "Column 'price', data row 5: the value 'cheap' is not an integer (the column is integer, decided by its first value '4' on row 2",
    )
  })
  it('holds a declared type: an integer column refuses a decimal, a timestamp column a bad date', () => {
    expect(() => new TextColumnBuilder('k', 'integer').addBatch(['1', '1.5'], 1)).toThrow(
      /declared integer/,
    )
    expect(() => new TextColumnBuilder('ts', 'timestamp').addBatch(['2024-02-30'], 1)).toThrow(
      "Column 'ts', data row 1: the value '2024-02-30' is not a timestamp",
    )
  })
  it('rejects impossible dates', () => {
    expect(parseTimestampMicros('2024-13-01')).toBeNull()
    expect(parseTimestampMicros('2024-02-29T24:00:00')).toBeNull()
    expect(parseTimestampMicros('2024-02-29T23:59:59')).not.toBeNull()
  })
})

describe('concatFrames', () => {
  const part = (kind: 'int64' | 'float64' | 'null', values: number[]): Frame => ({
    rowCount: values.length,
    names: ['a'],
    columns: {
      a:
        kind === 'null'
          ? { kind, length: values.length }
          : { kind, values: Float64Array.from(values), valid: null },
    },
  })
  it('unifies an all-null batch and int with float, keeping nulls explicit', () => {
    const frame = concatFrames([part('null', [0]), part('int64', [1, 2]), part('float64', [2.5])])
    const a = frame.columns.a
    if (a?.kind !== 'float64') throw new Error('float64 expected')
    expect(frame.rowCount).toBe(4)
    expect(Array.from(a.valid ?? [])).toEqual([0, 1, 1, 1])
    expect(Array.from(a.values.slice(1))).toEqual([1, 2, 2.5])
  })
  it('names the part that lacks a column', () => {
    const other: Frame = { rowCount: 1, names: ['b'], columns: { b: { kind: 'null', length: 1 } } }
    expect(() => concatFrames([part('int64', [1]), other], ['one.csv', 'two.csv'])).toThrow(
      "two.csv lacks the column(s) 'a'",
    )
  })
})

describe('parseTimestampMicros fast path', () => {
  it('agrees with Date.UTC on common shapes, leap days and century years', () => {
    for (const text of [
      '1999-12-31T23:59:59',
      '2000-02-29 12:00',
      '2024-02-29',
      '1969-07-20T20:17:40',
      '2100-03-01T00:00:00',
    ])
      expect(parseTimestampMicros(text), text).toBe(
        Date.parse(`${text.replace(' ', 'T')}${text.length === 10 ? 'T00:00:00' : ''}Z`) * 1000,
      )
    expect(parseTimestampMicros('2100-02-29')).toBeNull()
    expect(parseTimestampMicros('2024-04-31T00:00:00')).toBeNull()
  })
})

describe('cellTypeOf', () => {
  it('spells numbers as pandas reads them and keeps look-alikes as text', async () => {
    const { cellTypeOf } = await import('./text-column-builder')
    for (const t of ['0', '-12', '+7', '007']) expect(cellTypeOf(t), t).toBe('integer')
    for (const t of ['1.5', '-.5', '5.', '1e5', '2.5E-3', '+1.0e+2', 'inf', '-Infinity'])
      expect(cellTypeOf(t), t).toBe('float')
    for (const t of ['0x1A', '1_000', ' 1', '1e', '.', '-', 'e5', '1.2.3', '--1'])
      expect(cellTypeOf(t), t).toBe('string')
  })
})
