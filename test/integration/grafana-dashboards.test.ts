import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  buildStackSpec,
  DEFAULT_STACK_PORTS,
  GRAFANA_DASHBOARD_UID,
  GRAFANA_DATASOURCE_UID,
  STACK_GRAFANA_DATABASE_USER,
} from '../../src-main/adapters/docker/stack-spec'
import { expandGrafanaPostgresMacros } from '../support/grafana-postgres-macros'
import type { TestPostgres } from '../support/postgres'
import { startTestPostgres } from '../support/postgres'
import { hasCapability, psqlCapability } from '../support/capabilities'
import { realTaxiDataDir, syntheticTaxiDataDir } from '../support/taxi-data'

/**
 * Grafana is not installable here, so its inputs are tested for what Grafana would do with them:
 * the provisioning files parse and reference each other, and every panel's and alert rule's SQL,
 * with Grafana's macros expanded exactly as its PostgreSQL data source does, runs against a real
 * PostgreSQL filled by a real backfill (the course month, February 2022), as the read-only role the
 * data source uses, returning rows of the shape each panel needs.
 */
const execFileAsync = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const provisioningDir = join(repoRoot, 'resources', 'grafana', 'provisioning')

interface Target {
  refId: string
  datasource?: { type: string; uid: string }
  format: 'time_series' | 'table'
  rawSql: string
  rawQuery?: boolean
}
interface Panel {
  id: number
  type: string
  title: string
  datasource?: { type: string; uid: string }
  gridPos: { h: number; w: number; x: number; y: number }
  targets?: Target[]
}
interface Dashboard {
  uid: string
  title: string
  time: { from: string; to: string }
  panels: Panel[]
}

const dashboardFiles = readdirSync(join(repoRoot, 'dashboards')).filter((file) =>
  file.endsWith('.json'),
)
const dashboards = dashboardFiles.map((file) => ({
  file,
  dashboard: JSON.parse(readFileSync(join(repoRoot, 'dashboards', file), 'utf8')) as Dashboard,
}))
const datasourceFile = parse(
  readFileSync(join(provisioningDir, 'datasources', 'driftdesk.yaml'), 'utf8'),
) as {
  apiVersion: number
  datasources: {
    name: string
    uid: string
    type: string
    url: string
    user: string
    jsonData: Record<string, unknown>
    secureJsonData: Record<string, string>
  }[]
}
const providerFile = parse(
  readFileSync(join(provisioningDir, 'dashboards', 'driftdesk.yaml'), 'utf8'),
) as {
  providers: { type: string; options: { path: string } }[]
}
const alertFile = parse(
  readFileSync(join(provisioningDir, 'alerting', 'driftdesk-alerts.yaml'), 'utf8'),
) as {
  apiVersion: number
  groups: {
    name: string
    folder: string
    interval: string
    rules: {
      uid: string
      title: string
      condition: string
      for: string
      data: {
        refId: string
        datasourceUid: string
        model: { rawSql?: string; format?: string; type?: string; expression?: string }
      }[]
    }[]
  }[]
}
const datasource = datasourceFile.datasources[0]
// The role script runs psql, as in the PostgreSQL image; without a psql client the SQL runs as the owner.
// Fails instead of skipping where .ci/run installed it (DRIFTDESK_EXPECT_PSQL=1).
const hasPsql = hasCapability(psqlCapability)

