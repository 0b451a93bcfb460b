import { findEphemeralLoopbackPort } from '../../adapters/network/port-availability'
import {
  listLiveMetricsWindows,
  listServiceHealthWindows,
  runAlertQuery,
} from '../../adapters/postgres/live-windows-repository'
import { findProject } from '../../adapters/postgres/project-repository'
import type { AppConfig } from '../../config/app-config'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { evaluateAlertRules, readAlertRules } from '../../services/live/alert-rules'
import type { CliEntry, LiveCommandTable } from '../../services/live/live-commands'
import { LiveSession } from '../../services/live/live-session'
import type { LiveSessionStatus } from '../../shared/domain/live'
import { AppError } from '../../shared/errors'
import type { DatabaseConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface LiveHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  readonly connection: DatabaseConnection
  /** How to run `driftdesk` as a child process (source: node --import tsx src-main/cli/main.ts). */
  readonly cli: CliEntry
  /** The environment the children inherit, before the session adds the database and the home. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** resources/grafana/provisioning/alerting: the rules whose states the view shows. */
  readonly alertingDir: string
  /** Tests only: command lines other than the merge-checked table. */
  readonly commands?: LiveCommandTable
  readonly graceMs?: number
  readonly healthTimeoutMs?: number
}

/** A session's status reaches the renderer at most this often (its lines are never dropped). */
const STATUS_EVERY_MS = 200

/**
 * The Live view's channels: start and stop a live session (serve + replay + collect --follow, as
 * child processes of the CLI entry, on the panel's database), its status, and its windows read back
 * from PostgreSQL with the provisioned alert rules evaluated on them. One session at a time.
 */
export function createLiveHandlers(deps: LiveHandlerDeps): ChannelHandlers<ChannelsOf<'live'>> {
  let current: RunningSession | null = null
  let last: LiveSessionStatus | null = null

  return {
    async 'live:start'({ project, month, speed }) {
      if (current !== null && isActive(current.status())) {
        const running = current.status()
        throw new AppError(
          'BUSY',
          `A live session is running (${running.project}, ${running.month}); stop it before starting another.`,
        )
      }
      const { database } = await deps.connection.get()
      if (project !== COURSE_PROJECT && (await findProject(database.pool, project)) === undefined) {
        throw new AppError(
          'INVALID_REQUEST',
          `No project is named '${project}' in this database: use '${COURSE_PROJECT}', or store yours with 'driftdesk project add FILE'.`,
        )
      }
      const config = deps.config()
      const childEnv: Record<string, string> = {
        // The password travels in the environment only: never on a command line, never in a log.
        DATABASE_URL: database.url,
        DRIFTDESK_HOME: config.homeDir,
      }
      if (config.dataDir !== null) childEnv.DRIFTDESK_DATA_DIR = config.dataDir
      let jobId = ''
      let markEnded: () => void = () => undefined
      const ended = new Promise<void>((resolve) => (markEnded = resolve))
      let session: LiveSession | null = null
      jobId = deps.jobs.start(
        { finished: 'live:finished', progress: 'live:progress' },
        async ({ signal, report }) => {
          let timer: ReturnType<typeof setTimeout> | undefined
          let pending: LiveSessionStatus | null = null
          const flushStatus = (): void => {
            timer = undefined
            if (pending !== null) report({ type: 'status', status: pending })
            pending = null
          }
          session = new LiveSession({
            jobId,
            project,
            month,
            speed,
            cli: deps.cli,
            baseEnv: deps.env,
            env: childEnv,
            findPort: findEphemeralLoopbackPort,
            signal,
            ...(deps.commands === undefined ? {} : { commands: deps.commands }),
            ...(deps.graceMs === undefined ? {} : { graceMs: deps.graceMs }),
            ...(deps.healthTimeoutMs === undefined
              ? {}
              : { healthTimeoutMs: deps.healthTimeoutMs }),
            onStatus: (status) => {
              last = status
              pending = status
              timer ??= setTimeout(flushStatus, STATUS_EVERY_MS)
            },
            onLine: (process, text) => report({ type: 'line', process, text }),
          })
          try {
            return await session.run()
          } finally {
            clearTimeout(timer)
            flushStatus()
            last = session.status()
            markEnded()
          }
        },
      )
      // The job runs from the next macrotask: until then its status is "starting".
      const starting = startingStatus(jobId, project, month, speed)
      current = { jobId, status: () => session?.status() ?? starting, ended }
      last = starting
      return { jobId }
    },

    async 'live:stop'() {
      if (current === null) return { session: last }
      const stopping = current
      deps.jobs.cancel(stopping.jobId)
      await stopping.ended
      if (current === stopping) current = null
      return { session: last }
    },

    async 'live:status'() {
      return { session: current?.status() ?? last }
    },

    async 'live:windows'({ project, month, since }) {
      const { database } = await deps.connection.get()
      const [year, monthNumber] = month.split('-').map(Number) as [number, number]
      const next = new Date(Date.UTC(year, monthNumber, 1)).toISOString().slice(0, 10)
      const range = {
        project,
        from: `${month}-01 00:00:00`,
        to: `${next} 00:00:00`,
        since: since ?? null,
      }
      const rules = await readAlertRules(deps.alertingDir).catch((error: unknown) => {
        // No provisioning folder (a trimmed install): the view shows no alert rules, not an error.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      })
      const [serviceHealth, metrics, alerts] = await Promise.all([
        listServiceHealthWindows(database.pool, range),
        listLiveMetricsWindows(database.pool, range),
        evaluateAlertRules(rules, (sql) => runAlertQuery(database.pool, sql, project)),
      ])
      return { serviceHealth, metrics, alerts }
    },
  }
}

interface RunningSession {
  readonly jobId: string
  status(): LiveSessionStatus
  /** Resolves when the session's processes have all exited. */
  readonly ended: Promise<void>
}

function isActive(status: LiveSessionStatus): boolean {
  return status.state === 'starting' || status.state === 'running' || status.state === 'stopping'
}

function startingStatus(
  jobId: string,
  project: string,
  month: string,
  speed: LiveSessionStatus['speed'],
): LiveSessionStatus {
  return {
    jobId,
    project,
    month,
    speed,
    startedAt: new Date().toISOString(),
    endedAt: null,
    state: 'starting',
    serviceUrl: null,
    health: null,
    processes: (['serve', 'replay', 'collect'] as const).map((name) => ({
      name,
      state: 'waiting',
      pid: null,
      exitCode: null,
      signal: null,
      lastLine: null,
    })),
    replayFraction: null,
    error: null,
  }
}
