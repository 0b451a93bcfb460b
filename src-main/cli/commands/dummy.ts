import { hostname } from 'node:os'
import process from 'node:process'
import { insertDummyMetric } from '../../adapters/postgres/dummy-metrics-repository'
import { loadConfig } from '../../config/app-config'
import { runDummyJob } from '../../services/pipeline/dummy-metrics-job'
import { RunEvents } from '../../services/pipeline/run-events'
import type { CliContext } from '../cli-context'
import { parseCommandOptions } from '../parse-command-options'
import { CliError } from '../cli-context'
import { openDatabaseSession } from '../database-session'

export const summary =
  'Insert random rows into dummy_metrics every N seconds (course 5.5, tests Grafana plumbing)'

const HELP = `Usage: npm run driftdesk -- dummy [--interval 10] [--count N] [--database-url URL] [--home DIR]

Every --interval seconds (default 10, the course's SEND_TIMEOUT) inserts one row with the current time and
random value1 (integer 0-1000), value2 (a uuid) and value3 (float 0-1) into dummy_metrics. Runs until
--count rows are in, Ctrl-C, or \`runs cancel RUN_ID\`.
`

export async function run(context: CliContext): Promise<number> {
  const parsed = parseCommandOptions(context, HELP, {
    options: {
      interval: { type: 'string' },
      count: { type: 'string' },
      'parent-schedule': { type: 'string' },
      'database-url': { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (parsed === null) return 0
  const { values } = parsed
  const intervalSeconds = values.interval === undefined ? 10 : Number(values.interval)
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 0) {
    throw new CliError(`--interval must be 0 or more seconds (got '${values.interval}').`, 2)
  }
  const count = values.count === undefined ? undefined : Number(values.count)
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new CliError(`--count must be a whole number of at least 1 (got '${values.count}').`, 2)
  }
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, 'driftdesk dummy')
  const events = new RunEvents()
  events.subscribe((event) => {
    if (event.type === 'run-started')
      context.stderr.write(`Run ${event.runId} started; Ctrl-C to stop.\n`)
    if (event.type === 'log') context.stderr.write(`${event.message}\n`)
  })
  try {
    const run = await runDummyJob(
      {
        store: session.store,
        insertRow: (row) => insertDummyMetric(session.database.pool, row),
        hostname: hostname(),
        pid: process.pid,
      },
      {
        intervalSeconds,
        ...(count === undefined ? {} : { count }),
        signal: context.signal,
        events,
        parentSchedule: values['parent-schedule'] ?? null,
      },
    )
    events.flush()
    context.stderr.write(`Run ${run.id} ${run.state}: ${run.stateMessage ?? ''}\n`)
    return run.state === 'Failed' ? 1 : 0
  } finally {
    await session.close()
  }
}
