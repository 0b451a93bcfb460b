import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { hostname } from 'node:os'
import process from 'node:process'
import { parseArgs } from 'node:util'
import {
  deleteSchedule,
  listSchedules,
  markScheduleFired,
  saveSchedule,
} from '../../adapters/postgres/schedule-repository'
import { loadConfig, redactUrl } from '../../config/app-config'
import {
  printableConnectionName,
  readConnection,
  saveConnection,
} from '../../config/saved-connections'
import { AppError } from '../../shared/errors'
import { SchedulerService, validateCron } from '../../services/pipeline/scheduler-service'
import type { JobName, ScheduleRecord } from '../../shared/domain/runs'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { withUserPathArgs, withUserPaths } from '../user-path'
import { openDatabaseSession, toCliError } from '../database-session'

export const summary =
  'Run jobs on a cron schedule (a daemon; schedules survive restarts, missed runs are recorded)'

const HELP = `Usage: npm run driftdesk -- schedule --cron "0 2 * * *" [--name NAME] [--catch-up] JOB [JOB OPTIONS]
       npm run driftdesk -- schedule run [--catch-up]        start the daemon for every saved schedule
       npm run driftdesk -- schedule list [--json]
       npm run driftdesk -- schedule remove NAME
Common options (before JOB): --database-url URL, --home DIR.

JOB is backfill or dummy with its own options, e.g.
  schedule --cron "0 2 * * *" backfill --yesterday --data-dir ~/tlc
saves the schedule (named after the job unless --name) and keeps running it until Ctrl-C. Each occurrence
runs the job as its own process and its own run (see \`runs list\`). Occurrences missed while no daemon ran
are recorded as Cancelled runs ("Missed"); --catch-up runs the latest missed one at start.
A 6-field expression has seconds first ("*/30 * * * * *").
A --database-url among the JOB's options is not stored with the schedule: the URL (with its password) is
saved in <home>/connections/connections.json (0600) and the schedule keeps only its name (user@host:port/db);
the job receives it in its environment, never on its command line.
`

const JOBS: readonly JobName[] = ['backfill', 'dummy']

