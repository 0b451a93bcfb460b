import type {
  LineProcess,
  LineProcessExit,
  LineProcessOptions,
} from '../../adapters/process/line-process'
import { spawnLineProcess } from '../../adapters/process/line-process'
import type {
  LiveProcessName,
  LiveProcessStatus,
  LiveSessionStatus,
  ReplaySpeed,
} from '../../shared/domain/live'
import { AppError, serializeError } from '../../shared/errors'
import type { CliEntry, LiveCommandTable } from './live-commands'
import { LIVE_COMMAND_LINES } from './live-commands'

export interface LiveSessionOptions {
  readonly jobId: string
  readonly project: string
  readonly month: string
  readonly speed: ReplaySpeed
  readonly cli: CliEntry
  /** The environment the children inherit (the panel's, minus what `env` replaces). */
  readonly baseEnv: Readonly<Record<string, string | undefined>>
  /**
   * What the children need from the panel: DATABASE_URL (the panel's database, password included:
   * the environment, unlike argv, is not shown by `ps` to other users), DRIFTDESK_HOME, …
   */
  readonly env: Readonly<Record<string, string>>
  /** A free loopback port for the service. */
  readonly findPort: () => Promise<number>
  /** Aborted to stop the session (Stop, or the panel quitting). */
  readonly signal: AbortSignal
  readonly onStatus?: (status: LiveSessionStatus) => void
  readonly onLine?: (process: LiveProcessName, line: string) => void
  /** Default: the table the merge checks. Tests pass their own (commands that exist in their tree). */
  readonly commands?: LiveCommandTable
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs?: number
  /** How long the service may take to answer GET /health with 200 (tsx compiles on a cold start). */
  readonly healthTimeoutMs?: number
  readonly healthPollMs?: number
  readonly spawnProcess?: (options: LineProcessOptions) => LineProcess
  readonly now?: () => Date
}

/** Lines kept per process, for the error that says why it died. */
const TAIL_LINES = 12
const DEFAULT_GRACE_MS = 5000
const DEFAULT_HEALTH_TIMEOUT_MS = 120_000
const DEFAULT_HEALTH_POLL_MS = 2000

const DESCRIPTION: Readonly<Record<LiveProcessName, string>> = {
  serve: 'prediction service',
  replay: 'replay',
  collect: 'collector',
}

interface Child {
  process: LineProcess | null
  status: LiveProcessStatus
  tail: string[]
  /** The last `driftdesk CMD: …` line: the one sentence the CLI prints when a command fails. */
  cliError: string | null
  /** The last other line that names an error (a usage text after it does not hide it). */
  lastError: string | null
}

const CLI_ERROR_LINE = /^driftdesk [\w-]+: /
/** An error in words, not an option's description (`  --log-level L  fatal, error, warn`). */
const ERROR_LINE = /^(?!\s*--)[^]*\b(error|failed|refused|cannot|could not)\b/i

/**
 * A live session: the prediction service, the replay that sends it a month of trips, and the collector
 * that stores each window as it closes — three real `driftdesk` processes, children of the panel.
 * Starts `serve` on a free loopback port and waits for `GET /health` to answer 200, then starts
 * `collect --follow` and `replay`. The replay ending with exit 0 is the end of the month, not of the
 * session (the service and collector keep going, so the last windows close and late labels land);
 * any other exit of any child fails the session with one error naming the process, how it ended and
 * its last lines, and the others are stopped. Stopping (the signal) sends SIGTERM to each child and
 * SIGKILL to one still alive after `graceMs`.
 */
export class LiveSession {
  readonly #options: LiveSessionOptions
  readonly #children: Record<LiveProcessName, Child>
  readonly #startedAt: string
  #endedAt: string | null = null
  #state: LiveSessionStatus['state'] = 'starting'
  #serviceUrl: string | null = null
  #health: LiveSessionStatus['health'] = null
  #replayFraction: number | null = null
  #error: AppError | null = null
  #isStopping = false
  #failed: (error: AppError) => void = () => undefined
  readonly #failure: Promise<never>
  readonly #secrets: readonly string[]

