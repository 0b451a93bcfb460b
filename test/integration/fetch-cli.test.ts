import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TlcFileServer, closedLocalPort, selfSignedCertificate } from '../fakes/tlc-file-server'
import { taxiDataDir } from '../support/taxi-data'

const repoRoot = resolve(import.meta.dirname, '..', '..')
const JANUARY = 'green_tripdata_2022-01.parquet'
const FEBRUARY = 'green_tripdata_2022-02.parquet'

interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs the real CLI in a child process, as `npm run driftdesk --` does (tsx), but through `node --import tsx`
 * to skip npx's and tsx's extra launcher processes. Asynchronous, so this process's test server keeps answering.
 */
function driftdesk(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/main.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        done({ code, stdout, stderr })
      },
    )
  })
}

describe('npm run driftdesk -- fetch', () => {
  let server: TlcFileServer
  let home: string
  let source: Map<string, Uint8Array>

  beforeAll(async () => {
    const { dir } = await taxiDataDir()
    source = new Map(
      [JANUARY, FEBRUARY].map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]),
    )
    server = await TlcFileServer.start(source)
    home = mkdtempSync(join(tmpdir(), 'driftdesk-fetch-cli-'))
  })

  afterAll(async () => {
    await server.close()
    rmSync(home, { recursive: true, force: true })
  })

  it('downloads each month with a progress bar, says where each file is, then finds them cached', async () => {
    const env = { DRIFTDESK_TRIP_DATA_URL: server.baseUrl }
    const first = await driftdesk(['fetch', '--months', '2022-01,2022-02', '--home', home], env)
    expect(first.stderr).not.toContain('unexpected error')
    expect(first.code).toBe(0)
    const cacheDir = join(home, 'cache', 'tlc')
    const lines = first.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      new RegExp(
        `^2022-01  downloaded  ${join(cacheDir, JANUARY)}  \\([\\d.]+ [kM]B, [\\d,]+ rows\\)$`,
      ),
    )
    expect(lines[1]).toContain(`2022-02  downloaded  ${join(cacheDir, FEBRUARY)}`)
    // stderr is not a terminal here: plain progress lines, ending at 100 % for each file, no carriage returns.
    expect(first.stderr).not.toContain('\r')
    expect(first.stderr).toMatch(new RegExp(`${JANUARY} \\[=+\\]  100%`))
    expect(first.stderr).toMatch(new RegExp(`${FEBRUARY} \\[=+\\]  100%`))
    const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
    expect(sha(readFileSync(join(cacheDir, JANUARY)))).toBe(sha(source.get(JANUARY)!))

    const second = await driftdesk(
      ['fetch', '--months', '2022-01,2022-02', '--home', home, '--json'],
      env,
    )
    expect(second.code).toBe(0)
    const results = second.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(results).toEqual([
      expect.objectContaining({
        month: '2022-01',
        status: 'present',
        source: 'cache',
        path: join(cacheDir, JANUARY),
      }),
      expect.objectContaining({
        month: '2022-02',
        status: 'present',
        bytes: source.get(FEBRUARY)!.length,
      }),
    ])
    expect(server.hits(JANUARY)).toBe(1)
    expect(server.hits(FEBRUARY)).toBe(1)
  })

  it('prints the human summary "already present" for a cached file', async () => {
    const run = await driftdesk(['fetch', '--months', '2022-01', '--home', home], {
      DRIFTDESK_TRIP_DATA_URL: server.baseUrl,
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`2022-01  already present  ${join(home, 'cache', 'tlc', JANUARY)}`)
  })

  it('fails with one clear sentence when the server cannot be reached', async () => {
    const port = await closedLocalPort()
    const emptyHome = mkdtempSync(join(tmpdir(), 'driftdesk-fetch-cli-offline-'))
    try {
      const run = await driftdesk(['fetch', '--months', '2022-03', '--home', emptyHome], {
        DRIFTDESK_TRIP_DATA_URL: `http://127.0.0.1:${port}/trip-data`,
      })
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr.trim()).toBe(
        `driftdesk fetch: Could not download green_tripdata_2022-03.parquet because 127.0.0.1:${port} refused the connection (ECONNREFUSED): ` +
          `check the internet connection, or put green_tripdata_2022-03.parquet in ${join(emptyHome, 'cache', 'tlc')} yourself, ` +
          'or pass --data-dir DIR with a folder that holds it.',
      )
    } finally {
      rmSync(emptyHome, { recursive: true, force: true })
    }
  })

  it('checks --data-dir files without downloading and names a missing one', async () => {
    const { dir } = await taxiDataDir()
    const ok = await driftdesk(
      ['fetch', '--months', '2022-02', '--data-dir', dir, '--home', home],
      {
        DRIFTDESK_TRIP_DATA_URL: server.baseUrl,
      },
    )
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`2022-02  already present  ${join(dir, FEBRUARY)}`)
    const missing = await driftdesk(
      ['fetch', '--months', '2019-07', '--data-dir', dir, '--home', home],
      {
        DRIFTDESK_TRIP_DATA_URL: server.baseUrl,
      },
    )
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      `green_tripdata_2019-07.parquet is not in the data folder ${dir}`,
    )
    expect(server.hits('green_tripdata_2019-07.parquet')).toBe(0)
  })

  it('downloads over HTTPS from a server whose CA is given in NODE_EXTRA_CA_CERTS', async () => {
    const work = mkdtempSync(join(tmpdir(), 'driftdesk-fetch-cli-tls-'))
    const { key, cert, certPath } = selfSignedCertificate(work)
    const secure = await TlcFileServer.start(source, { tls: { key, cert } })
    try {
      const run = await driftdesk(['fetch', '--months', '2022-02', '--home', work], {
        DRIFTDESK_TRIP_DATA_URL: secure.baseUrl,
        NODE_EXTRA_CA_CERTS: certPath,
      })
      expect(run.stderr).not.toContain('driftdesk fetch:')
      expect(run.code).toBe(0)
      expect(secure.baseUrl).toMatch(/^https:/)
      expect(run.stdout).toContain(`2022-02  downloaded  ${join(work, 'cache', 'tlc', FEBRUARY)}`)
      expect(secure.hits(FEBRUARY)).toBe(1)
    } finally {
      await secure.close()
      rmSync(work, { recursive: true, force: true })
    }
  })

  it('refuses a malformed month or a missing --months with exit code 2', async () => {
    const bad = await driftdesk(['fetch', '--months', '2022-1', '--home', home], {})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      "'2022-1' is not a month of trip data: write it as YYYY-MM, for example 2022-01.",
    )
    const none = await driftdesk(['fetch', '--home', home], {})
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--months is required')
  })
})
