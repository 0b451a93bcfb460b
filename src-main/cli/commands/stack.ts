import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/app-config'
import { createStackService } from '../../services/stack/create-stack-service'
import type {
  PullProgress,
  StackServiceName,
  StackStatus,
  StackUrls,
} from '../../shared/domain/stack'
import { STACK_SERVICES } from '../../shared/domain/stack'
import { AppError } from '../../shared/errors'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { withUserPaths } from '../user-path'
import { ProgressBar } from '../progress-bar'

/** `stack up` started some services but not all: an image could not be had (documented in HELP and the README). */
export const PARTLY_UP_EXIT_CODE = 3

export const summary =
  'Start, inspect and stop the PostgreSQL + Grafana + Adminer stack (Docker or Podman)'

const HELP = `Usage: npm run driftdesk -- stack <up|status|urls|logs|stop|down> [options]

  up [--pull] [--only postgres,grafana,adminer]
                  start the stack (idempotent: a running stack is reused, a stopped one restarted);
                  --pull updates the pinned images first; --only starts a subset (PostgreSQL first)
  status [--json] each service's state and the container engine found
  urls [--json]   Grafana's dashboard, Adminer (signed in) and the PostgreSQL connection string (no password)
  logs SERVICE [--tail N]   the last N (default 200) log lines of postgres, grafana or adminer
  stop            stop the containers, keep them and the data
  down [--volumes]  remove the containers and network; --volumes also deletes the database and Grafana state
Common: --home DIR (driftdesk's state folder; or DRIFTDESK_HOME).
Ports listen on 127.0.0.1 only; passwords are generated on first start and kept in <home>/stack/secrets.json (0600).
Exit codes of up: 0 every service asked for is healthy; ${PARTLY_UP_EXIT_CODE} partly up (an image could not be had, e.g.
offline: the others run, the message says what is missing and how to get it); 1 failed; 2 bad usage; 130 cancelled.
`

