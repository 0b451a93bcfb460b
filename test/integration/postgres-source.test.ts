import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readParquetFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { readPostgresBatches } from '../../src-main/adapters/sources/postgres-source'
import type { Frame } from '../../src-main/core/data/frame'
import { isNullAt } from '../../src-main/core/data/frame'
import { evidentlyAsDict } from '../../src-main/core/reports/evidently-as-dict'
import type { OwnDataRequest } from '../../src-main/services/reports/own-data-reports'
import { loadOwnData, ownDataReports } from '../../src-main/services/reports/own-data-reports'
import { expectReportsMatchKeys } from '../support/own-data-keys'
import { jsonLines, runCli } from '../support/run-cli'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'

const KEY_DIR = resolve(__dirname, '../../../shared/answers/evidently-0.4-own-data-fair')
const hasKey = existsSync(join(KEY_DIR, 'meta.json'))

const SQL_TYPES = {
  float64: 'double precision',
  int64: 'bigint',
  int32: 'integer',
  bool: 'boolean',
  timestamp_us: 'timestamp',
  string: 'text',
} as const

/** Copies a frame into a new table, one column per frame column with the matching PostgreSQL type. */
async function frameToTable(client: pg.Client, table: string, frame: Frame): Promise<void> {
  const kinds = frame.names.map((name) => frame.columns[name]!.kind as keyof typeof SQL_TYPES)
  await client.query(
    `CREATE TABLE ${table} (${frame.names.map((n, k) => `"${n}" ${SQL_TYPES[kinds[k]!]}`).join(', ')})`,
  )
  const arrays = frame.names.map((name) => {
    const column = frame.columns[name]!
    return Array.from({ length: frame.rowCount }, (_, i) => {
      if (isNullAt(column, i)) return null
      if (column.kind === 'string') return column.values[i]
      if (column.kind === 'null') return null
      const value = column.values[i] as number
      if (column.kind === 'timestamp_us')
        return new Date(value / 1000).toISOString().replace('T', ' ').replace('Z', '')
      if (column.kind === 'bool') return value !== 0
      return value
    })
  })
  await client.query(
    `INSERT INTO ${table} SELECT * FROM unnest(${kinds.map((kind, k) => `$${k + 1}::${SQL_TYPES[kind]}[]`).join(', ')})`,
    arrays,
  )
}

/** A small deterministic dataset (for a checkout without ../shared), written as CSV. */
function syntheticCsv(rows: number): string {
  const lines = ['ts,amount,count,segment,flag,prediction']
  for (let i = 0; i < rows; i++) {
    const day = 1 + (i % 3)
    const amount = i % 17 === 0 ? '' : String(((i * 7919) % 1000) / 10)
    lines.push(
      `2024-01-0${day} ${String(i % 24).padStart(2, '0')}:00:00,${amount},${i % 5},${['a', 'b', 'c'][i % 3]},${i % 2 === 0 ? 'True' : 'False'},${(i % 13) * 1.5}`,
    )
  }
  return `${lines.join('\n')}\n`
}

