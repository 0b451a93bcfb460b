import type { Data, Field } from 'apache-arrow'
import {
  Field as ArrowField,
  Float64,
  makeData,
  makeVector,
  Null,
  Schema,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow'
import type { Column, Frame, NumericKind } from '../../core/data/frame'
import { getColumn } from '../../core/data/frame'
import { arrowTableToFrame } from './arrow-to-frame'

const KIND_METADATA_KEY = 'driftdesk.kind'

/**
 * Serialises a frame as an Arrow IPC file (how the trained reference is saved under the app home).
 * Numeric columns are stored as float64 with their validity bitmap; the original kind (int64,
 * timestamp_us…) is kept in field metadata so a reloaded frame is identical.
 */
export function frameToArrowIpc(frame: Frame): Uint8Array {
  const fields: Field[] = []
  const data: Data[] = []
  for (const name of frame.names) {
    const column = getColumn(frame, name)
    const metadata = new Map([[KIND_METADATA_KEY, column.kind]])
    const columnData = columnToArrowData(column)
    fields.push(new ArrowField(name, columnData.type, true, metadata))
    data.push(columnData)
  }
  const vectors = Object.fromEntries(frame.names.map((name, i) => [name, makeVector(data[i]!)]))
  const table = new Table(new Schema(fields), vectors)
  return tableToIPC(table, 'file')
}

/** Reads a frame written by {@link frameToArrowIpc}. */
export function frameFromArrowIpc(bytes: Uint8Array): Frame {
  const table = tableFromIPC(bytes)
  const frame = arrowTableToFrame(table)
  const entries = table.schema.fields.map((field): [string, Column] => {
    const column = getColumn(frame, field.name)
    const kind = field.metadata.get(KIND_METADATA_KEY)
    return [
      field.name,
      column.kind !== 'string' && column.kind !== 'null' && kind !== undefined
        ? { ...column, kind: kind as NumericKind }
        : column,
    ]
  })
  // Own keys only (fromEntries), as in arrowTableToFrame: a column may be named '__proto__'.
  return { ...frame, columns: Object.fromEntries(entries) }
}

function columnToArrowData(column: Column): Data {
  switch (column.kind) {
    case 'null':
      return makeData({ type: new Null(), length: column.length, nullCount: column.length })
    case 'string':
      return vectorFromArray(column.values as (string | null)[], new Utf8()).data[0] as Data
    default: {
      const length = column.values.length
      let nullCount = 0
      let nullBitmap: Uint8Array | undefined
      if (column.valid !== null) {
        nullBitmap = new Uint8Array(Math.ceil(length / 8))
        for (let i = 0; i < length; i++) {
          if (column.valid[i] === 1) nullBitmap[i >> 3]! |= 1 << (i & 7)
          else nullCount++
        }
      }
      return makeData({
        type: new Float64(),
        length,
        nullCount,
        ...(nullBitmap === undefined ? {} : { nullBitmap }),
        data: column.values,
      }) as Data
    }
  }
}
