import { describe, expect, it } from 'vitest'
import type { LoggedColumnSpec } from './logged-record-frame'
import { LoggedRecordFrameBuilder } from './logged-record-frame'

const COLUMNS: LoggedColumnSpec[] = [
  { name: 'visits', kind: 'int64' },
  { name: 'amount', kind: 'float64' },
  { name: 'plan', kind: 'string' },
  { name: 'vip', kind: 'bool' },
  { name: 'signed_up', kind: 'timestamp_us' },
  { name: 'note', kind: 'null' },
  { name: 'score', kind: 'float64' },
]

describe('LoggedRecordFrameBuilder', () => {
  it('types logged JSON as the reference does: nulls and left-out fields are missing, the prediction fills its column', () => {
    const builder = new LoggedRecordFrameBuilder(COLUMNS, 'score')
    builder.append(
      { visits: 3, amount: 2.5, plan: 'pro', vip: true, signed_up: '2024-01-01 00:00:01.5' },
      0.25,
      'row a',
    )
    builder.append({ visits: null, plan: null, vip: false, note: 'x' }, 0.75, 'row b')
    const frame = builder.finish()
    expect(frame.names).toEqual(COLUMNS.map((c) => c.name))
    expect(frame.rowCount).toBe(2)
    expect(frame.columns.visits).toEqual({
      kind: 'int64',
      values: Float64Array.from([3, 0]),
      valid: Uint8Array.from([1, 0]),
    })
    expect(frame.columns.amount).toMatchObject({ kind: 'float64', valid: Uint8Array.from([1, 0]) })
    expect(frame.columns.plan).toEqual({ kind: 'string', values: ['pro', null] })
    expect(frame.columns.vip).toEqual({
      kind: 'bool',
      values: Float64Array.from([1, 0]),
      valid: null,
    })
    expect(frame.columns.signed_up).toMatchObject({ kind: 'timestamp_us' })
    expect((frame.columns.signed_up as { values: Float64Array }).values[0]).toBe(
      1_704_067_201_500_000,
    )
    // All-null in the reference: the first value logged types it.
    expect(frame.columns.note).toEqual({ kind: 'string', values: [null, 'x'] })
    expect(frame.columns.score).toEqual({
      kind: 'float64',
      values: Float64Array.from([0.25, 0.75]),
      valid: null,
    })
    expect(builder.hasValues('amount')).toBe(true)
    expect(builder.hasValues('visits')).toBe(true)
  })

  it('refuses a value of the wrong type naming the column, the row and what the column holds, and keeps nothing of that row', () => {
    const builder = new LoggedRecordFrameBuilder(COLUMNS, 'score')
    builder.append({ visits: 1, plan: 'a' }, 1, 'row 1')
    expect(() => builder.append({ visits: 2, plan: 7 }, 2, 'logged row R2')).toThrow(
      new TypeError(
        "Column 'plan' of logged row R2 holds 7, but the column holds a string or null in the reference.",
      ),
    )
    expect(() => builder.append({ visits: 2.5 }, 2, 'row 3')).toThrow(/'visits' .* a whole number/)
    expect(() => builder.append({ signed_up: 'yesterday' }, 2, 'row 4')).toThrow(/'signed_up'/)
    expect(() => builder.append({ vip: 'yes' }, 2, 'row 5')).toThrow(/'vip' .* true or false/)
    const frame = builder.finish()
    expect(frame.rowCount).toBe(1)
    expect(frame.columns.visits).toMatchObject({ values: Float64Array.from([1]) })
    expect(frame.columns.plan).toEqual({ kind: 'string', values: ['a'] })
  })

  it('a column never logged is all missing, and says so', () => {
    const builder = new LoggedRecordFrameBuilder(COLUMNS, 'score')
    builder.append({ plan: 'a' }, 1, 'row 1')
    expect(builder.hasValues('amount')).toBe(false)
    expect(builder.finish().columns.note).toEqual({ kind: 'null', length: 1 })
  })
})
