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
  GRAFANA_COURSE_DATASOURCE_UID,
  GRAFANA_DASHBOARD_UID,
  GRAFANA_DATASOURCE_UID,
  STACK_GRAFANA_DATABASE_USER,
} from '../../src-main/adapters/docker/stack-spec'
import { createPool } from '../../src-main/adapters/postgres/pool'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
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
  fieldConfig?: unknown
  targets?: Target[]
}
interface Dashboard {
  uid: string
  title: string
  time: { from: string; to: string }
  panels: Panel[]
  templating?: {
    list: { name: string; type: string; query: string; current?: { value: string } }[]
  }
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
  deleteDatasources?: { name: string }[]
  datasources: {
    name: string
    uid: string
    isDefault: boolean
    editable: boolean
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
        model: {
          rawSql?: string
          format?: string
          type?: string
          expression?: string
          conditions?: { evaluator: { type: string; params: number[] } }[]
        }
      }[]
    }[]
  }[]
}
const datasource = datasourceFile.datasources[0]
// The role script runs psql, as in the PostgreSQL image; without a psql client the SQL runs as the owner.
// Fails instead of skipping where .ci/run installed it (DRIFTDESK_EXPECT_PSQL=1).
const hasPsql = hasCapability(psqlCapability)
const PROJECT_FILTER = "AND project = '$project' AND source = 'batch'"
// The course's own dashboard (05-monitoring/dashboards/data_drift.json), rebuilt from its known facts.
const courseDashboard = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'grafana', 'course-data-drift.json'), 'utf8'),
) as Dashboard

/** A panel's SQL as Grafana sends it for a project: the variable, then the macros, expanded. */
function panelSql(rawSql: string, dashboard: Dashboard, project = 'nyc-taxi'): string {
  return expandGrafanaPostgresMacros(rawSql.split('$project').join(project), {
    from: new Date(dashboard.time.from),
    to: new Date(dashboard.time.to),
  }).sql
}

describe('Grafana provisioning files', () => {
  it('provision one PostgreSQL data source with the explicit uid the dashboards use', () => {
    expect(datasourceFile.apiVersion).toBe(1)
    expect(datasource).toMatchObject({
      uid: GRAFANA_DATASOURCE_UID,
      type: 'grafana-postgresql-datasource',
      isDefault: true,
    })
    expect(datasource?.secureJsonData.password).toBe('$DRIFTDESK_GRAFANA_DB_PASSWORD')
  })

  it("keep the released uid driftdesk-postgres, and the course's uid on a second data source", () => {
    // Regression: the primary uid had been changed to the course's; Grafana does not rewrite the
    // references of dashboards and alerts users saved against driftdesk-postgres.
    expect(GRAFANA_DATASOURCE_UID).toBe('driftdesk-postgres')
    expect(datasourceFile.datasources.map((item) => [item.name, item.uid])).toEqual([
      ['driftdesk PostgreSQL', 'driftdesk-postgres'],
      ['PostgreSQL', GRAFANA_COURSE_DATASOURCE_UID],
    ])
    expect(GRAFANA_COURSE_DATASOURCE_UID).toBe('PCC52D03280B7034C')
    // The course's one is the same read-only connection, and not the default.
    const course = datasourceFile.datasources[1]
    const connection = (item: typeof course): unknown => ({
      type: item?.type,
      url: item?.url,
      user: item?.user,
      jsonData: item?.jsonData,
      secureJsonData: item?.secureJsonData,
    })
    expect(connection(course)).toEqual(connection(datasource))
    expect(course?.isDefault).toBe(false)
    expect(course?.editable).toBe(false)
    // Nothing deletes the course's name on start (it is ours now).
    expect(datasourceFile.deleteDatasources ?? []).toEqual([])
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

      it("includes the course's three panels with the course's queries, for the picked project", () => {
        for (const column of ['prediction_drift', 'num_drifted_columns', 'share_missing_values']) {
          const sql = dashboard.panels
            .flatMap((panel) => panel.targets ?? [])
            .map((target) => target.rawSql)
          expect(sql).toContain(
            `SELECT "timestamp" AS "time", ${column}\nFROM daily_metrics\nWHERE $__timeFilter("timestamp") ${PROJECT_FILTER}\nORDER BY 1`,
          )
        }
      })

      it('has a project variable (nyc-taxi by default) that every panel filters by', () => {
        const variable = dashboard.templating?.list.find((item) => item.name === 'project')
        expect(variable).toMatchObject({ type: 'query', current: { value: 'nyc-taxi' } })
        for (const panel of dashboard.panels.filter((item) => item.type !== 'row'))
          for (const target of panel.targets ?? []) {
            // Runs carry their project in their parameters; every other table in a column.
            expect(target.rawSql, panel.title).toMatch(
              /project = '\$project'|parameters->>'project', 'nyc-taxi'\) = '\$project'/,
            )
            // Batch panels read the backfills only; the live row says source = 'live' or reads service_health.
            if (
              /FROM (daily_metrics|column_drift|column_missing|column_metrics)/.test(target.rawSql)
            )
              expect(target.rawSql, panel.title).toMatch(/source = '(batch|live)'/)
          }
      })
    })
  }
})