export async function run(context: CliContext): Promise<number> {
  const jobIndex = context.args.findIndex((arg) => (JOBS as readonly string[]).includes(arg))
  const own = jobIndex === -1 ? context.args : context.args.slice(0, jobIndex)
  const jobArgs = jobIndex === -1 ? [] : context.args.slice(jobIndex + 1)
  let parsed
  try {
    parsed = parseArgs({
      args: [...own],
      options: {
        cron: { type: 'string' },
        name: { type: 'string' },
        'catch-up': { type: 'boolean' },
        json: { type: 'boolean' },
        'database-url': { type: 'string' },
        home: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`, 2)
  }
  const { positionals } = parsed
  const values = withUserPaths(parsed.values, context.env)
  if (values.help === true || (jobIndex === -1 && positionals.length === 0)) {
    context.stdout.write(HELP)
    return values.help === true ? 0 : 2
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const action = jobIndex === -1 ? positionals[0] : 'add'
  if (action === 'add') {
    if (values.cron === undefined)
      throw new CliError(`--cron is required before the job.\n\n${HELP}`, 2)
    try {
      validateCron(values.cron)
    } catch (error) {
      throw toCliError(error)
    }
  } else if (!['run', 'list', 'remove'].includes(action ?? '')) {
    throw new CliError(`Unknown schedule action '${action ?? ''}'.\n\n${HELP}`, 2)
  }
  const session = await openDatabaseSession(context, config, 'driftdesk schedule')
  const pool = session.database.pool
  try {
    await moveStoredDatabaseUrls(context, pool, config.homeDir)
    if (action === 'list') {
      for (const schedule of await listSchedules(pool)) {
        const args = redactArgs(scheduleArgs(schedule))
        const stored = scheduleConnection(schedule)
        const connection = stored === null ? null : printableConnectionName(stored)
        context.stdout.write(
          values.json === true
            ? `${JSON.stringify({ ...schedule, parameters: { ...schedule.parameters, args, ...(connection === null ? {} : { connection }) } })}\n`
            : `${schedule.name}  "${schedule.cron}"  ${schedule.job} ${args.join(' ')}${connection === null ? '' : `  database ${connection}`}  last handled ${schedule.lastFiredAt ?? 'never'}\n`,
        )
      }
      return 0
    }
    if (action === 'remove') {
      const name = positionals[1]
      if (name === undefined)
        throw new CliError('schedule remove needs a NAME (see `schedule list`).', 2)
      if (!(await deleteSchedule(pool, name))) throw new CliError(`No schedule named '${name}'.`, 2)
      context.stderr.write(`Removed schedule ${name}.\n`)
      return 0
    }
    if (action === 'add') {
      const job = context.args[jobIndex] as JobName
      const name = values.name ?? `${job}${jobArgs.includes('--yesterday') ? '-yesterday' : ''}`
      // Paths made absolute now: the daemon fires the job from its own folder.
      const { args, databaseUrl } = withoutDatabaseUrl(withUserPathArgs(jobArgs, context.env))
      if (databaseUrl !== null) loadConfig({}, { homeDir: config.homeDir, databaseUrl }) // refuses a malformed URL
      const connection =
        databaseUrl === null ? null : await saveConnection(config.homeDir, databaseUrl)
      await saveSchedule(pool, {
        name,
        cron: values.cron as string,
        job,
        parameters: connection === null ? { args } : { args, connection },
      })
      context.stderr.write(
        `Saved schedule ${name}: "${values.cron}" ${job} ${redactArgs(args).join(' ')}${connection === null ? '' : ` (database ${connection}, its URL saved in the home's connections)`}\n`,
      )
    }
    return await runDaemon(
      context,
      session,
      config.homeDir,
      values['database-url'] ?? context.env.DATABASE_URL,
      values['catch-up'] === true,
    )
  } catch (error) {
    throw toCliError(error)
  } finally {
    await session.close()
  }
}

async function runDaemon(
  context: CliContext,
  session: Awaited<ReturnType<typeof openDatabaseSession>>,
  homeDir: string,
  databaseUrl: string | undefined,
  catchUp: boolean,
): Promise<number> {
  const pool = session.database.pool
  const scheduler = new SchedulerService({
    runs: session.store,
    schedules: {
      listSchedules: () => listSchedules(pool),
      markFired: (name, at) => markScheduleFired(pool, name, at),
    },
    launch: (schedule, at) =>
      launchJob(context, schedule, at, homeDir, databaseUrl ?? session.database.url),
    hostname: hostname(),
    pid: process.pid,
    onMessage: (message) => context.stderr.write(`${new Date().toISOString()}  ${message}\n`),
  })
  const schedules = await scheduler.start({ catchUp })
  if (schedules.length === 0) {
    context.stderr.write('No schedules saved; add one with `schedule --cron EXPR JOB ...`.\n')
    return 1
  }
  context.stderr.write('Scheduler running; Ctrl-C to stop.\n')
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve()
    context.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  scheduler.stop()
  // Jobs in flight are asked to stop as on Ctrl-C (a backfill ends Cancelled after its day in flight).
  const running = [...runningJobs]
  if (running.length > 0) {
    context.stderr.write(`Stopping ${running.length} running job(s)...\n`)
    for (const child of running) child.kill('SIGTERM')
    await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve))))
  }
  return 0
}

/** Child processes of jobs started by this daemon and not yet finished. */
const runningJobs = new Set<ChildProcess>()

/** The job's options as stored. */
function scheduleArgs(schedule: ScheduleRecord): string[] {
  const args = schedule.parameters.args
  return Array.isArray(args) ? args.filter((arg): arg is string => typeof arg === 'string') : []
}

/** The name of the saved connection the job writes to, or `null` for the daemon's database. */
function scheduleConnection(schedule: ScheduleRecord): string | null {
  const connection = schedule.parameters.connection
  return typeof connection === 'string' ? connection : null
}

/** Splits `--database-url URL` / `--database-url=URL` out of a job's options (the last one wins). */
function withoutDatabaseUrl(jobArgs: readonly string[]): {
  args: string[]
  databaseUrl: string | null
} {
  const args: string[] = []
  let databaseUrl: string | null = null
  for (let index = 0; index < jobArgs.length; index += 1) {
    const arg = jobArgs[index] as string
    if (arg === '--database-url') {
      const value = jobArgs[index + 1]
      if (value === undefined) throw new CliError('--database-url needs a URL after it.', 2)
      databaseUrl = value
      index += 1
    } else if (arg.startsWith('--database-url=')) {
      databaseUrl = arg.slice('--database-url='.length)
    } else args.push(arg)
  }
  return { args, databaseUrl }
}

/** Options safe to print: any URL among them loses its password. */
function redactArgs(args: readonly string[]): string[] {
  return args.map((arg) =>
    /^(--database-url=)?[a-z][a-z0-9+.-]*:\/\//i.test(arg) || arg.includes('@')
      ? arg.replace(
          /^(--database-url=)?(.*)$/s,
          (_whole, option: string | undefined, url: string) => `${option ?? ''}${redactUrl(url)}`,
        )
      : arg,
  )
}

/**
 * Schedules saved by an older driftdesk kept a job's `--database-url` (with its password) in the
 * schedules table: move each such URL into the saved connections and keep only its name.
 */
async function moveStoredDatabaseUrls(
  context: CliContext,
  pool: Parameters<typeof listSchedules>[0],
  homeDir: string,
): Promise<void> {
  for (const schedule of await listSchedules(pool)) {
    const { args, databaseUrl } = withoutDatabaseUrl(scheduleArgs(schedule))
    if (databaseUrl === null) continue
    let connection: string
    try {
      connection = await saveConnection(homeDir, databaseUrl)
    } catch (error) {
      // A URL no current driftdesk accepts (e.g. an unencoded '/' in its password): say so without
      // printing it, and let the command (list, remove) go on.
      if (!(error instanceof AppError)) throw error
      context.stderr.write(
        `Schedule ${schedule.name}: its stored database URL is not valid (${error.message}) Remove the schedule (\`schedule remove ${schedule.name}\`) and save it again.\n`,
      )
      continue
    }
    await saveSchedule(pool, {
      name: schedule.name,
      cron: schedule.cron,
      job: schedule.job,
      parameters: { ...schedule.parameters, args, connection },
    })
    context.stderr.write(
      `Schedule ${schedule.name}: moved its database URL out of the schedules table into the home's saved connections (as ${connection}).\n`,
    )
  }
}

/** Runs one occurrence as a child `driftdesk JOB` process with the schedule's options. */
async function launchJob(
  context: CliContext,
  schedule: ScheduleRecord,
  at: Date,
  homeDir: string,
  daemonDatabaseUrl: string,
): Promise<void> {
  const connection = scheduleConnection(schedule)
  const databaseUrl =
    connection === null ? daemonDatabaseUrl : await readConnection(homeDir, connection)
  const args = [
    ...process.execArgv,
    process.argv[1] as string,
    schedule.job,
    ...withoutDatabaseUrl(scheduleArgs(schedule)).args,
    '--parent-schedule',
    schedule.name,
    '--home',
    homeDir,
  ]
  return await new Promise((resolve, reject) => {
    // The URL carries the password: pass it in the environment, which (unlike argv) `ps` does not show
    // to other users.
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DATABASE_URL: databaseUrl },
    })
    runningJobs.add(child)
    child.once('exit', () => runningJobs.delete(child))
    child.stderr.on('data', (chunk: Buffer) =>
      context.stderr.write(`[${schedule.name}] ${chunk.toString()}`),
    )
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolve()
      else
        reject(
          new Error(
            `${schedule.job} for ${at.toISOString()} exited with code ${code ?? 'signal'}.`,
          ),
        )
    })
  })
}
