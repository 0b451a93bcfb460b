import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import {
  appendFile,
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveClusterDir } from '../../src-main/adapters/postgres/embedded-postgres-server'
import { isRunningProcess as isProcessRunning } from '../support/process-state'
import type { CliResult } from '../support/run-cli'
import { jsonLines } from '../support/run-cli'
import { taxiDataDir } from '../support/taxi-data'

/**
 * The guard of issue 9's "silent success and hangs": every database command run as a real child process
 * (node + tsx, as `npm run driftdesk` does) against each fault of the embedded PostgreSQL — a server that
 * cannot start, an initialisation killed with its process group, a server another process left running,
 * a server killed mid-backfill, a backfill killed with its whole process group, a frozen (kill -STOP)
 * server, a folder of the user's at <home>/pg, one Ctrl-C through `npm run`, a closed stdout or terminal —
 * must end with its real exit code and, where it fails, one message; after each command no server
 * process of the cluster and no lock file is left behind, and no `pg-password-*` file ever appears in the
 * temp folder (the children's TMPDIR is a private folder watched for the whole file).
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const uid = process.getuid?.() ?? userInfo().username

interface Home {
  readonly dir: string
  readonly pgDir: string
  readonly secretsDir: string
  readonly env: Record<string, string>
  /** Names created in the children's temp folder. */
  readonly tempNames: Set<string>
  readonly watcher: FSWatcher
}

const homes: Home[] = []
const children: ChildProcess[] = []

/** A driftdesk home for child processes, with a private, watched TMPDIR (tsx keeps its shared cache). */
async function createHome(): Promise<Home> {
  const dir = await mkdtemp(join(tmpdir(), 'driftdesk-faults-'))
  // o+x so the postgres user (tests run as root here) can reach the cluster without it moving elsewhere.
  await chmod(dir, 0o711)
  const temp = join(dir, 'tmp')
  // Like /tmp (sticky, world-writable): an initdb running as another user must be able to read a file
  // a launcher puts there, so the test sees such a file appear rather than an unrelated failure.
  await mkdir(temp)
  await chmod(temp, 0o1777)
  await mkdir(join(tmpdir(), `tsx-${uid}`), { recursive: true })
  await symlink(join(tmpdir(), `tsx-${uid}`), join(temp, `tsx-${uid}`))
  const tempNames = new Set<string>()
  const watcher = watch(temp, (_event, name) => {
    if (name !== null) tempNames.add(String(name))
  })
  const home: Home = {
    dir,
    pgDir: join(dir, 'pg'),
    secretsDir: join(dir, 'secrets'),
    env: { DRIFTDESK_HOME: dir, TMPDIR: temp },
    tempNames,
    watcher,
  }
  homes.push(home)
  return home
}

interface Started {
  readonly child: ChildProcess
  readonly done: Promise<CliResult>
  stdout(): string
}

/** `driftdesk ARGS` as a real child; `ownGroup` makes it a process-group leader (to kill the group). */
function startCli(home: Home, args: readonly string[], ownGroup = false): Started {
  const env = { ...process.env }
  delete env.DATABASE_URL
  delete env.DRIFTDESK_HOME
  delete env.APP_HOME_DIR
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...env, ...home.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: ownGroup,
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<CliResult>((resolveDone) => {
    child.once('exit', (code, signal) =>
      setImmediate(() => resolveDone({ code, signal, stdout, stderr })),
    )
  })
  return { child, done, stdout: () => stdout }
}

function runCli(home: Home, args: readonly string[]): Promise<CliResult> {
  return startCli(home, args).done
}