describe('dashboard and alert SQL on a real backfilled PostgreSQL', () => {
  let database: TestPostgres
  let home: string
  let reader: pg.Client
  const nycTaxiBefore = new Map<string, unknown[]>()

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
    const owner = new pg.Client({ connectionString: database.url })
    await owner.connect()
    try {
      await seedNycTaxiExtras(owner)
      // What nyc-taxi's panels show before its live windows and another project are stored: the batch
      // panels must not change after.
      for (const { file, dashboard } of dashboards)
        for (const panel of dashboard.panels.filter((item) => item.type !== 'row'))
          for (const target of panel.targets ?? [])
            nycTaxiBefore.set(
              `${file} ${panel.id} ${target.refId}`,
              (await reader.query(panelSql(target.rawSql, dashboard))).rows,
            )
      await seedNycTaxiLive(owner)
      await seedOtherProject(owner)
    } finally {
      await owner.end()
    }
  }, 240_000)

  afterAll(async () => {
    await reader?.end()
    await database?.stop()
    await rm(home, { recursive: true, force: true })
  })

  it("has the backfilled month inside the dashboards' default time range", async () => {
    const { rows } = await reader.query<{ days: string; first: string; last: string }>(
      `SELECT count(*) AS days, min("timestamp")::text AS first, max("timestamp")::text AS last
       FROM daily_metrics WHERE project = 'nyc-taxi' AND source = 'batch'`,
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
          const sql = panelSql(target.rawSql, dashboard)
          expect(sql).not.toContain('$')
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
    for (const project of ['nyc-taxi', 'other']) {
      const stored = await reader.query<Record<string, number>>(
        `SELECT prediction_drift, num_drifted_columns, share_missing_values FROM daily_metrics
         WHERE project = $1 AND source = 'batch' ORDER BY "timestamp"`,
        [project],
      )
      expect(stored.rows).toHaveLength(28)
      for (const column of ['prediction_drift', 'num_drifted_columns', 'share_missing_values']) {
        const target = dashboard?.panels
          .flatMap((panel) => panel.targets ?? [])
          .find((item) => item.rawSql.startsWith(`SELECT "timestamp" AS "time", ${column}\n`))
        const sql = panelSql(target?.rawSql ?? '', dashboard as Dashboard, project)
        const { rows } = await reader.query<Record<string, number>>(sql)
        expect(rows.map((row) => row[column])).toEqual(stored.rows.map((row) => row[column]))
      }
    }
  })

  it("never shows another project's rows in nyc-taxi's panels, nor live rows in its batch panels", async () => {
    expect(nycTaxiBefore.size).toBeGreaterThan(15)
    for (const { file, dashboard } of dashboards)
      for (const panel of dashboard.panels.filter((item) => item.type !== 'row'))
        for (const target of panel.targets ?? []) {
          const { rows } = await reader.query(panelSql(target.rawSql, dashboard))
          // The live panel gained nyc-taxi's live windows on purpose (checked with its values below).
          if (!target.rawSql.includes("source = 'live'"))
            expect(rows, `${file}: ${panel.title}`).toEqual(
              nycTaxiBefore.get(`${file} ${panel.id} ${target.refId}`),
            )
          // And the other project's panels show its own rows.
          const other = await reader.query(panelSql(target.rawSql, dashboard, 'other'))
          expect(other.rows.length, `${file}: ${panel.title} for 'other'`).toBeGreaterThan(0)
          if (!/^SELECT r\.created_at/.test(target.rawSql))
            expect(other.rows, `${file}: ${panel.title} for 'other'`).not.toEqual(rows)
        }
  })

  it('offers nyc-taxi and every project in the project variable', async () => {
    for (const { dashboard } of dashboards) {
      const variable = dashboard.templating?.list.find((item) => item.name === 'project')
      const { rows } = await reader.query<{ project: string }>(variable?.query ?? '')
      // 'service-only' has only service_health rows (a prediction service, no window stored yet).
      expect(rows.map((row) => Object.values(row)[0])).toEqual([
        'nyc-taxi',
        'other',
        'service-only',
        'stored-only',
      ])
    }
  })

  it("charts the homework's daily median fare and its maximum from column_metrics, batch only", async () => {
    const dashboard = dashboards.find((item) => item.dashboard.uid === GRAFANA_DASHBOARD_UID)
      ?.dashboard as Dashboard
    const series = dashboard.panels.find((panel) => panel.title === 'Extra metrics per window')
    const { rows } = await reader.query<{ metric: string; value: number }>(
      panelSql(series?.targets?.[0]?.rawSql ?? '', dashboard),
    )
    expect(new Set(rows.map((row) => row.metric))).toEqual(new Set(['fare_amount quantile 0.5']))
    expect(rows.map((row) => row.value)).toEqual(
      Array.from({ length: 28 }, (_, day) => 12 + (day + 1) / 8),
    )
    const table = dashboard.panels.find(
      (panel) => panel.title === 'Extra metrics over the time range',
    )
    const summary = await reader.query<Record<string, unknown>>(
      panelSql(table?.targets?.[0]?.rawSql ?? '', dashboard),
    )
    expect(summary.rows).toEqual([
      {
        column: 'fare_amount',
        metric: 'quantile',
        parameter: 0.5,
        min: 12 + 1 / 8,
        max: 12 + 28 / 8,
        mean: 12 + 14.5 / 8,
        windows: '28',
        errors: '0',
      },
    ])
  })

  it('shows service health, live MAE and estimated vs realized MAE with the stored values', async () => {
    const dashboard = dashboards.find((item) => item.dashboard.uid === GRAFANA_DASHBOARD_UID)
      ?.dashboard as Dashboard
    const query = async (title: string): Promise<Record<string, unknown>[]> => {
      const panel = dashboard.panels.find((item) => item.title === title)
      expect(panel, title).toBeDefined()
      return (await reader.query(panelSql(panel?.targets?.[0]?.rawSql ?? '', dashboard))).rows
    }
    const latency = await query('Latency p50 / p95 / p99')
    expect(latency).toHaveLength(48)
    expect(latency[47]).toMatchObject({ p50: 4, p95: 9, p99: 250 })
    const errors = await query('Error rate')
    expect(errors.map((row) => row.error_rate)).toEqual([
      ...Array.from({ length: 47 }, () => 0.01),
      0.2,
    ])
    const live = await query('Live MAE and labelled share')
    expect(live).toHaveLength(28)
    expect(live[0]).toMatchObject({ 'live MAE': 3.5, 'labelled share': 0.5 })
    const estimated = await query('Estimated vs realized MAE')
    const stored = await reader.query<{ mae: number | null }>(
      `SELECT mae FROM daily_metrics WHERE project = 'nyc-taxi' AND source = 'batch' ORDER BY "timestamp"`,
    )
    expect(estimated.map((row) => row['realized MAE'])).toEqual(stored.rows.map((row) => row.mae))
    expect(estimated.map((row) => row['estimated MAE'])).toEqual(
      Array.from({ length: 28 }, (_, day) => 5 + day / 10),
    )
    for (const row of estimated)
      expect(row['estimate lower']).toBeLessThan(row['estimate upper'] as number)
  })

  it('shows why each day moved: contributions that add up to the shift, outlier shares, the worst segment', async () => {
    const dashboard = dashboards.find((item) => item.dashboard.uid === GRAFANA_DASHBOARD_UID)
      ?.dashboard as Dashboard
    const query = async (title: string): Promise<Record<string, unknown>[]> => {
      const panel = dashboard.panels.find((item) => item.title === title)
      expect(panel, title).toBeDefined()
      return (await reader.query(panelSql(panel?.targets?.[0]?.rawSql ?? '', dashboard))).rows
    }
    const contributions = await query('Contribution to the shift of the mean prediction')
    const shifts = await reader.query<{ time: Date; observed_shift: number; features: string }>(
      `SELECT "timestamp" AS time, max(observed_shift) AS observed_shift, count(*) AS features
       FROM prediction_contributions WHERE project = 'nyc-taxi' AND source = 'batch'
       GROUP BY 1 ORDER BY 1`,
    )
    // Every backfilled day, each with the model's six features, summing to the day's observed shift.
    expect(shifts.rows).toHaveLength(28)
    expect(contributions).toHaveLength(28 * 6)
    for (const day of shifts.rows) {
      expect(Number(day.features)).toBe(6)
      const sum = contributions
        .filter((row) => (row.time as Date).getTime() === day.time.getTime())
        .reduce((total, row) => total + (row.contribution as number), 0)
      expect(Math.abs(sum - day.observed_shift)).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(day.observed_shift)),
      )
    }
    const outliers = await query("Share outside the reference's Tukey fences")
    const storedOutliers = await reader.query<{ outside_fences_share: number }>(
      `SELECT outside_fences_share FROM column_outliers
       WHERE project = 'nyc-taxi' AND source = 'batch' AND outside_fences_share IS NOT NULL
       ORDER BY "timestamp", column_name`,
    )
    expect(outliers.length).toBeGreaterThan(0)
    expect(outliers.map((row) => row.outside_fences_share)).toEqual(
      storedOutliers.rows.map((row) => row.outside_fences_share),
    )
    const worst = await query('Worst segment per day')
    expect(worst).toHaveLength(28)
    for (const row of worst) expect(row.segment).toMatch(/^\S+ = \S+$/)
  })

  it("shows the backfill's values in the course's own dashboard, imported as it is", async () => {
    // It refers to the data source by the uid the course's Grafana generated; the provisioned
    // `PostgreSQL` data source carries it.
    const course = datasourceFile.datasources.find((item) => item.name === 'PostgreSQL')
    expect(course?.uid).toBe(GRAFANA_COURSE_DATASOURCE_UID)
    for (const panel of courseDashboard.panels) {
      expect(panel.datasource?.uid).toBe(course?.uid)
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(course?.uid)
    }
    expect(courseDashboard.panels.map((panel) => panel.title)).toEqual([
      'Panel Title',
      'Share of missing values',
      'Prediction Drift',
      'Number of Drifted Columns',
    ])
    const stored = await reader.query<Record<string, unknown>>(
      `SELECT d."timestamp", d.prediction_drift, d.num_drifted_columns, d.share_missing_values,
         q.value AS quantile_50
       FROM daily_metrics d LEFT JOIN column_metrics q ON q.project = d.project AND q.source = d.source
         AND q."timestamp" = d."timestamp" AND q.column_name = 'fare_amount' AND q.metric = 'quantile'
         AND q.parameter = 0.5
       WHERE d.project = 'nyc-taxi' AND d.source = 'batch' ORDER BY d."timestamp"`,
    )
    expect(stored.rows).toHaveLength(28)
    // The seeded median fare (batch), never the live value 900 of the same days.
    expect(stored.rows.map((row) => row.quantile_50)).toEqual(
      Array.from({ length: 28 }, (_, day) => 12 + (day + 1) / 8),
    )
    // 60 dummy rows sit in the view beside the 28 days (seedNycTaxiExtras).
    const dummyRows = await reader.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dummy_stream',
    )
    expect(dummyRows.rows[0]?.n).toBe(60)
    // The learner picks February 2022 in the time picker (the saved range is the homework's March 2024).
    const february = {
      ...courseDashboard,
      time: { from: '2022-02-01T00:00:00Z', to: '2022-03-01T00:00:00Z' },
    }
    const byTime = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
      (a.timestamp as Date).getTime() - (b.timestamp as Date).getTime()
    for (const panel of courseDashboard.panels) {
      const target = panel.targets?.[0] as Target
      const result = await reader.query<Record<string, unknown>>(panelSql(target.rawSql, february))
      const column = result.fields.map((field) => field.name).find((name) => !/time/.test(name))
      expect(column, panel.title).toBeDefined()
      if (/\$__timeFilter/.test(target.rawSql)) {
        expect(result.rows, panel.title).toEqual(
          stored.rows.map((row) => ({
            time: row.timestamp,
            [column as string]: row[column as string],
          })),
        )
        continue
      }
      // "Prediction Drift": no time filter, no ORDER BY, LIMIT 50. The view's metric branch comes
      // first, so all 28 days are in the 50 rows, then 22 dummy rows (no prediction_drift).
      expect(result.rows, panel.title).toHaveLength(50)
      expect(result.rows.slice(0, 28).sort(byTime), panel.title).toEqual(
        stored.rows.map((row) => ({
          prediction_drift: row.prediction_drift,
          timestamp: row.timestamp,
        })),
      )
      expect(result.rows.slice(28).map((row) => row.prediction_drift)).toEqual(
        Array.from({ length: 22 }, () => null),
      )
    }
    // Section 5.5's dummy stream stays readable under the same name, beside the metrics.
    const dummy = await reader.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dummy_metrics WHERE value1 IS NOT NULL',
    )
    expect(dummy.rows[0]?.n).toBe(60)
  })

  it('returns one numeric value per project for each alert rule, each from that project only', async () => {
    const rules = alertFile.groups.flatMap((group) => group.rules)
    expect(rules.map((rule) => rule.uid)).toEqual([
      'driftdesk-prediction-drift',
      'driftdesk-dataset-drift',
      'driftdesk-error-rate',
      'driftdesk-latency-p99',
    ])
    for (const rule of rules) {
      const query = rule.data.find((item) => item.datasourceUid === GRAFANA_DATASOURCE_UID)
      const result = await reader.query<Record<string, unknown>>(query?.model.rawSql ?? '')
      // Grafana's multi-dimensional alerts: the string column is the instance's label, one number each.
      expect(result.fields.map((field) => field.name)[0]).toBe('project')
      expect(result.fields).toHaveLength(2)
      expect(result.rows.map((row) => row.project)).toEqual(['nyc-taxi', 'other'])
      const value = (project: string): unknown =>
        Object.values(result.rows.find((row) => row.project === project) ?? {})[1]
      for (const project of ['nyc-taxi', 'other']) expect(typeof value(project)).toBe('number')
      const expected = {
        'driftdesk-prediction-drift': `SELECT count(*) FILTER (WHERE coalesce(prediction_drift_detected, prediction_drift >= 0.1))::float AS n FROM (SELECT prediction_drift, prediction_drift_detected FROM daily_metrics WHERE project = $1 AND source = 'batch' ORDER BY "timestamp" DESC LIMIT 3) t`,
        'driftdesk-dataset-drift': `SELECT CASE WHEN dataset_drift THEN 1 ELSE 0 END::float AS n FROM daily_metrics WHERE project = $1 AND source = 'batch' ORDER BY "timestamp" DESC LIMIT 1`,
        'driftdesk-error-rate': `SELECT error_rate AS n FROM service_health WHERE project = $1 AND requests >= 10 ORDER BY "timestamp" DESC LIMIT 1`,
        'driftdesk-latency-p99': `SELECT latency_p99_ms AS n FROM service_health WHERE project = $1 AND requests >= 10 ORDER BY "timestamp" DESC LIMIT 1`,
      }[rule.uid] as string
      for (const project of ['nyc-taxi', 'other']) {
        const { rows } = await reader.query<{ n: number }>(expected, [project])
        expect(value(project), `${rule.uid} ${project}`).toBe(rows[0]?.n)
      }
    }
    // The seeded latest windows: nyc-taxi's error rate 0.2 and p99 250 ms fire (> 0.05, > 100 ms); the
    // last window of 'other' has 5 requests only, so its earlier window (healthy) is the one judged.
    const threshold = (uid: string): number =>
      rules.find((rule) => rule.uid === uid)?.data.find((item) => item.refId === 'C')?.model
        .conditions?.[0]?.evaluator.params[0] as number
    expect(threshold('driftdesk-error-rate')).toBe(0.05)
    expect(threshold('driftdesk-latency-p99')).toBe(100)
    const errorRate = await reader.query<{ project: string; error_rate: number }>(
      rules[2]?.data[0]?.model.rawSql ?? '',
    )
    expect(errorRate.rows).toEqual([
      { project: 'nyc-taxi', error_rate: 0.2 },
      { project: 'other', error_rate: 0.01 },
    ])
  })
})