  constructor(options: LiveSessionOptions) {
    this.#options = options
    this.#startedAt = (options.now?.() ?? new Date()).toISOString()
    const child = (name: LiveProcessName): Child => ({
      process: null,
      tail: [],
      cliError: null,
      lastError: null,
      status: { name, state: 'waiting', pid: null, exitCode: null, signal: null, lastLine: null },
    })
    this.#children = { serve: child('serve'), replay: child('replay'), collect: child('collect') }
    this.#failure = new Promise<never>((_, reject) => {
      this.#failed = reject
    })
    this.#failure.catch(() => undefined)
    this.#secrets = secretsOf(options.env)
  }

  status(): LiveSessionStatus {
    const error = this.#error === null ? null : serializeError(this.#error)
    return {
      jobId: this.#options.jobId,
      project: this.#options.project,
      month: this.#options.month,
      speed: this.#options.speed,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      state: this.#state,
      serviceUrl: this.#serviceUrl,
      health: this.#health,
      processes: (['serve', 'replay', 'collect'] as const).map(
        (name) => this.#children[name].status,
      ),
      replayFraction: this.#replayFraction,
      error,
    }
  }

  /**
   * Runs the session until the signal stops it (resolves with the final status) or a child dies
   * (rejects with LIVE_PROCESS_FAILED, after stopping the others).
   */
  async run(): Promise<LiveSessionStatus> {
    const { signal } = this.#options
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      else signal.addEventListener('abort', () => resolve(), { once: true })
    })
    let monitoring: Promise<void> = Promise.resolve()
    try {
      const starting = this.#start(signal)
      // Raced below; a rejection after the race was decided must not go unhandled.
      starting.catch(() => undefined)
      await Promise.race([starting, stopped, this.#failure])
      if (!signal.aborted) {
        this.#setState('running')
        monitoring = this.#monitorHealth(signal)
        await Promise.race([stopped, this.#failure])
      }
    } catch (error) {
      this.#error ??=
        error instanceof AppError && error.code === 'LIVE_PROCESS_FAILED'
          ? error
          : new AppError('LIVE_PROCESS_FAILED', describeError(error), { cause: error })
    }
    await this.#stopAll()
    await monitoring
    this.#endedAt = (this.#options.now?.() ?? new Date()).toISOString()
    if (this.#error !== null) {
      this.#setState('failed')
      throw this.#error
    }
    this.#setState('stopped')
    return this.status()
  }

  async #start(signal: AbortSignal): Promise<void> {
    const port = await this.#options.findPort()
    const serviceUrl = `http://127.0.0.1:${port}`
    const commands = this.#options.commands ?? LIVE_COMMAND_LINES
    const inputs = {
      project: this.#options.project,
      month: this.#options.month,
      speed: this.#options.speed,
      port,
      serviceUrl,
    }
    this.#spawn('serve', commands.serve(inputs))
    await this.#waitHealthy(serviceUrl, signal)
    if (signal.aborted || this.#isStopping || this.#error !== null) return
    this.#serviceUrl = serviceUrl
    this.#emit()
    this.#spawn('collect', commands.collect(inputs))
    const replay = commands.replay(inputs)
    if (replay !== null) {
      this.#spawn('replay', replay)
      return
    }
    // An own project: no replay; its client logs rows through POST /log, the collector follows them.
    const child = this.#children.replay
    child.status = {
      ...child.status,
      state: 'finished',
      lastLine: `No replay for project ${inputs.project} (replay sends the course's taxi trips): send its rows to ${serviceUrl}/log.`,
    }
    this.#emit()
  }

  #spawn(name: LiveProcessName, commandLine: readonly string[]): void {
    // Stopping began while the session was still starting (Stop pressed, a child died): start nothing.
    if (this.#isStopping) return
    const { cli } = this.#options
    const child = this.#children[name]
    const spawnProcess = this.#options.spawnProcess ?? spawnLineProcess
    const process = spawnProcess({
      command: cli.command,
      args: [...cli.args, ...commandLine],
      cwd: cli.cwd,
      env: { ...this.#options.baseEnv, ...cli.env, ...this.#options.env },
      onLine: (raw) => this.#onLine(name, raw),
      // If the panel is SIGKILLed (or crashes) no stop runs: each child stops itself instead when
      // this pipe closes, so no port or collector lock outlives the panel.
      lifeline: true,
    })
    child.process = process
    child.status = { ...child.status, state: 'running', pid: process.pid }
    this.#emit()
    void process.exited.then((exit) => this.#onExit(name, exit))
  }

  #onLine(name: LiveProcessName, raw: string): void {
    const line = this.#redact(raw.trimEnd()).slice(0, 2000)
    const child = this.#children[name]
    child.tail.push(line)
    if (child.tail.length > TAIL_LINES) child.tail.shift()
    child.status = { ...child.status, lastLine: line }
    if (CLI_ERROR_LINE.test(line)) child.cliError = line
    else if (ERROR_LINE.test(line)) child.lastError = line
    if (name === 'replay') {
      const fraction = replayFractionOf(line)
      if (fraction !== null) this.#replayFraction = fraction
    }
    this.#options.onLine?.(name, line)
    this.#emit()
  }

  #onExit(name: LiveProcessName, exit: LineProcessExit): void {
    const child = this.#children[name]
    const isCleanEnd = name === 'replay' && exit.code === 0 && !this.#isStopping
    const state = this.#isStopping ? 'stopped' : isCleanEnd ? 'finished' : 'failed'
    child.status = {
      ...child.status,
      state,
      exitCode: exit.code,
      signal: exit.signal,
    }
    if (isCleanEnd) this.#replayFraction = 1
    if (state === 'failed' && this.#error === null) {
      const command = `driftdesk ${name}`
      const how =
        exit.error !== null
          ? `could not be started (${exit.error.message})`
          : exit.signal !== null
            ? `was killed by ${exit.signal}`
            : `exited with code ${exit.code ?? 'unknown'}`
      // Its error sentence when it printed one (a usage text may follow it), else its last lines.
      const sentence = child.cliError ?? child.lastError
      const said =
        sentence !== null
          ? `: ${sentence}`
          : child.tail.length === 0
            ? ' without a word'
            : `; its last lines: ${child.tail.slice(-6).join(' | ')}`
      this.#error = new AppError(
        'LIVE_PROCESS_FAILED',
        `The ${DESCRIPTION[name]} (${command}) ${how}${said}. The other processes were stopped.`,
      )
      this.#failed(this.#error)
    }
    this.#emit()
  }

  /** Polls GET /health until 200; fails if serve exits first or it takes longer than the timeout. */
  async #waitHealthy(serviceUrl: string, signal: AbortSignal): Promise<void> {
    const timeoutMs = this.#options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS
    const deadline = Date.now() + timeoutMs
    while (!signal.aborted && this.#error === null) {
      const health = await probeHealth(serviceUrl)
      if (health === 'ok') {
        this.#health = 'ok'
        return
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'LIVE_PROCESS_FAILED',
          `The prediction service (driftdesk serve) did not answer GET ${serviceUrl}/health with 200 within ${Math.round(timeoutMs / 1000)} s (last answer: ${health}); its last lines: ${this.#children.serve.tail.slice(-6).join(' | ') || 'none'}.`,
        )
      }
      await sleep(250, signal)
    }
  }

  async #monitorHealth(signal: AbortSignal): Promise<void> {
    const every = this.#options.healthPollMs ?? DEFAULT_HEALTH_POLL_MS
    while (!signal.aborted && this.#error === null) {
      await sleep(every, signal)
      if (signal.aborted || this.#error !== null || this.#serviceUrl === null) return
      const health = await probeHealth(this.#serviceUrl)
      if (health !== this.#health && !this.#isStopping) {
        this.#health = health
        this.#emit()
      }
    }
  }

  /** SIGTERM to every running child, SIGKILL to those still alive after the grace. */
  async #stopAll(): Promise<void> {
    this.#isStopping = true
    const running = Object.values(this.#children)
      .map((child) => child.process)
      .filter((process): process is LineProcess => process !== null && !process.hasExited)
    if (running.length > 0) this.#setState('stopping')
    const grace = this.#options.graceMs ?? DEFAULT_GRACE_MS
    await Promise.all(
      running.map(async (process) => {
        process.kill('SIGTERM')
        let timer: ReturnType<typeof setTimeout> | undefined
        const timedOut = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), grace)
        })
        const first = await Promise.race([process.exited, timedOut])
        clearTimeout(timer)
        if (first === 'timeout') {
          process.kill('SIGKILL')
          await process.exited
        }
      }),
    )
  }

  #setState(state: LiveSessionStatus['state']): void {
    this.#state = state
    this.#emit()
  }

  #emit(): void {
    this.#options.onStatus?.(this.status())
  }

  /** A child's line never carries the database password on to the panel (a library may print a URL). */
  #redact(line: string): string {
    let redacted = line
    for (const secret of this.#secrets) redacted = redacted.split(secret).join('***')
    return redacted
  }
}

