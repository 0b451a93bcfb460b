import { fileURLToPath } from 'node:url'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ReplaySpeed } from '../../shared/domain/live'

/**
 * How to run the `driftdesk` command line as a child process: the executable, the arguments before
 * the command's own (the entry script), the folder to run in, and environment to add. From the
 * sources that is `node --import tsx src-main/cli/main.ts`, as `npm run driftdesk` does; Electron runs
 * the same entry with its own binary in Node mode (ELECTRON_RUN_AS_NODE=1).
 */
export interface CliEntry {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env?: Readonly<Record<string, string>>
}

/** The repository's CLI entry, found from this file's location (src-main/services/live). */
export function sourceCliEntry(execPath: string = process.execPath): CliEntry {
  return {
    command: execPath,
    args: ['--import', 'tsx', fileURLToPath(new URL('../../cli/main.ts', import.meta.url))],
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  }
}

/** What the command lines of a session are built from. */
export interface LiveCommandInputs {
  readonly project: string
  readonly month: string
  readonly speed: ReplaySpeed
  /** The loopback port the service listens on (chosen free by the session). */
  readonly port: number
  /** `http://127.0.0.1:PORT`, the service the replay sends to. */
  readonly serviceUrl: string
}

/** One command line per process of a session, after the CLI entry. */
export interface LiveCommandTable {
  readonly serve: (inputs: LiveCommandInputs) => string[]
  readonly collect: (inputs: LiveCommandInputs) => string[]
  /**
   * Null: the session runs no replay. The replay sends the course's TLC trips; a learner's own
   * project gets its traffic from its own client, through the service's POST /log.
   */
  readonly replay: (inputs: LiveCommandInputs) => string[] | null
}

/**
 * The three commands a live session runs, in one table so a merge can check it against the command
 * line (test: live-commands.test.ts runs each registered command's `--help`). What is NOT on these
 * lines, on purpose: the database URL (it carries the password; it goes in DATABASE_URL, which `ps`
 * does not show to other users), the home and the data folder (DRIFTDESK_HOME, DRIFTDESK_DATA_DIR,
 * which every command reads through loadConfig).
 * - serve: `--project`, `--port` (a free loopback port; the default host is 127.0.0.1),
 *   `--health-window`. The session
 *   waits for `GET /health` to answer 200 before starting the others.
 * - collect: `--project`, `--follow` (stores each window as it closes, daily_metrics source 'live'),
 *   for nyc-taxi and for a stored project alike (its reference, mapping and window come from it).
 * - replay: `--project`, `--month`, `--speed` (a number or `max`), `--url`; progress on stderr, a
 *   percentage in its lines is shown as a bar; exit 0 at the end of the month. nyc-taxi only: for
 *   another project there is no replay (null), its rows arrive through POST /log.
 */
/** The service-health window of a panel session (see the serve line below). */
export const LIVE_HEALTH_WINDOW = '10s'

export const LIVE_COMMAND_LINES: LiveCommandTable = {
  // 10 s health windows: the Live view's traffic and latency charts move while a learner watches (the
  // CLI's default, 1 min, would show one new point a minute).
  serve: ({ project, port }) => [
    'serve',
    '--project',
    project,
    '--port',
    String(port),
    '--health-window',
    LIVE_HEALTH_WINDOW,
  ],
  collect: ({ project }) => ['collect', '--project', project, '--follow'],
  replay: ({ project, month, speed, serviceUrl }) =>
    project !== COURSE_PROJECT
      ? null
      : [
          'replay',
          '--project',
          project,
          '--month',
          month,
          '--speed',
          String(speed),
          '--url',
          serviceUrl,
        ],
}