export async function run(context: CliContext): Promise<number> {
  let parsed: ReturnType<typeof parseStackArgs>
  try {
    parsed = parseStackArgs(context.args)
    parsed = { ...parsed, values: withUserPaths(parsed.values, context.env) }
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`, 2)
  }
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  if (values.help === true || action === undefined) {
    context.stdout.write(HELP)
    return action === undefined && values.help !== true ? 2 : 0
  }
  const config = loadConfig(context.env, { homeDir: values.home })
  const service = createStackService(config, context.env)
  try {
    switch (action) {
      case 'up': {
        const services = parseServices(values.only)
        const bar = new PullProgressDisplay(context)
        const status = await service.up({
          pull: values.pull === true,
          services,
          onPullProgress: (progress) => bar.update(progress),
          onMessage: (message) => bar.note(message),
          signal: context.signal,
        })
        bar.finish()
        writeStatus(context, status, values.json === true)
        const skipped = status.skipped ?? []
        const unhealthy = status.services.filter(
          (item) =>
            (services ?? STACK_SERVICES).includes(item.service) &&
            item.state !== 'healthy' &&
            !skipped.some((entry) => entry.service === item.service),
        )
        if (unhealthy.length > 0) return 1
        if (skipped.length === 0) return 0
        for (const item of skipped)
          context.stderr.write(
            `Partly up (exit ${PARTLY_UP_EXIT_CODE}): ${item.service} is not running. ${item.reason}\n`,
          )
        return PARTLY_UP_EXIT_CODE
      }
      case 'status': {
        const status = await service.status()
        writeStatus(context, status, values.json === true)
        return 0
      }
      case 'urls': {
        const urls = await service.urls()
        if (urls === null)
          throw new CliError(
            'The stack was never started from this home: run `driftdesk stack up` first.',
          )
        const shown = withoutAdminerToken(urls)
        if (values.json === true) context.stdout.write(`${JSON.stringify(shown)}\n`)
        else {
          context.stdout.write(
            `Grafana dashboard  ${shown.grafanaDashboard}\nGrafana            ${shown.grafana}\nAdminer            ${shown.adminer}\nPostgreSQL         ${shown.postgres}\n`,
          )
        }
        return 0
      }
      case 'logs': {
        const name = rest[0]
        if (name === undefined || !isServiceName(name)) {
          throw new CliError(`Name the service: stack logs ${STACK_SERVICES.join('|')}.`, 2)
        }
        const tail = values.tail === undefined ? 200 : Number(values.tail)
        if (!Number.isInteger(tail) || tail <= 0)
          throw new CliError('--tail must be a positive whole number.', 2)
        context.stdout.write(await service.logs(name, tail))
        return 0
      }
      case 'stop':
        await service.stop()
        context.stderr.write('Stopped the stack; `stack up` starts it again with its data.\n')
        return 0
      case 'down':
        await service.down({ volumes: values.volumes === true })
        context.stderr.write(
          values.volumes === true
            ? 'Removed the stack and deleted its data volumes.\n'
            : 'Removed the stack; its data volumes are kept for the next `stack up`.\n',
        )
        return 0
      default:
        throw new CliError(`Unknown action '${action}'.\n\n${HELP}`, 2)
    }
  } catch (error) {
    if (error instanceof AppError) {
      throw new CliError(error.message, error.code === 'CANCELLED' ? 130 : 1)
    }
    throw error
  }
}

function parseStackArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      pull: { type: 'boolean' },
      only: { type: 'string' },
      json: { type: 'boolean' },
      volumes: { type: 'boolean' },
      tail: { type: 'string' },
      home: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  })
}

function isServiceName(name: string): name is StackServiceName {
  return (STACK_SERVICES as readonly string[]).includes(name)
}

function parseServices(only: string | undefined): StackServiceName[] | undefined {
  if (only === undefined) return undefined
  const names = only
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  const unknown = names.filter((name) => !isServiceName(name))
  if (unknown.length > 0 || names.length === 0) {
    throw new CliError(`--only takes ${STACK_SERVICES.join(', ')} (got '${only}').`, 2)
  }
  return names as StackServiceName[]
}

/**
 * The URLs without Adminer's auto-login token: it signs a browser in to the stack's database, and
 * terminal output ends up in scrollback, logs and screenshots. The app opens Adminer with it; on the
 * command line Adminer shows its login form.
 */
function withoutAdminerToken(urls: StackUrls): StackUrls {
  const adminer = new URL(urls.adminer)
  adminer.hash = ''
  adminer.searchParams.delete('driftdesk_token')
  return { ...urls, adminer: adminer.toString() }
}

function writeStatus(context: CliContext, status: StackStatus, asJson: boolean): void {
  if (asJson) {
    const shown = {
      ...status,
      urls: status.urls === null ? null : withoutAdminerToken(status.urls),
    }
    context.stdout.write(`${JSON.stringify(shown)}\n`)
    return
  }
  const lines: string[] = []
  if (status.engine.found) {
    const { engine } = status.engine
    lines.push(
      `Engine     ${engine.name} ${engine.version} (API ${engine.apiVersion}) at ${engine.endpoint} [${engine.source}]`,
    )
  } else {
    lines.push(`Engine     none: ${status.engine.message}`)
  }
  for (const item of status.services) {
    const port = item.hostPort === null ? '' : ` 127.0.0.1:${item.hostPort}`
    const detail = item.detail === undefined ? '' : ` (${item.detail})`
    lines.push(`${item.service.padEnd(10)} ${item.state}${port}${detail}`)
  }
  if (status.urls !== null)
    lines.push(`Grafana    ${status.urls.grafanaDashboard}`, `PostgreSQL ${status.urls.postgres}`)
  context.stdout.write(`${lines.join('\n')}\n`)
}

/**
 * One progress bar over all image pulls: bytes summed across layers and images. A failed pull is
 * reported once, by the error `stack up` ends with (or the service's message when a local copy is used).
 */
class PullProgressDisplay {
  private bar: ProgressBar | null = null

  constructor(private readonly context: CliContext) {}

  update(progress: PullProgress): void {
    const pulling = progress.images.filter((image) => image.phase !== 'present')
    const done = pulling.filter((image) => image.phase === 'done').length
    this.bar ??= new ProgressBar(this.context.stderr, { label: 'pulling images', unit: 'bytes' })
    this.bar.update(progress.bytesDone, {
      total: progress.bytesTotal > 0 ? progress.bytesTotal : null,
    })
    if (done === pulling.length && pulling.length > 0) {
      this.bar.finish(`pulled ${pulling.map((image) => image.image).join(', ')}`)
      this.bar = null
    }
  }

  note(message: string): void {
    if (this.bar !== null) this.bar.note(message)
    else this.context.stderr.write(`${message}\n`)
  }

  finish(): void {
    this.bar?.fail()
    this.bar = null
  }
}