/** The passwords in the children's environment's URLs (DATABASE_URL), to keep them out of lines. */
function secretsOf(env: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = []
  for (const value of Object.values(env)) {
    if (!/^postgres(ql)?:\/\//.test(value)) continue
    try {
      const password = new URL(value).password
      if (password.length >= 4) secrets.push(password, decodeURIComponent(password))
    } catch {
      // Not a URL the parser reads: nothing to find in it.
    }
  }
  return [...new Set(secrets)]
}

/**
 * The replay's progress from one of its lines: the last percentage in it (`… [====>   ]  42% …`).
 * Null when the line carries none (a message, not progress).
 */
export function replayFractionOf(line: string): number | null {
  const matches = [...line.matchAll(/(\d{1,3}(?:\.\d+)?)\s?%/g)]
  const last = matches.at(-1)
  if (last === undefined) return null
  const percent = Number(last[1])
  return percent >= 0 && percent <= 100 ? percent / 100 : null
}

async function probeHealth(serviceUrl: string): Promise<'ok' | 'degraded' | 'unreachable'> {
  try {
    const response = await fetch(`${serviceUrl}/health`, { signal: AbortSignal.timeout(2000) })
    await response.body?.cancel()
    return response.status === 200 ? 'ok' : 'degraded'
  } catch {
    return 'unreachable'
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve()
      return
    }
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