/**
 * Regression (reviewer's finding 1): the prediction-drift alert and panel thresholded the stored score
 * at 0.1, but for K-S / chi-square the score is a p-value (big = no drift), so healthy windows fired and
 * drifted ones did not. Projects whose prediction column is judged by a p-value, plus an old row set
 * without the flag, in a database of their own, so the other tests' project lists stay as seeded.
 */
describe('prediction drift judged by the stattest, also for p-value stattests', () => {
  it('fires on detected drift, not on a big p-value, and falls back to score >= 0.1 without the flag', async () => {
    const rule = alertFile.groups
      .flatMap((group) => group.rules)
      .find((item) => item.uid === 'driftdesk-prediction-drift')
    const alertSql = rule?.data.find((item) => item.refId === 'A')?.model.rawSql ?? ''
    const dashboard = dashboards.find((item) => item.dashboard.uid === GRAFANA_DASHBOARD_UID)
      ?.dashboard as Dashboard
    const panel = dashboard.panels.find((item) => item.title === 'Prediction drift')
    const database = await startTestPostgres()
    const db = createPool(database.url)
    try {
      await runMigrations(db)
      // 'ks-healthy': p-values 0.9 (no drift); 'ks-drifted': p-values 0.001 (drift); 'legacy': rows
      // stored before the flag, Wasserstein scores 0.2 (drift by the course's rule).
      await db.query(
        `INSERT INTO daily_metrics (project, source, "timestamp", rows, prediction_drift, prediction_drift_detected)
         SELECT p.project, 'batch', d, 100, p.score, p.detected
         FROM (VALUES ('ks-healthy', 0.9, false), ('ks-drifted', 0.001, true),
                      ('legacy', 0.2, NULL)) AS p(project, score, detected),
              generate_series('2022-02-01'::timestamp, '2022-02-04', '1 day') AS d`,
      )
      const { rows } = await db.query<{ project: string; drifted_days: number }>(alertSql)
      expect(rows).toEqual([
        { project: 'ks-drifted', drifted_days: 3 },
        { project: 'ks-healthy', drifted_days: 0 },
        { project: 'legacy', drifted_days: 3 },
      ])
      // The panel marks the detected windows, never the healthy p-values.
      const marked = panel?.targets?.find((target) => target.refId === 'B')?.rawSql ?? ''
      for (const [project, expected] of [
        ['ks-healthy', [null, null, null, null]],
        ['ks-drifted', [0.001, 0.001, 0.001, 0.001]],
        ['legacy', [0.2, 0.2, 0.2, 0.2]],
      ] as const) {
        const result = await db.query<Record<string, unknown>>(panelSql(marked, dashboard, project))
        expect(
          result.rows.map((row) => row['drift detected']),
          project,
        ).toEqual(expected)
      }
      // No panel draws a fixed threshold line on the score.
      expect(JSON.stringify(panel?.fieldConfig)).not.toMatch(/"value":0\.1/)
    } finally {
      await db.end()
      await database.stop()
    }
  }, 60_000)
})