describe('PostgreSQL table or query as a source', () => {
  let server: TestPostgres
  let client: pg.Client
  let pool: DatabasePool
  let folder: string

  beforeAll(async () => {
    server = await startTestPostgres()
    client = new pg.Client({ connectionString: server.url })
    await client.connect()
    pool = createPool(server.url)
    folder = await mkdtemp(join(tmpdir(), 'driftdesk-pg-source-'))
  })

  afterAll(async () => {
    await pool?.end()
    await client?.end()
    await server?.stop()
    if (folder !== undefined) await rm(folder, { recursive: true, force: true })
  })

  async function readAll(
    spec: { table: string } | { query: string },
    batchRows = 2,
  ): Promise<Frame[]> {
    const frames: Frame[] = []
    for await (const frame of readPostgresBatches(pool, spec, { batchRows })) frames.push(frame)
    return frames
  }

  it('maps PostgreSQL types to driftdesk columns, nulls and NaN as null, in batches', async () => {
    await client.query(`CREATE TABLE typed (b boolean, s smallint, i integer, big bigint, r real,
      d double precision, n numeric, t text, v varchar(5), c char(2), u uuid, ts timestamp,
      tz timestamptz, dt date)`)
    await client.query(`INSERT INTO typed VALUES
      (true, 1, 2, 9007199254740991, 1.5, 0.1, 12.25, 'x', 'vv', 'cc',
       '00000000-0000-0000-0000-000000000001', '2024-01-02 03:04:05.123456',
       '2024-01-02 03:04:05+02', '2024-01-02'),
      (NULL, NULL, NULL, NULL, NULL, 'NaN', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (false, -1, -2, -3, '-Infinity', 2.5, 'NaN', '', 'w', 'd', NULL, '1999-12-31 23:59:59',
       '1999-12-31 23:59:59Z', '1999-12-31')`)
    const batches = await readAll({ table: 'typed' })
    expect(batches.map((f) => f.rowCount)).toEqual([2, 1])
    const [first, second] = batches as [Frame, Frame]
    expect(first.names).toEqual([
      'b',
      's',
      'i',
      'big',
      'r',
      'd',
      'n',
      't',
      'v',
      'c',
      'u',
      'ts',
      'tz',
      'dt',
    ])
    const kinds = Object.fromEntries(first.names.map((n) => [n, first.columns[n]!.kind]))
    expect(kinds).toEqual({
      b: 'bool',
      s: 'int32',
      i: 'int32',
      big: 'int64',
      r: 'float64',
      d: 'float64',
      n: 'float64',
      t: 'string',
      v: 'string',
      c: 'string',
      u: 'string',
      ts: 'timestamp_us',
      tz: 'timestamp_us',
      dt: 'timestamp_us',
    })
    const value = (frame: Frame, name: string, row: number): unknown => {
      const column = frame.columns[name]!
      if (isNullAt(column, row)) return null
      return column.kind === 'null' ? null : column.values[row]
    }
    expect(first.names.map((n) => value(first, n, 0))).toEqual([
      1,
      1,
      2,
      9007199254740991,
      1.5,
      0.1,
      12.25,
      'x',
      'vv',
      'cc',
      '00000000-0000-0000-0000-000000000001',
      Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123456,
      Date.UTC(2024, 0, 2, 1, 4, 5) * 1000,
      Date.UTC(2024, 0, 2) * 1000,
    ])
    expect(first.names.map((n) => value(first, n, 1))).toEqual(first.names.map(() => null))
    expect(value(second, 'r', 0)).toBe(-Infinity)
    expect(value(second, 'n', 0)).toBeNull()
    expect(value(second, 't', 0)).toBe('')
    expect(value(second, 'tz', 0)).toBe(Date.UTC(1999, 11, 31, 23, 59, 59) * 1000)
  })

  it('reads a query (read-only) and refuses a type it cannot monitor, naming the column', async () => {
    const frames = await readAll({ query: 'SELECT i * 10 AS tenfold FROM typed ORDER BY i;' }, 10)
    expect(frames[0]!.columns.tenfold).toMatchObject({ kind: 'int32' })
    await expect(readAll({ query: `SELECT '{"a":1}'::jsonb AS payload` })).rejects.toThrow(
      /Column 'payload' of the PostgreSQL query has a PostgreSQL type/,
    )
    await expect(readAll({ query: 'DELETE FROM typed RETURNING *' })).rejects.toThrow(
      /cannot be read/,
    )
    await expect(readAll({ table: 'no_such_table' })).rejects.toThrow(/no_such_table/)
    const { rows } = await client.query('SELECT count(*)::int AS n FROM typed')
    expect(rows[0].n).toBe(3)
  })

  it('an empty table gives its columns and no rows', async () => {
    await client.query('CREATE TABLE empty_log (x double precision, y text)')
    const frames = await readAll({ table: 'empty_log' })
    expect(frames).toHaveLength(1)
    expect(frames[0]).toMatchObject({ rowCount: 0, names: ['x', 'y'] })
  })

  it(
    'a table gives the same reports as the same data from a file',
    { timeout: 180_000 },
    async () => {
      let fileRequest: OwnDataRequest
      let tableFrame: Frame
      if (hasKey) {
        tableFrame = await readParquetFile(join(KEY_DIR, 'current.parquet'))
        fileRequest = {
          reference: [join(KEY_DIR, 'reference.parquet')],
          current: [join(KEY_DIR, 'current.parquet')],
          mapping: {
            target: 'affairs',
            prediction: 'prediction',
            numericalFeatures: [
              'rate_marriage',
              'age',
              'yrs_married',
              'children',
              'religious',
              'educ',
            ],
            categoricalFeatures: ['occupation', 'occupation_husb'],
          },
          windowColumn: 'ts',
          window: '1d',
        }
      } else {
        const csv = join(folder, 'current.csv')
        await writeFile(csv, syntheticCsv(600))
        const reference = join(folder, 'reference.csv')
        await writeFile(reference, syntheticCsv(900))
        const loaded = await loadOwnData({ reference: [csv], current: [csv] })
        tableFrame = loaded.current
        // Without a window column nothing is dropped: the frame holds ts as the CSV reader typed it.
        expect(tableFrame.columns.ts?.kind).toBe('timestamp_us')
        fileRequest = { reference: [reference], current: [csv], windowColumn: 'ts', window: '1d' }
      }
      await frameToTable(client, 'current_rows', tableFrame)
      const fromFile = await loadOwnData(fileRequest)
      const fromTable = await loadOwnData(
        { ...fileRequest, current: [], currentPostgres: { table: 'current_rows' } },
        { readPostgres: (spec) => readPostgresBatches(pool, spec, { batchRows: 500 }) },
      )
      expect(fromTable.windows.map((w) => [w.label, w.rows.length])).toEqual(
        fromFile.windows.map((w) => [w.label, w.rows.length]),
      )
      for (const preset of ['data-drift', 'data-quality', 'regression'] as const) {
        const a = ownDataReports(fromFile, preset).map(
          (o) => o.document && evidentlyAsDict(o.document),
        )
        const b = ownDataReports(fromTable, preset).map(
          (o) => o.document && evidentlyAsDict(o.document),
        )
        expect(b, preset).toEqual(a)
      }
      // The CLI front door: a project file whose current data is the table, read from --database-url.
      const projectFile = (current: unknown): string =>
        JSON.stringify({
          name: 'table-check',
          reference: fileRequest.reference[0],
          current,
          window: { column: 'ts', every: '1d' },
        })
      await writeFile(
        join(folder, 'table.json'),
        projectFile({ postgres: { table: 'current_rows' } }),
      )
      await writeFile(join(folder, 'files.json'), projectFile(fileRequest.current[0]))
      const viaCli = async (file: string): Promise<Record<string, unknown>[]> => {
        const result = await runCli([
          'report',
          '--project',
          join(folder, file),
          '--preset',
          'data-drift',
          '--json',
          '--database-url',
          server.url,
          '--home',
          folder,
        ])
        expect(result.code, result.stderr).toBe(0)
        return jsonLines(result.stdout)
      }
      const [tableLines, fileLines] = await Promise.all([
        viaCli('table.json'),
        viaCli('files.json'),
      ])
      expect(tableLines.length).toBeGreaterThan(0)
      expect(tableLines).toEqual(fileLines)

      if (hasKey) {
        const { window: _window, ...whole } = fileRequest
        const all = await loadOwnData(
          { ...whole, current: [], currentPostgres: { table: 'current_rows' } },
          { readPostgres: (spec) => readPostgresBatches(pool, spec, { batchRows: 500 }) },
        )
        expectReportsMatchKeys(all, KEY_DIR, 'all')
      }
    },
  )
})
