import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { findEphemeralLoopbackPort } from '../../adapters/network/port-availability'
import { isProcessRunning } from '../../adapters/process/is-process-alive'
import type { LiveProcessName, LiveSessionStatus } from '../../shared/domain/live'
import { AppError } from '../../shared/errors'
import type { CliEntry, LiveCommandTable } from './live-commands'
import { LiveSession, replayFractionOf } from './live-session'

/**
 * The live session's process lifecycle with real child processes and real signals. The children are a
 * test-only stand-in for serve/replay/collect (test/fixtures/live/fake-live-cli.mjs: a real HTTP /health,
 * progress lines, chosen exit codes, a process that ignores SIGTERM); the real `serve` is exercised in
 * test/integration/live-session-cli.test.ts.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))
const FAKE_CLI: CliEntry = {
  command: process.execPath,
  args: [join(repoRoot, 'test', 'fixtures', 'live', 'fake-live-cli.mjs')],
  cwd: repoRoot,
}
const PASSWORD = 'pa55-Word-live'
const DATABASE_URL = `postgres://driftdesk:${PASSWORD}@127.0.0.1:5999/driftdesk`
const folder = mkdtempSync(join(tmpdir(), 'driftdesk-live-session-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

function commands(overrides: Partial<Record<LiveProcessName, string[]>> = {}): LiveCommandTable {
  return {
    serve: ({ port }) => ['serve', '--port', String(port), ...(overrides.serve ?? [])],
    replay: () => ['replay', ...(overrides.replay ?? [])],
    collect: () => ['collect', ...(overrides.collect ?? [])],
  }
}

let counter = 0
function startSession(
  table: LiveCommandTable,
  env: Record<string, string> = {},
): {
  session: LiveSession
  controller: AbortController
  running: Promise<LiveSessionStatus>
  lines: { process: LiveProcessName; line: string }[]
  log: () => string[]
} {
  counter += 1
  const logPath = join(folder, `events-${counter}.log`)
  const controller = new AbortController()
  const lines: { process: LiveProcessName; line: string }[] = []
  const baseEnv = { ...process.env }
  delete baseEnv.DATABASE_URL
  const session = new LiveSession({
    jobId: `job-${counter}`,
    project: 'nyc-taxi',
    month: '2022-03',
    speed: 3600,
    cli: FAKE_CLI,
    baseEnv,
    env: { DATABASE_URL, LIVE_TEST_LOG: logPath, ...env },
    findPort: findEphemeralLoopbackPort,
    signal: controller.signal,
    commands: table,
    graceMs: 1500,
    healthTimeoutMs: 60_000,
    healthPollMs: 200,
    onLine: (process, line) => lines.push({ process, line }),
  })
  const running = session.run()
  running.catch(() => undefined)
  const log = (): string[] => {
    try {
      return readFileSync(logPath, 'utf8').trim().split('\n')
    } catch {
      return []
    }
  }
  return { session, controller, running, lines, log }
}

async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const pidsOf = (status: LiveSessionStatus): number[] =>
  status.processes.map((process) => process.pid).filter((pid): pid is number => pid !== null)

describe('LiveSession with real child processes', () => {
  it('starts serve, waits for its health, then collect and replay; the replay finishing is not the end; Stop sends SIGTERM and every child exits', async () => {
    const { session, controller, running, log } = startSession(commands())
    await waitFor(
      () => session.status().processes.find((p) => p.name === 'replay')?.state === 'finished',
      'the replay to finish',
    )
    const status = session.status()
    expect(status.state).toBe('running')
    expect(status.health).toBe('ok')
    expect(status.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(status.replayFraction).toBe(1)
    expect(status.processes.map((p) => [p.name, p.state])).toEqual([
      ['serve', 'running'],
      ['replay', 'finished'],
      ['collect', 'running'],
    ])
    // Serve answered its health check before the others started.
    const started = log().filter((line) => line.endsWith('started'))
    expect(started[0]?.startsWith('serve ')).toBe(true)
    const pids = pidsOf(status)

    controller.abort()
    const final = await running
    expect(final.state).toBe('stopped')
    expect(final.endedAt).not.toBeNull()
    expect(final.processes.map((p) => [p.name, p.state, p.exitCode, p.signal])).toEqual([
      ['serve', 'stopped', 0, null],
      ['replay', 'finished', 0, null],
      ['collect', 'stopped', 0, null],
    ])
    expect(
      log()
        .filter((line) => line.endsWith('SIGTERM'))
        .map((line) => line.split(' ')[0]),
    ).toEqual(expect.arrayContaining(['serve', 'collect']))
    for (const pid of pids) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false)
  })

  it('an own project (no replay line): serve and collect run, the replay is not started and says where rows go', async () => {
    const table: LiveCommandTable = { ...commands(), replay: () => null }
    const { session, controller, running, log } = startSession(table)
    await waitFor(
      () => session.status().processes.find((p) => p.name === 'collect')?.state === 'running',
      'the collector to start',
    )
    const status = session.status()
    expect(status.state).toBe('running')
    const replay = status.processes.find((p) => p.name === 'replay')
    expect(replay).toMatchObject({ state: 'finished', pid: null })
    expect(replay?.lastLine).toContain(`${status.serviceUrl ?? '?'}/log`)
    controller.abort()
    const final = await running
    expect(final.state).toBe('stopped')
    expect(final.processes.map((p) => [p.name, p.state])).toEqual([
      ['serve', 'stopped'],
      ['replay', 'finished'],
      ['collect', 'stopped'],
    ])
    expect(log().some((line) => line.startsWith('replay '))).toBe(false)
  })

  it('reports the replay progress from the percentages in its lines', async () => {
    const { session, controller, running, lines } = startSession(
      commands({ replay: ['--steps', '4', '--hang'] }),
    )
    await waitFor(() => session.status().replayFraction === 1, 'the replay to reach 100%')
    expect(lines.filter((entry) => entry.process === 'replay').map((entry) => entry.line)).toEqual(
      expect.arrayContaining([expect.stringContaining('25%'), expect.stringContaining('50%')]),
    )
    // Still running: a 100% line is progress, only exit 0 is the end.
    expect(session.status().processes.find((p) => p.name === 'replay')?.state).toBe('running')
    controller.abort()
    const final = await running
    expect(final.processes.find((p) => p.name === 'replay')?.state).toBe('stopped')
  })

  it('SIGKILLs a child that ignores SIGTERM once the grace has passed', async () => {
    const { session, controller, running, log } = startSession(
      commands({ collect: ['--ignore-term'] }),
    )
    await waitFor(() => session.status().state === 'running', 'the session to run')
    await waitFor(() => log().some((line) => line.startsWith('collect ')), 'collect to start')
    controller.abort()
    const final = await running
    const collect = final.processes.find((p) => p.name === 'collect')
    expect(collect?.state).toBe('stopped')
    expect(collect?.signal).toBe('SIGKILL')
    expect(log().some((line) => line.startsWith('collect ') && line.endsWith('SIGTERM'))).toBe(true)
    expect(isProcessRunning(collect?.pid ?? -1)).toBe(false)
  })

  it('fails the session when the replay exits non-zero, naming it, its code and its last line, and stops the others', async () => {
    const { session, running } = startSession(commands({ replay: ['--exit-code', '3'] }))
    const error = await running.then(
      () => null,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('LIVE_PROCESS_FAILED')
    expect((error as AppError).message).toContain(
      'The replay (driftdesk replay) exited with code 3',
    )
    expect((error as AppError).message).toContain('the service refused the trips (HTTP 500)')
    const final = session.status()
    expect(final.state).toBe('failed')
    expect(final.error?.code).toBe('LIVE_PROCESS_FAILED')
    expect(final.processes.map((p) => [p.name, p.state])).toEqual([
      ['serve', 'stopped'],
      ['replay', 'failed'],
      ['collect', 'stopped'],
    ])
    for (const pid of pidsOf(final)) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false)
  })

  it("quotes the child's error sentence even when a usage text follows it", async () => {
    const { running } = startSession(commands({ replay: ['--exit-code', '2', '--usage-after'] }))
    await expect(running).rejects.toThrow(
      "The replay (driftdesk replay) exited with code 2: driftdesk replay: Unknown option '--month'. The other processes were stopped.",
    )
  })

  it('fails the session when the service is killed from outside (SIGKILL), saying so', async () => {
    const { session, running } = startSession(commands({ replay: ['--hang'] }))
    await waitFor(() => session.status().state === 'running', 'the session to run')
    const servePid = session.status().processes[0]?.pid as number
    process.kill(servePid, 'SIGKILL')
    await expect(running).rejects.toThrow(
      /The prediction service \(driftdesk serve\) was killed by SIGKILL/,
    )
    const final = session.status()
    expect(final.processes.map((p) => p.state)).toEqual(['failed', 'stopped', 'stopped'])
    for (const pid of pidsOf(final)) expect(isProcessRunning(pid), `pid ${pid}`).toBe(false)
  })

  it('fails with the service own words when it exits before answering its health check', async () => {
    const { session, running } = startSession({
      ...commands(),
      serve: ({ port }) => [
        'serve',
        '--port',
        String(port),
        '--no-listen',
        '--exit-after-ms',
        '300',
        '--exit-code',
        '4',
      ],
    })
    await expect(running).rejects.toThrow(
      /driftdesk serve\) exited with code 4.*database went away/,
    )
    expect(session.status().processes.map((p) => p.state)).toEqual(['failed', 'waiting', 'waiting'])
  })

  it('passes the database URL in the environment only, and keeps its password out of the lines it forwards', async () => {
    const { session, controller, running, lines } = startSession(commands({ replay: ['--hang'] }), {
      LIVE_TEST_ECHO_URL: '1',
    })
    await waitFor(() => session.status().state === 'running', 'the session to run')
    await waitFor(
      () => lines.filter((entry) => entry.line.includes('connecting to')).length === 3,
      'the three children to print their URL',
    )
    for (const process of session.status().processes) {
      const pid = process.pid as number
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
      expect(commandLine).not.toContain(PASSWORD)
      expect(environment).toContain(`DATABASE_URL=${DATABASE_URL}`)
    }
    expect(lines.some((entry) => entry.line.includes('database url set'))).toBe(true)
    for (const entry of lines) expect(entry.line).not.toContain(PASSWORD)
    expect(lines.find((entry) => entry.line.includes('connecting to'))?.line).toContain(
      'postgres://driftdesk:***@127.0.0.1:5999/driftdesk',
    )
    for (const process of session.status().processes)
      expect(process.lastLine).not.toContain(PASSWORD)
    controller.abort()
    await running
  })

  it('stops cleanly when Stop comes while the service is still starting', async () => {
    const { session, controller, running, log } = startSession(commands())
    await waitFor(() => session.status().processes[0]?.state === 'running', 'serve to be spawned')
    controller.abort()
    const final = await running
    expect(final.state).toBe('stopped')
    expect(final.processes.map((p) => p.state)).toEqual(['stopped', 'waiting', 'waiting'])
    expect(log().some((line) => line.startsWith('replay') || line.startsWith('collect'))).toBe(
      false,
    )
  })
})

describe('replayFractionOf', () => {
  it('reads the last percentage of a progress line', () => {
    expect(
      replayFractionOf('2022-03 [=====>     ]  42%  1,234 / 2,938 trips  ETA 0:05'),
    ).toBeCloseTo(0.42, 12)
    expect(replayFractionOf('replay 12.5 % of the month')).toBeCloseTo(0.125, 12)
  })

  it('ignores lines without a percentage and impossible ones', () => {
    expect(replayFractionOf('Replaying 2022-03 to http://127.0.0.1:9696')).toBeNull()
    expect(replayFractionOf('error rate 250%')).toBeNull()
  })
})