/**
 * What the other writers add for the course project's batch windows beside the backfill: service
 * health, an extra metric and estimated MAE. Written as the owner: the data source's role is read-only.
 */
async function seedNycTaxiExtras(db: pg.Client): Promise<void> {
  await db.query(
    `UPDATE daily_metrics SET estimated_mae = 5 + (extract(day FROM "timestamp") - 1) / 10,
       estimated_mae_lower = 4 + (extract(day FROM "timestamp") - 1) / 10,
       estimated_mae_upper = 6 + (extract(day FROM "timestamp") - 1) / 10
     WHERE project = 'nyc-taxi' AND source = 'batch'`,
  )
  await db.query(
    `INSERT INTO column_metrics (project, source, "timestamp", column_name, metric, parameter, value)
     SELECT 'nyc-taxi', 'batch', d, 'fare_amount', 'quantile', 0.5, 12 + extract(day FROM d) / 8
     FROM generate_series('2022-02-01'::timestamp, '2022-02-28', '1 day') AS d`,
  )
  // Two days of hourly service windows; the last one is bad (error rate 0.2, p99 250 ms).
  await db.query(
    `INSERT INTO service_health (project, "timestamp", window_end, requests, errors, error_rate,
       latency_p50_ms, latency_p95_ms, latency_p99_ms)
     SELECT 'nyc-taxi', h, h + interval '1 hour', 100, CASE WHEN last THEN 20 ELSE 1 END,
            CASE WHEN last THEN 0.2 ELSE 0.01 END, CASE WHEN last THEN 4 ELSE 3 END,
            CASE WHEN last THEN 9 ELSE 8 END, CASE WHEN last THEN 250 ELSE 15 END
     FROM generate_series('2022-02-01'::timestamp, '2022-02-02 23:00', '1 hour') AS h,
          LATERAL (SELECT h = '2022-02-02 23:00'::timestamp AS last) AS l`,
  )
  // Section 5.5's dummy stream, 60 rows (more than the course panel's LIMIT 50), made in the last 10
  // minutes (outside February 2022).
  await db.query(
    `INSERT INTO dummy_stream ("timestamp", value1, value2, value3)
     SELECT now() - n * interval '10 seconds', n, 'x', 0.5 FROM generate_series(1, 60) AS n`,
  )
}

