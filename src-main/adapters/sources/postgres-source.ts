import type { Column, Frame, NumericKind } from '../../core/data/frame'
import type { DatabasePool } from '../postgres/pool'
import { SourceReadError } from './source-read-error'

/** A PostgreSQL table (optionally `schema.table`) or a read-only query as a data source. */
export type PostgresSourceSpec = { readonly table: string } | { readonly query: string }

/** Rows per FETCH: a batch is one frame; memory follows the batch, never the table. */
const DEFAULT_BATCH_ROWS = 32_768

/**
 * How PostgreSQL types become driftdesk columns (documented in docs/live-collector.md, "PostgreSQL
 * sources"), keyed by type OID. Values arrive as PostgreSQL's text output (no driver parsing), so every
 * conversion is explicit:
 * - boolean → bool; smallint, integer → int32; bigint → int64 (exact below 2^53);
 * - real, double precision, numeric → float64 (numeric rounded to the nearest double; NaN is a null, as
 *   pandas reads it);
 * - text, varchar, char, name, uuid → string;
 * - timestamp → timestamp_us (naive, as the Parquet files hold it); timestamptz → timestamp_us of the UTC
 *   instant; date → timestamp_us at midnight.
 * Anything else (json, arrays, intervals, bytea, …) is refused naming the column: cast it in a query.
 */
const TYPE_KINDS: ReadonlyMap<number, NumericKind | 'string'> = new Map([
  [16, 'bool'],
  [21, 'int32'],
  [23, 'int32'],
  [20, 'int64'],
  [700, 'float64'],
  [701, 'float64'],
  [1700, 'float64'],
  [25, 'string'],
  [1043, 'string'],
  [1042, 'string'],
  [18, 'string'],
  [19, 'string'],
  [2950, 'string'],
  [1114, 'timestamp_us'],
  [1184, 'timestamp_us'],
  [1082, 'timestamp_us'],
] as [number, NumericKind | 'string'][])

/** Every value as PostgreSQL's text: the conversions below are ours, not the driver's. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value }

/** Where the source's rows come from, for error messages. */
function describe(spec: PostgresSourceSpec): string {
  return 'table' in spec ? `the PostgreSQL table ${spec.table}` : 'the PostgreSQL query'
}

/**
 * Streams a PostgreSQL table or query as column batches of the same `Frame` type the file sources give,
 * through a server-side cursor (`DECLARE … CURSOR`, `FETCH n`) in one READ ONLY transaction: one snapshot
 * for the whole read, `batchRows` rows in memory at a time, and a query cannot modify anything.
 * @throws {SourceReadError} when the table or query fails, or a column has a type driftdesk cannot read.
 */
export async function* readPostgresBatches(
  pool: DatabasePool,
  spec: PostgresSourceSpec,
  options: { readonly batchRows?: number } = {},
): AsyncGenerator<Frame> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS
  const where = describe(spec)
  const client = await pool.connect()
  let broken: Error | undefined
  const onError = (error: Error): void => {
    broken = error
  }
  client.on('error', onError)
  try {
    const sql =
      'table' in spec
        ? `SELECT * FROM ${spec.table
            .split('.')
            .map((part) => client.escapeIdentifier(part))
            .join('.')}`
        : spec.query.trim().replace(/;\s*$/, '')
    try {
      await client.query('BEGIN READ ONLY')
      // The text forms parsed below: ISO dates, floats printed to round-trip exactly.
      await client.query("SET LOCAL datestyle = 'ISO, YMD'")
      await client.query('SET LOCAL extra_float_digits = 1')
      await client.query(`DECLARE driftdesk_source NO SCROLL CURSOR FOR ${sql}`)
    } catch (error) {
      throw new SourceReadError(
        'DATA_FILE_INVALID',
        where,
        `${where} cannot be read: ${(error as Error).message}.`,
      )
    }
    let kinds: (NumericKind | 'string')[] | null = null
    let rowsBefore = 0
    for (;;) {
      const result = await client.query<unknown[]>({
        text: `FETCH FORWARD ${batchRows} FROM driftdesk_source`,
        rowMode: 'array',
        types: RAW_TEXT,
      })
      kinds ??= result.fields.map((field) => {
        const kind = TYPE_KINDS.get(field.dataTypeID)
        if (kind === undefined) {
          throw new SourceReadError(
            'DATA_FILE_INVALID',
            where,
            `Column '${field.name}' of ${where} has a PostgreSQL type (oid ${field.dataTypeID}) driftdesk does not monitor; cast it in a query to a number, text, boolean or timestamp (e.g. (${field.name})::double precision).`,
          )
        }
        return kind
      })
      if (result.rows.length === 0) {
        // A table with no rows still has its columns: one empty batch says which.
        if (rowsBefore === 0)
          yield toFrame(
            result.fields.map((f) => f.name),
            kinds,
            [],
            where,
            0,
          )
        break
      }
      yield toFrame(
        result.fields.map((f) => f.name),
        kinds,
        result.rows as (string | null)[][],
        where,
        rowsBefore,
      )
      rowsBefore += result.rows.length
      if (result.rows.length < batchRows) break
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined) // the connection may be gone
    throw error
  } finally {
    client.off('error', onError)
    client.release(broken)
  }
}

function toFrame(
  names: readonly string[],
  kinds: readonly (NumericKind | 'string')[],
  rows: readonly (readonly (string | null)[])[],
  where: string,
  rowsBefore: number,
): Frame {
  const n = rows.length
  const columns: Record<string, Column> = Object.create(null) as Record<string, Column>
  names.forEach((name, k) => {
    const kind = kinds[k] as NumericKind | 'string'
    if (kind === 'string') {
      columns[name] = { kind, values: rows.map((row) => row[k] ?? null) }
      return
    }
    const values = new Float64Array(n)
    let valid: Uint8Array | null = null
    for (let i = 0; i < n; i++) {
      const text = (rows[i] as (string | null)[])[k] ?? null
      const value = text === null ? Number.NaN : parseValue(text, kind)
      if (text === null || Number.isNaN(value)) {
        valid ??= new Uint8Array(n).fill(1)
        valid[i] = 0
        values[i] = Number.NaN
        if (text !== null && text !== 'NaN') {
          throw new SourceReadError(
            'DATA_FILE_INVALID',
            where,
            `Column '${name}' of ${where}, row ${rowsBefore + i + 1}: cannot read '${text}' as ${kind}.`,
          )
        }
        continue
      }
      values[i] = value
    }
    columns[name] = { kind, values, valid }
  })
  return { rowCount: n, names: [...names], columns }
}

const PG_TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::(\d{2}))?)?( BC)?$/

function parseValue(text: string, kind: NumericKind): number {
  switch (kind) {
    case 'bool':
      return text === 't' ? 1 : text === 'f' ? 0 : Number.NaN
    case 'timestamp_us':
      return parseTimestampMicros(text)
    default:
      if (text === 'Infinity') return Infinity
      if (text === '-Infinity') return -Infinity
      return Number(text)
  }
}

/** PostgreSQL's ISO text of a timestamp, timestamptz (with its offset) or date, as microseconds. */
function parseTimestampMicros(text: string): number {
  const match = PG_TIMESTAMP.exec(text)
  if (match === null || match[12] !== undefined) return Number.NaN
  const [, y, mo, d, h, mi, s, fraction, sign, oh, om, os] = match
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
  )
  const offsetSeconds =
    sign === undefined
      ? 0
      : (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0))
  const micros = fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'))
  return (ms - offsetSeconds * 1000) * 1000 + micros
}
