import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPool } from '../../src-main/adapters/postgres/pool'
import type { DatabasePool } from '../../src-main/adapters/postgres/pool'
import { PostgresRunStore } from '../../src-main/adapters/postgres/postgres-run-store'
import { runMigrations } from '../../src-main/adapters/postgres/run-migrations'
import {
  deleteSchedule,
  getSchedule,
  listSchedules,
  markScheduleFired,
  saveSchedule,
} from '../../src-main/adapters/postgres/schedule-repository'
import { SchedulerService, validateCron } from '../../src-main/services/pipeline/scheduler-service'
import type { ScheduleRecord } from '../../src-main/shared/domain/runs'
import { startTestPostgres } from '../support/postgres'
import type { TestPostgres } from '../support/postgres'
import { runCli, startCli } from '../support/run-cli'

describe('schedules', () => {
  let server: TestPostgres
  let pool: DatabasePool
  let home: string

  beforeAll(async () => {
    server = await startTestPostgres()
    pool = createPool(server.url)
    await runMigrations(pool)
    home = await mkdtemp(join(tmpdir(), 'driftdesk-schedule-home-'))
  })
  afterAll(async () => {
    await pool?.end()
    await server?.stop()
    if (home !== undefined) await rm(home, { recursive: true, force: true })
  })

  function scheduler(launched: { name: string; at: Date }[], now?: () => Date): SchedulerService {
    return new SchedulerService({
      runs: new PostgresRunStore(pool),
      schedules: {
        listSchedules: () => listSchedules(pool),
        markFired: (name, at) => markScheduleFired(pool, name, at),
      },
      launch: async (schedule: ScheduleRecord, at: Date) => {
        launched.push({ name: schedule.name, at })
      },
      hostname: hostname(),
      pid: process.pid,
      ...(now === undefined ? {} : { now }),
    })
  }

  it('rejects an expression the cron library cannot parse, naming it', () => {
    expect(() => validateCron('0 2 * *')).toThrow(/'0 2 \* \*' is not a cron expression/)
    expect(() => validateCron('0 2 * * *')).not.toThrow()
  })

  it('logs a database error while firing and keeps firing later occurrences (no unhandled rejection)', async () => {
    const launched: Date[] = []
    const messages: string[] = []
    let markFiredCalls = 0
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const service = new SchedulerService({
      runs: new PostgresRunStore(pool),
      schedules: {
        listSchedules: async () => [
          {
            name: 'flaky-store',
            cron: '* * * * * *',
            job: 'dummy',
            parameters: {},
            lastFiredAt: null,
            enabled: true,
          },
        ],
        markFired: async () => {
          markFiredCalls += 1
          // The first call is start()'s; the second is the first occurrence's, which fails.
          if (markFiredCalls === 2)
            throw new Error('terminating connection due to administrator command')
        },
      },
      launch: async (_schedule, at) => void launched.push(at),
      hostname: hostname(),
      pid: process.pid,
      onMessage: (message) => messages.push(message),
    })
    try {
      await service.start()
      const deadline = Date.now() + 10_000
      while (Date.now() < deadline && launched.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    } finally {
      service.stop()
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
    expect(
      messages.some((m) => /flaky-store: this occurrence was skipped: terminating/.test(m)),
    ).toBe(true)
    expect(launched.length).toBeGreaterThanOrEqual(1)
  }, 30_000)

  it('records occurrences missed while no daemon ran as Cancelled runs, then goes on from now', async () => {
    await saveSchedule(pool, {
      name: 'nightly',
      cron: '0 2 * * *',
      job: 'backfill',
      parameters: { args: ['--yesterday'] },
    })
    await markScheduleFired(pool, 'nightly', new Date('2026-03-01T12:00:00Z'))
    const now = new Date('2026-03-05T12:00:00Z')
    const service = scheduler([], () => now)
    expect(
      service
        .missedOccurrences((await getSchedule(pool, 'nightly'))!, now)
        .map((d) => d.getUTCDate()),
    ).toHaveLength(4)
    await service.start()
    service.stop()
    const missed = await pool.query(
      `SELECT state, state_message, parent_schedule, parameters->>'scheduledFor' AS at FROM runs WHERE parent_schedule = 'nightly' ORDER BY 4`,
    )
    expect(missed.rows).toHaveLength(4)
    for (const row of missed.rows) {
      expect(row.state).toBe('Cancelled')
      expect(row.state_message).toMatch(/^Missed: the scheduler was not running at 2026-03-0[2-5]/)
    }
    expect((await getSchedule(pool, 'nightly'))?.lastFiredAt).toBe(now.toISOString())
    // A second start finds nothing new to record: the restart is idempotent.
    const again = scheduler([], () => now)
    await again.start()
    again.stop()
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM runs WHERE parent_schedule = 'nightly'`))
        .rows[0]?.n,
    ).toBe(4)
    await deleteSchedule(pool, 'nightly')
  })

  it('fires a job on its cron expression (seconds field) and stamps the occurrence', async () => {
    await saveSchedule(pool, {
      name: 'every-second',
      cron: '* * * * * *',
      job: 'dummy',
      parameters: { args: ['--count', '1'] },
    })
    const launched: { name: string; at: Date }[] = []
    const service = scheduler(launched)
    await service.start()
    await new Promise((resolve) => setTimeout(resolve, 2_600))
    service.stop()
    const fired = launched.filter((l) => l.name === 'every-second')
    expect(fired.length).toBeGreaterThanOrEqual(2)
    expect(fired.every((l) => l.at.getMilliseconds() === 0)).toBe(true)
    const stored = await getSchedule(pool, 'every-second')
    expect(Date.parse(stored?.lastFiredAt ?? '')).toBeGreaterThanOrEqual(fired[0]!.at.getTime())
    await deleteSchedule(pool, 'every-second')
  })

  it('records an occurrence that comes while the previous one still runs as missed', async () => {
    await saveSchedule(pool, { name: 'slow', cron: '* * * * * *', job: 'dummy', parameters: {} })
    let launches = 0
    const service = new SchedulerService({
      runs: new PostgresRunStore(pool),
      schedules: {
        listSchedules: async () => (await listSchedules(pool)).filter((x) => x.name === 'slow'),
        markFired: (name, at) => markScheduleFired(pool, name, at),
      },
      launch: async () => {
        launches++
        await new Promise((resolve) => setTimeout(resolve, 2_500))
      },
      hostname: hostname(),
      pid: process.pid,
    })
    await service.start()
    await new Promise((resolve) => setTimeout(resolve, 3_200))
    service.stop()
    const missed = await pool.query(
      `SELECT state_message FROM runs WHERE parent_schedule = 'slow' AND state = 'Cancelled'`,
    )
    expect(launches).toBeGreaterThanOrEqual(1)
    expect(missed.rows.length).toBeGreaterThanOrEqual(1)
    expect(missed.rows[0]?.state_message).toMatch(
      /^Missed: the previous occurrence was still running at /,
    )
  })

  it('the schedule command runs the job as child processes, recorded with the schedule name', async () => {
    const url = server.url
    const daemon = startCli([
      'schedule',
      '--cron',
      '*/2 * * * * *',
      '--name',
      'plumbing',
      '--database-url',
      url,
      '--home',
      home,
      'dummy',
      '--count',
      '1',
      '--interval',
      '0',
    ])
    const deadline = Date.now() + 90_000
    let runs = 0
    while (Date.now() < deadline && runs < 1) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      runs = (
        await pool.query(
          `SELECT count(*)::int AS n FROM runs WHERE parent_schedule = 'plumbing' AND state = 'Completed'`,
        )
      ).rows[0]?.n
    }
    daemon.child.kill('SIGTERM')
    const result = await daemon.done
    expect(runs).toBeGreaterThanOrEqual(1)
    expect(result.stderr).toContain('Saved schedule plumbing')
    expect(result.code).toBe(0)
    const listed = await runCli([
      'schedule',
      'list',
      '--json',
      '--database-url',
      url,
      '--home',
      home,
    ])
    expect(listed.stdout).toContain('"name":"plumbing"')
    const rows = (await pool.query('SELECT count(*)::int AS n FROM dummy_metrics')).rows[0]?.n
    expect(rows).toBeGreaterThanOrEqual(1)
  }, 180_000)

  it('passes the database URL to a scheduled job in its environment, never on its command line', async () => {
    const url = server.url
    expect(new URL(url).password).not.toBe('')
    const daemon = startCli([
      'schedule',
      '--cron',
      '*/2 * * * * *',
      '--name',
      'argv-check',
      '--database-url',
      url,
      '--home',
      home,
      'dummy',
      '--count',
      '1000',
      '--interval',
      '1',
    ])
    try {
      const deadline = Date.now() + 90_000
      let pid: number | undefined
      while (Date.now() < deadline && pid === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 300))
        pid = (
          await pool.query<{ pid: number }>(
            `SELECT pid FROM runs WHERE parent_schedule = 'argv-check' AND state = 'Running' LIMIT 1`,
          )
        ).rows[0]?.pid
      }
      expect(pid).toBeDefined()
      // What `ps` shows for the job: its command line, NUL-separated.
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
      expect(argv).toContain('--parent-schedule')
      expect(argv).not.toContain('--database-url')
      expect(argv.join(' ')).not.toContain(new URL(url).password)
      const environment = await readFile(`/proc/${pid}/environ`, 'utf8')
      expect(environment.split('\0')).toContain(`DATABASE_URL=${url}`)
    } finally {
      daemon.child.kill('SIGTERM')
      await daemon.done
    }
  }, 180_000)
  it("keeps a job's --database-url password out of the table, the output, the runs and the command line (issue 9)", async () => {
    const url = server.url
    const password = decodeURIComponent(new URL(url).password)
    expect(password).not.toBe('')
    const daemon = startCli([
      'schedule',
      '--cron',
      '*/2 * * * * *',
      '--name',
      'secret-check',
      '--database-url',
      url,
      '--home',
      home,
      'dummy',
      '--count',
      '1000',
      '--interval',
      '1',
      '--database-url',
      url,
    ])
    let pid: number | undefined
    try {
      const deadline = Date.now() + 90_000
      while (Date.now() < deadline && pid === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 300))
        pid = (
          await pool.query<{ pid: number }>(
            `SELECT pid FROM runs WHERE parent_schedule = 'secret-check' AND state = 'Running' LIMIT 1`,
          )
        ).rows[0]?.pid
      }
      expect(pid).toBeDefined()
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
      expect(argv).not.toContain('--database-url')
      expect(argv.join(' ')).not.toContain(password)
      const environment = await readFile(`/proc/${pid}/environ`, 'utf8')
      expect(environment.split('\0')).toContain(`DATABASE_URL=${url}`)
    } finally {
      daemon.child.kill('SIGTERM')
    }
    const result = await daemon.done
    expect(result.stderr).toContain('Saved schedule secret-check')
    expect(result.stderr).not.toContain(password)
    const stored = await pool.query<{ parameters: string }>(
      `SELECT parameters::text AS parameters FROM schedules WHERE name = 'secret-check'`,
    )
    expect(stored.rows[0]?.parameters).not.toContain(password)
    expect(stored.rows[0]?.parameters).toContain('"connection"')
    const runs = await pool.query<{ parameters: string }>(
      `SELECT coalesce(parameters::text, '') AS parameters FROM runs WHERE parent_schedule = 'secret-check'`,
    )
    for (const row of runs.rows) expect(row.parameters).not.toContain(password)
    for (const format of [[], ['--json']]) {
      const listed = await runCli([
        'schedule',
        'list',
        ...format,
        '--database-url',
        url,
        '--home',
        home,
      ])
      expect(listed.code).toBe(0)
      expect(listed.stdout).toContain('secret-check')
      expect(listed.stdout + listed.stderr).not.toContain(password)
    }
    // The URL itself lives in the home, readable by its owner only.
    const file = join(home, 'connections', 'connections.json')
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(join(home, 'connections'))).mode & 0o777).toBe(0o700)
    expect(await readFile(file, 'utf8')).toContain(password)
  }, 180_000)

  it('moves a password an older version stored in the schedules table into the saved connections', async () => {
    const url = server.url
    const password = decodeURIComponent(new URL(url).password)
    await saveSchedule(pool, {
      name: 'legacy-secret',
      cron: '0 2 * * *',
      job: 'dummy',
      parameters: { args: ['--count', '1', '--database-url', url] },
    })
    const listed = await runCli(['schedule', 'list', '--database-url', url, '--home', home])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/legacy-secret {2}"0 2 \* \* \*" {2}dummy --count 1 {2}database /)
    expect(listed.stdout + listed.stderr).not.toContain(password)
    expect(listed.stderr).toContain('Schedule legacy-secret: moved its database URL')
    const stored = await getSchedule(pool, 'legacy-secret')
    expect(JSON.stringify(stored?.parameters)).not.toContain(password)
    expect(stored?.parameters.args).toEqual(['--count', '1'])
    await deleteSchedule(pool, 'legacy-secret')
  }, 120_000)
  // Review of issue 9: a password with '/' after an all-digit prefix parsed as host:port + path, so
  // `schedule add` printed and stored it as the connection name, and `schedule list` printed it.
  it('refuses an unencoded password after a port-like prefix, and never prints one stored before', async () => {
    const url = server.url
    const bad = 'postgres://evil:2024/TopSecret@127.0.0.1:47400/dd'
    const added = await runCli([
      'schedule',
      '--cron',
      '0 0 1 1 *',
      '--name',
      's4',
      '--database-url',
      url,
      '--home',
      home,
      'dummy',
      '--database-url',
      bad,
    ])
    expect(added.code).toBe(2)
    expect(added.stderr).toMatch(/percent-encode the password/)
    expect(added.stdout + added.stderr).not.toContain('TopSecret')
    expect(await getSchedule(pool, 's4')).toBeNull()
    // What a driftdesk before this fix stored: the URL in the args, or the misread name as connection.
    await saveSchedule(pool, {
      name: 'legacy-bad-url',
      cron: '0 2 * * *',
      job: 'dummy',
      parameters: { args: ['--count', '1', '--database-url', bad] },
    })
    await saveSchedule(pool, {
      name: 'legacy-bad-name',
      cron: '0 2 * * *',
      job: 'dummy',
      parameters: { args: ['--count', '1'], connection: 'evil:2024/TopSecret@127.0.0.1:47400/dd' },
    })
    for (const format of [[], ['--json']]) {
      const listed = await runCli([
        'schedule',
        'list',
        ...format,
        '--database-url',
        url,
        '--home',
        home,
      ])
      expect(listed.code, listed.stderr).toBe(0)
      expect(listed.stdout).toContain('legacy-bad-url')
      expect(listed.stdout).toContain('legacy-bad-name')
      expect(listed.stdout).toContain('***@127.0.0.1:47400/dd')
      expect(listed.stdout + listed.stderr).not.toContain('TopSecret')
      expect(listed.stderr).toContain(
        'Schedule legacy-bad-url: its stored database URL is not valid',
      )
    }
    for (const name of ['legacy-bad-url', 'legacy-bad-name']) {
      const removed = await runCli([
        'schedule',
        'remove',
        name,
        '--database-url',
        url,
        '--home',
        home,
      ])
      expect(removed.code, removed.stderr).toBe(0)
    }
  }, 180_000)
})
