import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/app-config'
import type { RunDetails, RunRecord } from '../../shared/domain/runs'
import { TERMINAL_RUN_STATES } from '../../shared/domain/runs'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { withUserPaths } from '../user-path'
import type { DatabaseSession } from '../database-session'
import { openDatabaseSession } from '../database-session'

export const summary = 'Run history: list runs, show one (tasks, attempts, logs), cancel one'

const HELP = `Usage: npm run driftdesk -- runs list [--json] [--limit N]
       npm run driftdesk -- runs show RUN_ID [--json] [--follow]
       npm run driftdesk -- runs cancel RUN_ID
Common options: --database-url URL, --home DIR.
RUN_ID may be a unique prefix of the id. \`show --follow\` streams the log until the run ends.
\`cancel\` asks a running backfill to stop after the day in flight (state Cancelling, then Cancelled).
`

export async function run(context: CliContext): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...context.args],
      options: {
        json: { type: 'boolean' },
        follow: { type: 'boolean' },
        limit: { type: 'string' },
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
  const [action, idArgument] = positionals
  if (values.help === true || action === undefined) {
    context.stdout.write(HELP)
    return action === undefined && values.help !== true ? 2 : 0
  }
  if (!['list', 'show', 'cancel'].includes(action))
    throw new CliError(`Unknown action '${action}'.\n\n${HELP}`, 2)
  if (action !== 'list' && idArgument === undefined)
    throw new CliError(`runs ${action} needs a RUN_ID.\n\n${HELP}`, 2)
  const config = loadConfig(context.env, {
    homeDir: values.home,
    databaseUrl: values['database-url'],
  })
  const session = await openDatabaseSession(context, config, `driftdesk runs ${action}`)
  try {
    if (action === 'list') {
      const limit = values.limit === undefined ? 50 : Number(values.limit)
      const runs = await session.store.listRuns(limit)
      for (const run of runs) {
        context.stdout.write(
          values.json === true ? `${JSON.stringify(run)}\n` : `${formatRunLine(run)}\n`,
        )
      }
      if (runs.length === 0 && values.json !== true) context.stderr.write('No runs yet.\n')
      return 0
    }
    const id = await resolve(session, idArgument as string)
    if (action === 'cancel') return await cancel(context, session, id)
    const details = (await session.store.runDetails(id)) as RunDetails
    if (values.json === true) {
      context.stdout.write(`${JSON.stringify(details)}\n`)
      return 0
    }
    printDetails(context, details)
    if (values.follow === true) await follow(context, session, details)
    return 0
  } finally {
    await session.close()
  }
}

async function resolve(session: DatabaseSession, idOrPrefix: string): Promise<string> {
  const { id, candidates } = await session.store.resolveRunId(idOrPrefix)
  if (id !== null) return id
  throw new CliError(
    candidates > 1
      ? `Run id '${idOrPrefix}' matches several runs; give more characters.`
      : `No run '${idOrPrefix}' in this database; \`runs list\` shows the ids.`,
    2,
  )
}

async function cancel(context: CliContext, session: DatabaseSession, id: string): Promise<number> {
  const requested = await session.store.setRunState(id, 'Cancelling', 'Cancel requested.', [
    'Scheduled',
    'Pending',
    'Running',
    'Retrying',
  ])
  const run = (await session.store.getRun(id)) as RunRecord
  if (!requested) {
    context.stderr.write(`Run ${id} is ${run.state}; there is nothing to cancel.\n`)
    return run.state === 'Cancelling' || run.state === 'Cancelled' ? 0 : 1
  }
  await session.store.appendLog(id, null, 'warning', 'Cancel requested from the command line.')
  context.stderr.write(`Run ${id}: cancel requested; it stops after the day in flight.\n`)
  return 0
}

/** Polls the run's new log lines until it reaches a terminal state (logs are stored as they happen). */
async function follow(
  context: CliContext,
  session: DatabaseSession,
  details: RunDetails,
): Promise<void> {
  let lastId = details.logs.at(-1)?.id ?? 0
  let state = details.run.state
  while (!TERMINAL_RUN_STATES.includes(state) && !context.signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    for (const line of await session.store.listLogs(details.run.id, lastId)) {
      context.stdout.write(`${line.at}  ${line.level.padEnd(7)} ${line.message}\n`)
      lastId = line.id
    }
    state = (await session.store.getRun(details.run.id))?.state ?? state
  }
  context.stdout.write(`Run ${details.run.id} ${state}.\n`)
}

function formatRunLine(run: RunRecord): string {
  const parameters = Object.entries(run.parameters)
    .filter(([key]) => ['startDate', 'days', 'referenceMonth', 'intervalSeconds'].includes(key))
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ')
  return [
    run.id,
    run.job.padEnd(8),
    run.state.padEnd(10),
    run.createdAt,
    formatDuration(run.startedAt, run.endedAt),
    parameters,
    run.parentSchedule === null ? '' : `schedule=${run.parentSchedule}`,
  ]
    .filter((part) => part !== '')
    .join('  ')
}

function printDetails(context: CliContext, { run, tasks, logs }: RunDetails): void {
  const out = context.stdout
  out.write(
    `Run ${run.id}\n  job ${run.job}  state ${run.state}${run.stateMessage === null ? '' : ` (${run.stateMessage})`}\n`,
  )
  out.write(
    `  created ${run.createdAt}  started ${run.startedAt ?? '-'}  ended ${run.endedAt ?? '-'}  duration ${formatDuration(run.startedAt, run.endedAt)}\n`,
  )
  out.write(
    `  pid ${run.pid ?? '-'} on ${run.hostname ?? '-'}${run.parentSchedule === null ? '' : `  schedule ${run.parentSchedule}`}\n`,
  )
  out.write(`  parameters ${JSON.stringify(run.parameters)}\n`)
  out.write(`Tasks (${tasks.length}):\n`)
  for (const task of tasks) {
    out.write(
      `  ${task.taskKey.padEnd(16)} ${task.state.padEnd(10)} attempts ${task.attempts}  ${formatDuration(task.startedAt, task.endedAt)}${task.error === null ? '' : `  ${task.error}`}\n`,
    )
  }
  out.write(`Logs (${logs.length}):\n`)
  for (const line of logs) out.write(`  ${line.at}  ${line.level.padEnd(7)} ${line.message}\n`)
}

function formatDuration(startedAt: string | null, endedAt: string | null): string {
  if (startedAt === null) return '-'
  const ms = (endedAt === null ? Date.now() : Date.parse(endedAt)) - Date.parse(startedAt)
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}
