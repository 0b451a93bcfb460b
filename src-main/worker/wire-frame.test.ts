import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { Frame } from '../core/data/frame'
import { fromWireFrame, toWireFrame } from './wire-frame'

/** Rows 2..5 of a 10-row frame, as the window stream cuts them: views of the row group's buffers. */
function windowOfRowGroup(): { rowGroup: Frame; window: Frame } {
  const values = Float64Array.from({ length: 10 }, (_, i) => i * 1.5)
  const valid = Uint8Array.from({ length: 10 }, (_, i) => (i === 3 ? 0 : 1))
  const strings = ['a', 'b', null, 'a', 'c', '', 'b', null, 'a', 'z']
  const rowGroup: Frame = {
    rowCount: 10,
    names: ['x', 'c', 'n'],
    columns: {
      x: { kind: 'int64', values, valid },
      c: { kind: 'string', values: strings },
      n: { kind: 'null', length: 10 },
    },
  }
  const window: Frame = {
    rowCount: 4,
    names: ['x', 'c', 'n'],
    columns: {
      x: { kind: 'int64', values: values.subarray(2, 6), valid: valid.subarray(2, 6) },
      c: { kind: 'string', values: strings.slice(2, 6) },
      n: { kind: 'null', length: 4 },
    },
  }
  return { rowGroup, window }
}

describe('wire frames', () => {
  it('carries a window across a real MessagePort unchanged: kinds, nulls, empty strings, row count', () => {
    const { window } = windowOfRowGroup()
    const { port1, port2 } = new MessageChannel()
    const { frame, transfer } = toWireFrame(window)
    port1.postMessage(frame, transfer)
    const received = receiveMessageOnPort(port2)?.message as Parameters<typeof fromWireFrame>[0]
    port1.close()
    expect(fromWireFrame(received)).toEqual({
      rowCount: 4,
      names: ['x', 'c', 'n'],
      columns: {
        x: {
          kind: 'int64',
          values: Float64Array.from([3, 4.5, 6, 7.5]),
          valid: Uint8Array.from([1, 0, 1, 1]),
        },
        c: { kind: 'string', values: [null, 'a', 'c', ''] },
        n: { kind: 'null', length: 4 },
      },
    })
  })

  it('sends only the window’s rows and leaves the row group readable (a view is copied, not transferred)', () => {
    const { rowGroup, window } = windowOfRowGroup()
    const { frame, transfer } = toWireFrame(window)
    const x = frame.columns.x as { values: Float64Array }
    expect(x.values.buffer.byteLength).toBe(4 * 8)
    const { port1, port2 } = new MessageChannel()
    port1.postMessage(frame, transfer)
    port1.close()
    port2.close()
    const source = rowGroup.columns.x as { values: Float64Array }
    expect(source.values.length).toBe(10)
    expect(source.values[9]).toBe(13.5)
  })

  it('encodes a string column as each distinct value once and a code per row', () => {
    const { rowGroup } = windowOfRowGroup()
    const c = toWireFrame(rowGroup).frame.columns.c
    expect(c).toEqual({
      kind: 'string-codes',
      dictionary: ['a', 'b', 'c', '', 'z'],
      codes: Int32Array.from([0, 1, -1, 0, 2, 3, 1, -1, 0, 4]),
    })
  })
})
