import type { Column, Frame, NumericColumn, NumericKind } from './frame'
import { columnLength } from './frame'

/**
 * Joins frames with the same columns (batches of one source, or several files) into one, row after row.
 * Column kinds are unified as pandas' concat would: an all-null batch takes the other batches' kind; an
 * int64 batch beside float64 ones becomes float64. Nulls stay explicit.
 * Complexity O(total rows × columns).
 * @throws {RangeError} when the frames' columns differ, or a column mixes text and numbers, naming it.
 * @example concatFrames([a, b]).rowCount // a.rowCount + b.rowCount
 */
export function concatFrames(frames: readonly Frame[], sources?: readonly string[]): Frame {
  const first = frames[0]
  if (first === undefined) return { rowCount: 0, names: [], columns: {} }
  if (frames.length === 1) return first
  const names = first.names
  frames.forEach((frame, k) => {
    const missing = names.filter((name) => !frame.names.includes(name))
    const extra = frame.names.filter((name) => !names.includes(name))
    if (missing.length > 0 || extra.length > 0) {
      const where = sources?.[k] ?? `part ${k + 1}`
      throw new RangeError(
        `${where} ${missing.length > 0 ? `lacks the column(s) ${missing.map((m) => `'${m}'`).join(', ')}` : `has extra column(s) ${extra.map((m) => `'${m}'`).join(', ')}`} that ${sources?.[0] ?? 'the first part'} has${missing.length > 0 ? '' : ' not'}; every file of one source needs the same columns.`,
      )
    }
  })
  const rowCount = frames.reduce((sum, frame) => sum + frame.rowCount, 0)
  const columns: Record<string, Column> = {}
  for (const name of names) {
    columns[name] = concatColumns(
      name,
      frames.map((frame) => frame.columns[name] as Column),
      rowCount,
      sources,
    )
  }
  return { rowCount, names, columns }
}

function concatColumns(
  name: string,
  parts: readonly Column[],
  rowCount: number,
  sources?: readonly string[],
): Column {
  const kinds = new Set(parts.map((part) => part.kind).filter((kind) => kind !== 'null'))
  if (kinds.size === 0) return { kind: 'null', length: rowCount }
  if (kinds.has('string')) {
    if (kinds.size > 1) {
      const k = parts.findIndex((part) => part.kind !== 'string' && part.kind !== 'null')
      throw new RangeError(
        `Column '${name}' holds text in one part and ${parts[k]?.kind} values in ${sources?.[k] ?? `part ${k + 1}`}; make the column one type in every file.`,
      )
    }
    const values: (string | null)[] = []
    for (const part of parts) {
      if (part.kind === 'string') for (const value of part.values) values.push(value)
      else for (let i = 0; i < columnLength(part); i++) values.push(null)
    }
    return { kind: 'string', values }
  }
  const kind = unifiedKind(name, kinds as Set<NumericKind>)
  const values = new Float64Array(rowCount)
  let valid: Uint8Array | null = null
  let offset = 0
  for (const part of parts) {
    const length = columnLength(part)
    if (part.kind === 'null') {
      valid ??= new Uint8Array(rowCount).fill(1)
      valid.fill(0, offset, offset + length)
      values.fill(Number.NaN, offset, offset + length)
    } else {
      const numeric = part as NumericColumn
      values.set(numeric.values, offset)
      if (numeric.valid !== null) {
        valid ??= new Uint8Array(rowCount).fill(1)
        valid.set(numeric.valid, offset)
      }
    }
    offset += length
  }
  return { kind, values, valid }
}

function unifiedKind(name: string, kinds: Set<NumericKind>): NumericKind {
  if (kinds.size === 1) return [...kinds][0] as NumericKind
  const numbers: NumericKind[] = ['int32', 'int64', 'float64']
  if ([...kinds].every((kind) => numbers.includes(kind)))
    return kinds.has('float64') ? 'float64' : 'int64'
  throw new RangeError(
    `Column '${name}' holds ${[...kinds].join(' and ')} values in different parts; make the column one type in every file.`,
  )
}