/**
 * The live collector's windows of the course project, at the batch days with values far from theirs,
 * so a batch panel that mixes sources shows it.
 */
async function seedNycTaxiLive(db: pg.Client): Promise<void> {
  await db.query(
    `INSERT INTO daily_metrics (project, source, "timestamp", window_end, rows, prediction_drift,
       num_drifted_columns, share_missing_values, share_of_drifted_columns, dataset_drift, mae, rmse,
       labelled_rows, labelled_share)
     SELECT 'nyc-taxi', 'live', d, d + interval '1 day', 100, 900, 900, 900, 0.9, true, 3.5, 4.5, 50, 0.5
     FROM generate_series('2022-02-01'::timestamp, '2022-02-28', '1 day') AS d`,
  )
  await db.query(
    `INSERT INTO column_drift (project, source, "timestamp", column_name, drift_score, drift_detected)
     SELECT 'nyc-taxi', 'live', d, 'live_only_column', 900, true
     FROM generate_series('2022-02-01'::timestamp, '2022-02-28', '1 day') AS d`,
  )
  await db.query(
    `INSERT INTO column_missing (project, source, "timestamp", column_name, missing_count, missing_share)
     SELECT 'nyc-taxi', 'live', d, 'live_only_column', 900, 0.9
     FROM generate_series('2022-02-01'::timestamp, '2022-02-28', '1 day') AS d`,
  )
  await db.query(
    `INSERT INTO column_metrics (project, source, "timestamp", column_name, metric, parameter, value)
     SELECT 'nyc-taxi', 'live', d, 'fare_amount', 'quantile', 0.5, 900
     FROM generate_series('2022-02-01'::timestamp, '2022-02-28', '1 day') AS d`,
  )
}