describe('Grafana provisioning files', () => {
  it('provision one PostgreSQL data source with the explicit uid the dashboards use', () => {
    expect(datasourceFile.apiVersion).toBe(1)
    expect(datasourceFile.datasources).toHaveLength(1)
    expect(datasource).toMatchObject({
      uid: GRAFANA_DATASOURCE_UID,
      type: 'grafana-postgresql-datasource',
    })
    expect(datasource?.secureJsonData.password).toBe('$DRIFTDESK_GRAFANA_DB_PASSWORD')
  })

  it('read every environment variable they use from the Grafana container spec', () => {
    const grafana = buildStackSpec({
      ports: { ...DEFAULT_STACK_PORTS },
      secrets: {
        postgresPassword: 'a',
        grafanaAdminPassword: 'b',
        grafanaReaderPassword: 'c',
        adminerToken: 'd',
      },
      resourcesDir: join(repoRoot, 'resources'),
      dashboardsDir: join(repoRoot, 'dashboards'),
    }).containers.find((container) => container.service === 'grafana')
    const text = readFileSync(join(provisioningDir, 'datasources', 'driftdesk.yaml'), 'utf8')
    const variables = [...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map(
      (match) => match[1] ?? '',
    )
    expect(variables.length).toBeGreaterThan(0)
    for (const variable of variables) expect(Object.keys(grafana?.env ?? {})).toContain(variable)
    expect(grafana?.env.DRIFTDESK_GRAFANA_DB_USER).toBe(STACK_GRAFANA_DATABASE_USER)
    // The dashboards folder is mounted where the provider reads, and the home dashboard exists there.
    const mount = grafana?.mounts.find((item) => item.source === join(repoRoot, 'dashboards'))
    expect(providerFile.providers[0]?.options.path).toBe(mount?.target)
    const home = grafana?.env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? ''
    expect(home.startsWith(`${mount?.target}/`)).toBe(true)
    expect(
      existsSync(join(repoRoot, 'dashboards', home.slice((mount?.target.length ?? 0) + 1))),
    ).toBe(true)
  })

  it('define alert rules whose queries use the data source and whose conditions exist', () => {
    expect(alertFile.apiVersion).toBe(1)
    const rules = alertFile.groups.flatMap((group) => group.rules)
    expect(rules.length).toBeGreaterThanOrEqual(2)
    expect(new Set(rules.map((rule) => rule.uid)).size).toBe(rules.length)
    for (const rule of rules) {
      const refIds = rule.data.map((item) => item.refId)
      expect(new Set(refIds).size).toBe(refIds.length)
      expect(refIds).toContain(rule.condition)
      for (const item of rule.data) {
        expect([GRAFANA_DATASOURCE_UID, '__expr__']).toContain(item.datasourceUid)
        if (item.model.expression !== undefined) expect(refIds).toContain(item.model.expression)
      }
    }
  })
})

describe('dashboard JSON', () => {
  it('has at least the main dashboard, each with a unique uid', () => {
    expect(dashboards.map((item) => item.dashboard.uid)).toContain(GRAFANA_DASHBOARD_UID)
    expect(new Set(dashboards.map((item) => item.dashboard.uid)).size).toBe(dashboards.length)
  })

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      it('has unique panel ids and grid positions inside the 24-column grid', () => {
        const ids = dashboard.panels.map((panel) => panel.id)
        expect(new Set(ids).size).toBe(ids.length)
        for (const panel of dashboard.panels) {
          expect(Number.isInteger(panel.id)).toBe(true)
          expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24)
        }
      })

      it('refers only to the provisioned data source, by uid', () => {
        for (const panel of dashboard.panels.filter((item) => item.type !== 'row')) {
          expect(panel.datasource).toEqual({ type: datasource?.type, uid: GRAFANA_DATASOURCE_UID })
          for (const target of panel.targets ?? [])
            expect(target.datasource).toEqual(panel.datasource)
        }
      })

      it('opens on the course data (February 2022), not the last 6 hours', () => {
        expect(dashboard.time).toEqual({
          from: '2022-02-01T00:00:00.000Z',
          to: '2022-03-01T00:00:00.000Z',
        })
      })

      it("includes the course's three panels with the course's queries on daily_metrics", () => {
        for (const column of ['prediction_drift', 'num_drifted_columns', 'share_missing_values']) {
          const sql = dashboard.panels
            .flatMap((panel) => panel.targets ?? [])
            .map((target) => target.rawSql)
          expect(sql).toContain(
            `SELECT "timestamp" AS "time", ${column}\nFROM daily_metrics\nWHERE $__timeFilter("timestamp")\nORDER BY 1`,
          )
        }
      })
    })
  }
})

