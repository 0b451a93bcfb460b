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
import { loadConfig } from '../../config/app-config'
import { SchedulerService, validateCron } from '../../services/pipeline/scheduler-service'
import type { JobName, ScheduleRecord } from '../../shared/domain/runs'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
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
  const { values, positionals } = parsed
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
    if (action === 'list') {
      for (const schedule of await listSchedules(pool)) {
        context.stdout.write(
          values.json === true
            ? `${JSON.stringify(schedule)}\n`
            : `${schedule.name}  "${schedule.cron}"  ${schedule.job} ${((schedule.parameters.args as string[] | undefined) ?? []).join(' ')}  last handled ${schedule.lastFiredAt ?? 'never'}\n`,
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
      await saveSchedule(pool, {
        name,
        cron: values.cron as string,
        job,
        parameters: { args: jobArgs },
      })
      context.stderr.write(`Saved schedule ${name}: "${values.cron}" ${job} ${jobArgs.join(' ')}\n`)
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

/** Runs one occurrence as a child `driftdesk JOB` process with the schedule's options. */
function launchJob(
  context: CliContext,
  schedule: ScheduleRecord,
  at: Date,
  homeDir: string,
  databaseUrl: string,
): Promise<void> {
  const args = [
    ...process.execArgv,
    process.argv[1] as string,
    schedule.job,
    ...((schedule.parameters.args as string[] | undefined) ?? []),
    '--parent-schedule',
    schedule.name,
    '--home',
    homeDir,
  ]
  return new Promise((resolve, reject) => {
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