/** Live (not zombie) processes working in the cluster's folder: the server and its backends. */
async function serverProcesses(home: Home): Promise<number[]> {
  const cluster = await realpath(await resolveClusterDir(home.pgDir)).catch(() => null)
  if (cluster === null) return []
  const found: number[] = []
  for (const name of await readdir('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid) || pid <= 0) continue
    if ((await readlink(`/proc/${pid}/cwd`).catch(() => null)) === cluster && isProcessRunning(pid))
      found.push(pid)
  }
  return found
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** What every command must leave: no lock file, no initdb leftovers, no server unless another user runs. */
async function expectCleanAfter(
  home: Home,
  result: CliResult,
  options: { serverKept?: number } = {},
): Promise<void> {
  const context = `exit ${result.code}; stderr: ${result.stderr}`
  expect(await exists(join(home.secretsDir, 'embedded-postgres.lock')), context).toBe(false)
  expect(
    (await readdir(home.dir)).filter((name) => name.startsWith('pg.initdb-')),
    context,
  ).toEqual([])
  if (options.serverKept === undefined) {
    expect(await serverProcesses(home), context).toEqual([])
  } else {
    expect(isProcessRunning(options.serverKept), context).toBe(true)
  }
  expect(
    [...home.tempNames].filter((name) => name.startsWith('pg-password-')),
    context,
  ).toEqual([])
}

async function postmasterPid(home: Home): Promise<number | null> {
  const clusterDir = await resolveClusterDir(home.pgDir)
  const text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => null)
  return text === null ? null : Number(text.split('\n')[0])
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>): Promise<T> {
  for (let i = 0; i < 2400; i++) {
    const value = await probe()
    if (value !== null && value !== undefined) return value
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** A failure message is one clear error: no stack trace, and never advice to delete the data folder. */
function expectOneClearError(result: CliResult, pattern: RegExp): void {
  expect(result.stderr).toMatch(pattern)
  expect(result.stderr).not.toMatch(/\n\s+at /)
  expect(result.stderr).not.toMatch(/remove \S+\/pg\b(?!\/)|if it is damaged|delete/i)
}

describe('database commands against embedded PostgreSQL faults', () => {
  let home: Home
  let dataDir: string
  let truncatedDir: string

  beforeAll(async () => {
    const data = await taxiDataDir()
    dataDir = data.dir
    home = await createHome()
    // A February file cut in half, beside a good January: the backfill must fail, loudly.
    truncatedDir = join(home.dir, 'truncated')
    await mkdir(truncatedDir)
    for (const month of ['2022-01', '2022-02']) {
      await copyFile(
        join(dataDir, `green_tripdata_${month}.parquet`),
        join(truncatedDir, `green_tripdata_${month}.parquet`),
      )
    }
    const february = join(truncatedDir, 'green_tripdata_2022-02.parquet')
    await chmod(february, 0o644)
    await truncate(february, Math.floor((await stat(february)).size / 2))
    const first = await runCli(home, ['runs', 'list'])
    expect(first.code, first.stderr).toBe(0)
    await expectCleanAfter(home, first)
  }, 300_000)

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    for (const each of homes) {
      each.watcher.close()
      for (const pid of await serverProcesses(each)) process.kill(pid, 'SIGKILL')
      await rm(each.dir, { recursive: true, force: true })
    }
  })

  const backfillArgs = (days: number, extra: readonly string[] = []): string[] => [
    'backfill',
    '--month',
    '2022-02',
    '--days',
    String(days),
    '--workers',
    '1',
    '--data-dir',
    dataDir,
    ...extra,
  ]
  const reportArgs = (): string[] => [
    'report',
    '--date',
    '2022-02-02',
    '--preset',
    'course',
    '--data-dir',
    dataDir,
  ]

  it('a server that cannot start (a bad setting): each command exits 1 quoting the server, none hangs or leaves a server; fixed, the next one works', async () => {
    const conf = join(await resolveClusterDir(home.pgDir), 'postgresql.conf')
    const original = await readFile(conf, 'utf8')
    await appendFile(conf, '\nbogus_setting = 1\n')
    try {
      for (const args of [
        ['metrics', '--month', '2022-02'],
        ['runs', 'list'],
        ['runs', 'show', 'NOPE'],
        backfillArgs(1),
      ]) {
        const result = await runCli(home, args)
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(1)
        expectOneClearError(
          result,
          /did not start \(exit code 1\).*bogus_setting.*postgresql\.conf/s,
        )
        await expectCleanAfter(home, result)
      }
      // `report` reads files only: the database's state must not change its answer.
      const report = await runCli(home, reportArgs())
      expect(report.code, report.stderr).toBe(0)
      await expectCleanAfter(home, report)
    } finally {
      await writeFile(conf, original)
    }
    const fixed = await runCli(home, ['metrics', '--month', '2022-02'])
    expect(fixed.code, fixed.stderr).toBe(0)
    await expectCleanAfter(home, fixed)
  }, 600_000)

  it('a server another process left running: each command keeps its real exit code and message and leaves the server to that process, which stops it last', async () => {
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/hold-embedded-postgres.ts', home.pgDir, home.secretsDir],
      { cwd: repoRoot, env: { ...process.env, ...home.env }, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    children.push(holder)
    let said = ''
    holder.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()))
    await waitFor('the holder to start the server', async () =>
      said.includes('ready') ? true : null,
    )
    const pid = await postmasterPid(home)
    expect(pid !== null && isProcessRunning(pid)).toBe(true)

    const missing = await runCli(home, ['runs', 'show', 'NOPE'])
    expect(missing.code, missing.stderr).toBe(2)
    expectOneClearError(missing, /No run 'NOPE'/)
    await expectCleanAfter(home, missing, { serverKept: pid as number })

    for (const args of [['runs', 'list'], ['metrics', '--month', '2022-02'], reportArgs()]) {
      const result = await runCli(home, args)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
      await expectCleanAfter(home, result, { serverKept: pid as number })
    }

    const truncated = await runCli(home, [
      'backfill',
      '--month',
      '2022-02',
      '--days',
      '1',
      '--workers',
      '1',
      '--data-dir',
      truncatedDir,
    ])
    expect(truncated.code, truncated.stderr).toBe(1)
    expect(truncated.stderr).toMatch(/Failed|Parquet|truncated|corrupt/i)
    await expectCleanAfter(home, truncated, { serverKept: pid as number })

    holder.stdin?.write('close\n')
    await waitFor('the holder to release the server', async () =>
      said.includes('released') ? true : null,
    )
    // The holder was the last user: its stop() waited for the server to exit.
    expect(isProcessRunning(pid as number)).toBe(false)
    expect(await serverProcesses(home)).toEqual([])
  }, 600_000)

  it('the server killed mid-backfill: the backfill exits 1 naming the run to resume, the run ends Crashed, and resume completes it', async () => {
    const backfill = startCli(
      home,
      backfillArgs(3, [
        '--json',
        '--pace',
        '2',
        '--retries',
        '1',
        '--retry-delay',
        '0.1',
        '--force',
      ]),
    )
    await waitFor('the first stored day', async () =>
      backfill.stdout().includes('"date"') ? true : null,
    )
    // A crash of the server: the postmaster and its backends die at once.
    for (const pid of await serverProcesses(home)) process.kill(pid, 'SIGKILL')
    const result = await backfill.done
    expect(result.code, result.stderr).toBe(1)
    expectOneClearError(result, /could not record its end.*database stopped answering/s)
    const runId = /backfill --resume ([0-9a-f-]{36})/.exec(result.stderr)?.[1]
    expect(runId, result.stderr).toBeDefined()
    await expectCleanAfter(home, result)

    const shown = await runCli(home, ['runs', 'show', runId as string, '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect((jsonLines(shown.stdout)[0]?.run as { state?: string } | undefined)?.state).toBe(
      'Crashed',
    )
    // The backfill did not die: it lost its database and said so. The marking must not claim otherwise.
    expect(shown.stderr).toMatch(/marked Crashed/)
    expect(shown.stderr).not.toMatch(/process that died/)
    expect(shown.stderr).toMatch(/its database stopped answering/)
    await expectCleanAfter(home, shown)

    const resumed = await runCli(home, ['backfill', '--resume', runId as string, '--pace', '0'])
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stderr).toMatch(/Completed/)
    await expectCleanAfter(home, resumed)
  }, 600_000)

  it('a backfill killed -9 with its whole process group (and the server with it): a rerun at once succeeds', async () => {
    for (const killServerToo of [false, true]) {
      const backfill = startCli(home, backfillArgs(3, ['--json', '--pace', '2', '--force']), true)
      await waitFor('the first stored day', async () =>
        backfill.stdout().includes('"date"') ? true : null,
      )
      const server = killServerToo ? await serverProcesses(home) : []
      process.kill(-(backfill.child.pid as number), 'SIGKILL')
      for (const pid of server) process.kill(pid, 'SIGKILL')
      const rerun = await runCli(home, backfillArgs(2))
      expect(rerun.code, `server killed too: ${killServerToo}; ${rerun.stderr}`).toBe(0)
      expect(rerun.stderr).toMatch(/marked Crashed[\s\S]*Completed/)
      await expectCleanAfter(home, rerun)
    }
  }, 600_000)

  it('an initialisation killed with its process group, or left half-made by an older version, is rebuilt by the next command', async () => {
    // Left by an older driftdesk that ran initdb in place: a version file and empty folders, no data.
    const legacy = await createHome()
    await mkdir(join(legacy.pgDir, 'base'), { recursive: true })
    await writeFile(join(legacy.pgDir, 'PG_VERSION'), '18\n')
    // Left by this version's initdb killed with its group: a staging folder and its password folder.
    await mkdir(join(legacy.dir, 'pg.initdb-999999999-secret'), { recursive: true })
    await writeFile(join(legacy.dir, 'pg.initdb-999999999-secret', 'password'), 'x', {
      mode: 0o600,
    })
    await mkdir(join(legacy.dir, 'pg.initdb-999999999', 'base'), { recursive: true })
    const rebuilt = await runCli(legacy, ['metrics', '--month', '2022-02'])
    expect(rebuilt.code, rebuilt.stderr).toBe(0)
    expect(rebuilt.stderr).toMatch(/No metrics stored/)
    expect(await exists(join(legacy.pgDir, 'global', 'pg_control'))).toBe(true)
    expect(await readdir(legacy.dir)).not.toContain('pg.initdb-999999999-secret')
    await expectCleanAfter(legacy, rebuilt)

    // A real initdb killed with the command's whole process group.
    const killed = await createHome()
    const first = startCli(killed, ['runs', 'list'], true)
    await waitFor('initdb to run', async () => {
      for (const name of await readdir('/proc')) {
        const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')
        if (cmdline.includes('initdb') && cmdline.includes(killed.dir)) return true
      }
      return first.child.exitCode === null ? null : true
    })
    process.kill(-(first.child.pid as number), 'SIGKILL')
    await first.done
    const next = await runCli(killed, ['runs', 'list'])
    expect(next.code, next.stderr).toBe(0)
    expect(await exists(join(killed.pgDir, 'global', 'pg_control'))).toBe(true)
    await expectCleanAfter(killed, next)
  }, 600_000)

  it('one Ctrl-C to `npm run driftdesk -- backfill` (SIGINT to its whole process group, relayed again by npm) cancels cleanly: Cancelled, exit 130, no server left', async () => {
    const env = { ...process.env, ...home.env }
    delete env.DATABASE_URL
    // Started exactly as a user starts it, in its own process group like a terminal's foreground job.
    const child = spawn(
      'npm',
      ['run', '-s', 'driftdesk', '--', ...backfillArgs(4, ['--pace', '1', '--force'])],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
    children.push(child)
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout?.resume()
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolveDone) => child.once('exit', (code, signal) => resolveDone({ code, signal })),
    )
    const runId = await waitFor('the run to start', async () => {
      return /Run ([0-9a-f-]{36}) started/.exec(stderr)?.[1] ?? null
    })
    process.kill(-(child.pid as number), 'SIGINT')
    const { code, signal } = await done
    const result: CliResult = { code, signal, stdout: '', stderr }
    // npm, signalled too, ends itself by SIGINT once its child has exited: a shell reports 130 either way.
    expect(code ?? (signal === 'SIGINT' ? 130 : signal), stderr).toBe(130)
    expect(stderr).toMatch(new RegExp(`Run ${runId} Cancelled`))
    expect(stderr).not.toMatch(/\n\s+at /)
    await expectCleanAfter(home, result)
    const shown = await runCli(home, ['runs', 'show', runId, '--json'])
    expect(shown.code, shown.stderr).toBe(0)
    expect((jsonLines(shown.stdout)[0]?.run as { state?: string } | undefined)?.state).toBe(
      'Cancelled',
    )
    expect(shown.stderr).not.toMatch(/marked Crashed/)
    await expectCleanAfter(home, shown)
  }, 600_000)

  it('a closed stdout (`| head -1`: EPIPE) or a closed terminal (SIGHUP) mid-backfill cancels like Ctrl-C: the run ends Cancelled, exit 141 / 129, no stack trace, no server left', async () => {
    for (const [fault, expected] of [
      ['EPIPE', 141],
      ['SIGHUP', 129],
    ] as const) {
      const backfill = startCli(home, backfillArgs(4, ['--json', '--pace', '1', '--force']), true)
      await waitFor('the first stored day', async () =>
        backfill.stdout().includes('"date"') ? true : null,
      )
      // The reader goes away: the next day's line meets a closed pipe.
      if (fault === 'EPIPE') backfill.child.stdout?.destroy()
      else process.kill(backfill.child.pid as number, 'SIGHUP')
      const result = await backfill.done
      expect(result.code, `${fault}: ${result.stderr}`).toBe(expected)
      expect(result.stderr, fault).not.toMatch(/\n\s+at |unexpected error|internal error/)
      const runId = /Run ([0-9a-f-]{36}) Cancelled/.exec(result.stderr)?.[1]
      expect(runId, `${fault}: ${result.stderr}`).toBeDefined()
      await expectCleanAfter(home, result)
      const shown = await runCli(home, ['runs', 'show', runId as string, '--json'])
      expect(shown.code, shown.stderr).toBe(0)
      expect((jsonLines(shown.stdout)[0]?.run as { state?: string } | undefined)?.state).toBe(
        'Cancelled',
      )
      await expectCleanAfter(home, shown)
    }
  }, 600_000)

  it('a frozen server (its postmaster kill -STOPped): a command exits 1 saying it does not answer and what to do, instead of hanging', async () => {
    const frozen = await createHome()
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/hold-embedded-postgres.ts',
        frozen.pgDir,
        frozen.secretsDir,
      ],
      { cwd: repoRoot, env: { ...process.env, ...frozen.env }, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    children.push(holder)
    let said = ''
    holder.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()))
    await waitFor('the holder to start the server', async () =>
      said.includes('ready') ? true : null,
    )
    const pid = (await postmasterPid(frozen)) as number
    process.kill(pid, 'SIGSTOP')
    try {
      const result = await runCli(frozen, ['runs', 'list'])
      expect(result.code, result.stderr).toBe(1)
      expectOneClearError(result, /does not answer.*is stopped \(kill -STOP\).*kill -CONT \d+/s)
      await expectCleanAfter(frozen, result, { serverKept: pid })
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    holder.stdin?.write('close\n')
    await waitFor('the holder to release the server', async () =>
      said.includes('released') ? true : null,
    )
    expect(await serverProcesses(frozen)).toEqual([])
  }, 600_000)

  it("a folder at <home>/pg that is not PostgreSQL's is refused, never deleted", async () => {
    const foreign = await createHome()
    await mkdir(join(foreign.pgDir, 'notes'), { recursive: true })
    await writeFile(join(foreign.pgDir, 'notes', 'todo.txt'), 'hi\n')
    await writeFile(join(foreign.pgDir, 'thesis.tex'), 'x\n')
    // Even beside PostgreSQL's own names (an initdb run in place), a file of the user's is kept.
    await writeFile(join(foreign.pgDir, 'PG_VERSION'), '18\n')
    const refused = await runCli(foreign, ['runs', 'list'])
    expect(refused.code, refused.stderr).toBe(1)
    expectOneClearError(refused, /folder \S+\/pg holds files that are not PostgreSQL's/)
    expect(await readFile(join(foreign.pgDir, 'notes', 'todo.txt'), 'utf8')).toBe('hi\n')
    expect(await readFile(join(foreign.pgDir, 'thesis.tex'), 'utf8')).toBe('x\n')
    expect((await readdir(foreign.pgDir)).sort()).toEqual(['PG_VERSION', 'notes', 'thesis.tex'])
    await expectCleanAfter(foreign, refused)

    // An empty folder (made by the user or an installer) is simply initialised.
    const empty = await createHome()
    await mkdir(empty.pgDir)
    const fresh = await runCli(empty, ['runs', 'list'])
    expect(fresh.code, fresh.stderr).toBe(0)
    expect(await exists(join(empty.pgDir, 'global', 'pg_control'))).toBe(true)
    await expectCleanAfter(empty, fresh)
  }, 600_000)

  it('keeps the superuser password only in the home, readable by its owner alone', async () => {
    const info = await stat(join(home.secretsDir, 'embedded-postgres.password'))
    expect(info.mode & 0o077).toBe(0)
    for (const each of homes) {
      expect([...each.tempNames].filter((name) => name.startsWith('pg-password-'))).toEqual([])
      expect((await readdir(each.dir)).filter((name) => name.includes('-secret'))).toEqual([])
    }
  })

  // Runs last: it plants pg-password files in its own home's temp folder on purpose.
  it('removes the world-readable pg-password files an older launcher left in the temp folder, but not one in use', async () => {
    const old = await createHome()
    const temp = old.env.TMPDIR as string
    await writeFile(join(temp, 'pg-password-leftover'), 'secret\n', { mode: 0o644 })
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(join(temp, 'pg-password-leftover'), hourAgo, hourAgo)
    // A file just written may belong to an initialisation running right now (another program's).
    await writeFile(join(temp, 'pg-password-fresh'), 'secret\n', { mode: 0o644 })
    const result = await runCli(old, ['runs', 'list'])
    expect(result.code, result.stderr).toBe(0)
    expect(await exists(join(temp, 'pg-password-leftover'))).toBe(false)
    expect(await exists(join(temp, 'pg-password-fresh'))).toBe(true)
  }, 600_000)
})