describe('dashboard and alert SQL on a real backfilled PostgreSQL', () => {
  let database: TestPostgres
  let home: string
  let reader: pg.Client

  beforeAll(async () => {
    database = await startTestPostgres()
    home = await mkdtemp(join(tmpdir(), 'driftdesk-grafana-test-'))
    const dataDir = realTaxiDataDir() ?? (await syntheticTaxiDataDir())
    await execFileAsync(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      [
        'src-main/cli/main.ts',
        'backfill',
        '--month',
        '2022-02',
        '--reference-month',
        '2022-01',
        '--data-dir',
        dataDir,
        '--database-url',
        database.url,
        '--home',
        home,
        '--json',
      ],
      { cwd: repoRoot, env: { ...process.env, DRIFTDESK_HOME: home }, maxBuffer: 64 * 1024 * 1024 },
    )
    // The same script the stack's PostgreSQL runs on first start creates the read-only role.
    const url = new URL(database.url)
    const readerPassword = 'reader-password-for-test'
    if (hasPsql) {
      await execFileAsync(
        'bash',
        [join(repoRoot, 'resources', 'grafana', 'postgres-initdb', '10-grafana-reader.sh')],
        {
          env: {
            ...process.env,
            PGHOST: url.hostname,
            PGPORT: url.port,
            PGPASSWORD: decodeURIComponent(url.password),
            POSTGRES_USER: decodeURIComponent(url.username),
            POSTGRES_DB: url.pathname.slice(1),
            GRAFANA_READER_USER: STACK_GRAFANA_DATABASE_USER,
            GRAFANA_READER_PASSWORD: readerPassword,
          },
        },
      )
      url.username = STACK_GRAFANA_DATABASE_USER
      url.password = readerPassword
    }
    reader = new pg.Client({ connectionString: url.toString() })
    await reader.connect()
  }, 240_000)

  afterAll(async () => {
    await reader?.end()
    await database?.stop()
    await rm(home, { recursive: true, force: true })
  })

  it("has the backfilled month inside the dashboards' default time range", async () => {
    const { rows } = await reader.query<{ days: string; first: string; last: string }>(
      `SELECT count(*) AS days, min("timestamp")::text AS first, max("timestamp")::text AS last FROM daily_metrics`,
    )
    expect(Number(rows[0]?.days)).toBe(28)
    expect(rows[0]?.first).toBe('2022-02-01 00:00:00')
    expect(rows[0]?.last).toBe('2022-02-28 00:00:00')
  })

  it.skipIf(!hasPsql)(
    'refuses writes through the data source role (needs the psql client)',
    async () => {
      await expect(reader.query('SELECT current_user AS name')).resolves.toMatchObject({
        rows: [{ name: STACK_GRAFANA_DATABASE_USER }],
      })
      await expect(reader.query('CREATE TABLE grafana_write_attempt (x int)')).rejects.toThrow(
        /read-only transaction/,
      )
    },
  )

  for (const { file, dashboard } of dashboards) {
    for (const panel of dashboard.panels.filter((item) => item.type !== 'row')) {
      it(`${file}: "${panel.title}" returns rows of the shape a ${panel.type} panel needs`, async () => {
        expect(panel.targets?.length).toBeGreaterThan(0)
        for (const target of panel.targets ?? []) {
          const { sql } = expandGrafanaPostgresMacros(target.rawSql, {
            from: new Date(dashboard.time.from),
            to: new Date(dashboard.time.to),
          })
          expect(sql).not.toContain('$__')
          const result = await reader.query(sql)
          expect(result.rows.length, `${panel.title} returned no rows`).toBeGreaterThan(0)
          const columns = result.fields.map((field) => field.name)
          if (target.format === 'time_series') expectTimeSeriesShape(columns, result.rows)
          else expect(columns.length).toBeGreaterThan(0)
        }
      })
    }
  }

  it("shows every backfilled day in the course's three panels, with the stored values", async () => {
    const dashboard = dashboards.find(
      (item) => item.dashboard.uid === GRAFANA_DASHBOARD_UID,
    )?.dashboard
    const stored = await reader.query<Record<string, number>>(
      'SELECT prediction_drift, num_drifted_columns, share_missing_values FROM daily_metrics ORDER BY "timestamp"',
    )
    for (const column of ['prediction_drift', 'num_drifted_columns', 'share_missing_values']) {
      const target = dashboard?.panels
        .flatMap((panel) => panel.targets ?? [])
        .find((item) => item.rawSql.startsWith(`SELECT "timestamp" AS "time", ${column}\n`))
      const { sql } = expandGrafanaPostgresMacros(target?.rawSql ?? '', {
        from: new Date(dashboard?.time.from ?? ''),
        to: new Date(dashboard?.time.to ?? ''),
      })
      const { rows } = await reader.query<Record<string, number>>(sql)
      expect(rows.map((row) => row[column])).toEqual(stored.rows.map((row) => row[column]))
    }
  })

  it('returns one numeric value per alert query, and the drift rule counts at most 3 days', async () => {
    const rules = alertFile.groups.flatMap((group) => group.rules)
    for (const rule of rules) {
      const query = rule.data.find((item) => item.datasourceUid === GRAFANA_DATASOURCE_UID)
      const result = await reader.query(query?.model.rawSql ?? '')
      expect(result.rows).toHaveLength(1)
      expect(result.fields).toHaveLength(1)
      const value = Object.values(result.rows[0] as Record<string, unknown>)[0]
      expect(typeof value).toBe('number')
      if (rule.uid === 'driftdesk-prediction-drift') {
        const { rows } = await reader.query<{ n: number }>(
          `SELECT count(*) FILTER (WHERE prediction_drift >= 0.1)::float AS n FROM (SELECT prediction_drift FROM daily_metrics ORDER BY "timestamp" DESC LIMIT 3) t`,
        )
        expect(value).toBe(rows[0]?.n)
        expect(value as number).toBeLessThanOrEqual(3)
      }
    }
  })
})

/** Grafana's time-series format: a `time` column sorted ascending, numeric values, optional `metric` string. */
function expectTimeSeriesShape(columns: string[], rows: Record<string, unknown>[]): void {
  expect(columns[0]).toBe('time')
  const times = rows.map((row) => toEpochMs(row.time))
  for (let index = 1; index < times.length; index += 1) {
    expect(times[index] as number).toBeGreaterThanOrEqual(times[index - 1] as number)
  }
  const valueColumns = columns.filter((column) => column !== 'time' && column !== 'metric')
  expect(valueColumns.length).toBeGreaterThan(0)
  for (const row of rows) {
    if ('metric' in row) expect(typeof row.metric).toBe('string')
    for (const column of valueColumns) {
      const value = row[column]
      if (value === null) continue
      expect(
        Number.isFinite(typeof value === 'string' ? Number(value) : value),
        `${column}=${String(value)}`,
      ).toBe(true)
    }
  }
}

function toEpochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime()
  if (typeof value === 'number') return value * 1000
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const parsed = Date.parse(String(value))
  if (Number.isNaN(parsed)) throw new Error(`not a time: ${String(value)}`)
  return parsed
}