/** A second project with rows in every table, its values shifted from nyc-taxi's so a leak shows. */
async function seedOtherProject(db: pg.Client): Promise<void> {
  await db.query(
    `INSERT INTO projects (name, definition) VALUES
       ('other', '{"name":"other","reference":"/r.parquet","current":"/c.parquet"}'),
       ('stored-only', '{"name":"stored-only","reference":"/r.parquet","current":"/c.parquet"}')`,
  )
  await db.query(
    `INSERT INTO daily_metrics (project, source, "timestamp", window_end, rows, prediction_drift,
       num_drifted_columns, share_missing_values, share_of_drifted_columns, dataset_drift, mae, rmse,
       estimated_mae, estimated_mae_lower, estimated_mae_upper, labelled_rows, labelled_share)
     SELECT 'other', source, "timestamp", window_end, rows + 7, prediction_drift + 7,
       num_drifted_columns + 7, share_missing_values + 7, share_of_drifted_columns, NOT dataset_drift,
       mae + 7, rmse + 7, estimated_mae + 7, estimated_mae_lower + 7, estimated_mae_upper + 7,
       labelled_rows, labelled_share
     FROM daily_metrics WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO column_drift (project, source, "timestamp", column_name, column_type, stattest,
       stattest_name, threshold, drift_score, drift_detected, position)
     SELECT 'other', source, "timestamp", column_name, column_type, stattest, stattest_name, threshold,
       drift_score + 7, NOT drift_detected, position
     FROM column_drift WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO column_missing (project, source, "timestamp", column_name, missing_count, missing_share, position)
     SELECT 'other', source, "timestamp", column_name, missing_count + 7, missing_share + 0.5, position
     FROM column_missing WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO column_metrics (project, source, "timestamp", column_name, metric, parameter, value)
     SELECT 'other', source, "timestamp", column_name, metric, parameter, value + 7
     FROM column_metrics WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO prediction_contributions (project, source, "timestamp", feature, contribution,
       coefficient, reference_mean, current_mean, observed_shift, is_estimate)
     SELECT 'other', source, "timestamp", feature, contribution + 7, coefficient, reference_mean,
       current_mean, observed_shift + 42, true
     FROM prediction_contributions WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO column_outliers (project, source, "timestamp", column_name, outside_fences_share,
       outside_range_share, reference_outside_fences_share, lower_fence, upper_fence, value_count)
     SELECT 'other', source, "timestamp", column_name, outside_fences_share + 7, outside_range_share,
       reference_outside_fences_share, lower_fence, upper_fence, value_count
     FROM column_outliers WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO segment_metrics (project, source, "timestamp", segment_column, segment, rows,
       reference_rows, mean_prediction, reference_mean_prediction, prediction_drift, mae, rmse, is_worst)
     SELECT 'other', source, "timestamp", segment_column, segment, rows + 7, reference_rows,
       mean_prediction, reference_mean_prediction, prediction_drift, mae + 7, rmse, is_worst
     FROM segment_metrics WHERE project = 'nyc-taxi'`,
  )
  await db.query(
    `INSERT INTO service_health (project, "timestamp", window_end, requests, errors, error_rate,
       latency_p50_ms, latency_p95_ms, latency_p99_ms)
     SELECT 'other', "timestamp", window_end, requests, 1, 0.01, 7, 7, 7
     FROM service_health WHERE project = 'nyc-taxi'`,
  )
  // A project with only service windows, each too small for the alert rules (< 10 requests).
  await db.query(
    `INSERT INTO service_health (project, "timestamp", window_end, requests, errors, error_rate,
       latency_p50_ms, latency_p95_ms, latency_p99_ms)
     VALUES ('service-only', '2022-02-01 00:00', '2022-02-01 01:00', 3, 0, 0, 2, 3, 4)`,
  )
  // A later window too small to judge (5 requests): the alert rules skip it.
  await db.query(
    `INSERT INTO service_health (project, "timestamp", window_end, requests, errors, error_rate,
       latency_p50_ms, latency_p95_ms, latency_p99_ms)
     VALUES ('other', '2022-02-03 00:00', '2022-02-03 01:00', 5, 5, 1, 900, 900, 900)`,
  )
  await db.query(
    `INSERT INTO runs (id, job, parameters, state) VALUES
       ('00000000-0000-4000-8000-000000000001', 'backfill', '{"project":"other"}', 'Completed')`,
  )
}

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
