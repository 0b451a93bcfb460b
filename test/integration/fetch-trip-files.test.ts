import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import type { TripDownloadTuning } from '../../src-main/services/data/ensure-trip-files'
import { ensureTripFiles } from '../../src-main/services/data/ensure-trip-files'
import { locateOrDownloadMonthFile } from '../../src-main/services/data/locate-or-download-month-file'
import type { TripFileProgress } from '../../src-main/services/data/trip-file-progress'
import { TlcFileServer, closedLocalPort, selfSignedCertificate } from '../fakes/tlc-file-server'
import { taxiDataDir } from '../support/taxi-data'

const JANUARY = 'green_tripdata_2022-01.parquet'
const FEBRUARY = 'green_tripdata_2022-02.parquet'
// Short backoff keeps retry tests quick; the production default is 500 ms doubling.
const FAST: TripDownloadTuning = { retryDelayMs: 10, idleTimeoutMs: 5_000 }

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

describe('ensureTripFiles against a local TLC server', () => {
  let source: Map<string, Uint8Array>
  let server: TlcFileServer
  let home: string
  let events: TripFileProgress[]

  beforeAll(async () => {
    const { dir } = await taxiDataDir()
    source = new Map(
      [JANUARY, FEBRUARY].map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]),
    )
  })

  beforeEach(async () => {
    server = await TlcFileServer.start(source)
    home = mkdtempSync(join(tmpdir(), 'driftdesk-fetch-'))
    events = []
  })

  afterEach(async () => {
    await server.close()
    rmSync(home, { recursive: true, force: true })
  })

  const config = (extra: Record<string, string> = {}): ReturnType<typeof loadConfig> =>
    loadConfig({ DRIFTDESK_TRIP_DATA_URL: server.baseUrl, ...extra }, { homeDir: home })
  const record = (event: TripFileProgress): void => {
    events.push(event)
  }

  it('downloads into the cache, reports progress, and uses the cached file next time without the network', async () => {
    const files = await ensureTripFiles(config(), ['2022-01', '2022-02'], record, undefined, FAST)
    expect(files.map((file) => file.status)).toEqual(['downloaded', 'downloaded'])
    const cacheDir = join(home, 'cache', 'tlc')
    expect(files[0]!.path).toBe(join(cacheDir, JANUARY))
    expect(sha256(readFileSync(files[0]!.path))).toBe(sha256(source.get(JANUARY)!))
    expect(sha256(readFileSync(files[1]!.path))).toBe(sha256(source.get(FEBRUARY)!))
    expect(files[0]!.rows).toBeGreaterThan(30_000)
    expect(readdirSync(cacheDir).sort()).toEqual([JANUARY, FEBRUARY]) // no .part left behind

    const progress = events.filter(
      (event) => event.type === 'downloading' && event.month === '2022-01',
    )
    expect(progress.length).toBeGreaterThanOrEqual(2)
    const last = progress.at(-1)!
    expect(last.type === 'downloading' && last.bytesDone).toBe(source.get(JANUARY)!.length)
    expect(last.type === 'downloading' && last.bytesTotal).toBe(source.get(JANUARY)!.length)
    const done = progress.map((event) => (event.type === 'downloading' ? event.bytesDone : -1))
    expect(done).toEqual([...done].sort((a, b) => a - b))

    events = []
    const again = await ensureTripFiles(config(), ['2022-01', '2022-02'], record, undefined, FAST)
    expect(again.map((file) => file.status)).toEqual(['present', 'present'])
    expect(server.hits(JANUARY)).toBe(1)
    expect(server.hits(FEBRUARY)).toBe(1)
    expect(events.some((event) => event.type === 'downloading')).toBe(false)
  })

  it('locateOrDownloadMonthFile: downloads a month missing from the cache once, then finds it offline', async () => {
    const first = await locateOrDownloadMonthFile(config(), '2022-01', {
      onProgress: record,
      tuning: FAST,
    })
    expect(first).toBe(join(home, 'cache', 'tlc', JANUARY))
    expect(sha256(readFileSync(first))).toBe(sha256(source.get(JANUARY)!))
    expect(events.some((event) => event.type === 'downloading')).toBe(true)
    const requests = server.hits(JANUARY)
    expect(requests).toBeGreaterThanOrEqual(1)
    await expect(locateOrDownloadMonthFile(config(), '2022-01')).resolves.toBe(first)
    expect(server.hits(JANUARY)).toBe(requests)
    // With a data folder nothing is downloaded: the missing file is named instead.
    const dataDir = join(home, 'empty-data')
    mkdirSync(dataDir)
    await expect(
      locateOrDownloadMonthFile(config({ DRIFTDESK_DATA_DIR: dataDir }), '2022-02'),
    ).rejects.toMatchObject({ code: 'DATA_FILE_MISSING' })
    expect(server.hits(FEBRUARY)).toBe(0)
  })

  it('resumes with a Range request after the connection is cut mid-file', async () => {
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 400_000, times: 1 })
    const [file] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(file!.status).toBe('downloaded')
    expect(sha256(readFileSync(file!.path))).toBe(sha256(source.get(JANUARY)!))
    const retry = events.find((event) => event.type === 'retrying')
    expect(retry).toMatchObject({ type: 'retrying', attempt: 2 })
    // A reset socket may drop bytes still in flight, so the client keeps at most what the server wrote.
    const kept = retry?.type === 'retrying' ? retry.resumeFromBytes : -1
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThanOrEqual(400_000)
    expect(server.requests.map((request) => request.range)).toEqual([undefined, `bytes=${kept}-`])
    expect(server.requests[1]!.ifRange).toMatch(/^"[0-9a-f]{32}"$/)
  })

  it('restarts from zero after a cut when the server does not support Range', async () => {
    await server.close()
    server = await TlcFileServer.start(source, { acceptsRanges: false })
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 250_000, times: 2 })
    const [file] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(sha256(readFileSync(file!.path))).toBe(sha256(source.get(JANUARY)!))
    const retries = events.filter((event) => event.type === 'retrying')
    expect(retries).toHaveLength(2)
    expect(retries.every((event) => event.type === 'retrying' && event.resumeFromBytes === 0)).toBe(
      true,
    )
    expect(server.requests.map((request) => request.range)).toEqual([
      undefined,
      undefined,
      undefined,
    ])
  })

  it('restarts instead of resuming when the server names no file version (no ETag)', async () => {
    await server.close()
    server = await TlcFileServer.start(source, { sendsValidator: false })
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 300_000, times: 1 })
    const [file] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(sha256(readFileSync(file!.path))).toBe(sha256(source.get(JANUARY)!))
    expect(events.find((event) => event.type === 'retrying')).toMatchObject({ resumeFromBytes: 0 })
    expect(server.requests.map((request) => request.range)).toEqual([undefined, undefined])
  })

  it('starts over when the file changed on the server between two attempts (If-Range)', async () => {
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 300_000, times: 1 })
    const republished = source.get(FEBRUARY)! // any other valid Parquet file stands in for a new version
    const [file] = await ensureTripFiles(
      config(),
      ['2022-01'],
      (event) => {
        record(event)
        if (event.type === 'retrying') server.replaceFile(JANUARY, republished)
      },
      undefined,
      FAST,
    )
    expect(server.requests[1]!.range).toMatch(/^bytes=\d+-$/)
    expect(sha256(readFileSync(file!.path))).toBe(sha256(republished))
  })

  it('treats a stalled connection as cut and resumes after the idle timeout', async () => {
    server.misbehave(FEBRUARY, { kind: 'stall', afterBytes: 300_000, times: 1 })
    const [file] = await ensureTripFiles(config(), ['2022-02'], record, undefined, {
      ...FAST,
      idleTimeoutMs: 300,
    })
    expect(sha256(readFileSync(file!.path))).toBe(sha256(source.get(FEBRUARY)!))
    const retry = events.find((event) => event.type === 'retrying')
    expect(retry).toMatchObject({ reason: expect.stringMatching(/ETIMEDOUT/) as unknown })
    expect(server.requests[1]!.range).toMatch(/^bytes=\d+-$/)
  })

  it('retries a passing server error (HTTP 503) and follows a redirect', async () => {
    await server.close()
    server = await TlcFileServer.start(
      new Map([...source, [`moved/${FEBRUARY}`, source.get(FEBRUARY)!]]),
    )
    server.misbehave(JANUARY, {
      kind: 'respond',
      status: 503,
      contentType: 'text/plain',
      body: 'Service Unavailable',
      times: 1,
    })
    server.misbehave(FEBRUARY, {
      kind: 'redirect',
      status: 302,
      to: `/trip-data/moved/${FEBRUARY}`,
    })
    const files = await ensureTripFiles(config(), ['2022-01', '2022-02'], record, undefined, FAST)
    expect(files.map((file) => file.status)).toEqual(['downloaded', 'downloaded'])
    expect(events.find((event) => event.type === 'retrying')).toMatchObject({
      month: '2022-01',
      reason: 'the server answered HTTP 503',
    })
    expect(sha256(readFileSync(files[1]!.path))).toBe(sha256(source.get(FEBRUARY)!))
    expect(server.requests.map((request) => request.path)).toEqual([
      `/trip-data/${JANUARY}`,
      `/trip-data/${JANUARY}`,
      `/trip-data/${FEBRUARY}`,
      `/trip-data/moved/${FEBRUARY}`,
    ])
  })

  it('lets two simultaneous requests for one month share a single download', async () => {
    server.misbehave(JANUARY, { kind: 'slow', chunkBytes: 200_000, delayMs: 50 })
    const [first, second] = await Promise.all([
      ensureTripFiles(config(), ['2022-01'], record, undefined, FAST),
      ensureTripFiles(config(), ['2022-01'], record, undefined, FAST),
    ])
    expect(server.hits(JANUARY)).toBe(1)
    expect(first![0]!.path).toBe(second![0]!.path)
    expect(sha256(readFileSync(first![0]!.path))).toBe(sha256(source.get(JANUARY)!))
    expect(first![0]!.rows).toBe(second![0]!.rows)
    expect(readdirSync(join(home, 'cache', 'tlc'))).toEqual([JANUARY])
  })

  it('removes a .part file left by a download that died, and follows a live one', async () => {
    const cacheDir = join(home, 'cache', 'tlc')
    mkdirSync(cacheDir, { recursive: true })
    const stale = join(cacheDir, `${JANUARY}.part`)
    writeFileSync(stale, 'half a file from a killed run')
    const longAgo = new Date(Date.now() - 10 * 60_000)
    utimesSync(stale, longAgo, longAgo)
    const [january] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(january!.status).toBe('downloaded')
    expect(server.hits(JANUARY)).toBe(1)

    // A live download elsewhere (fresh .part): wait for it, then use its file without a request.
    const live = join(cacheDir, `${FEBRUARY}.part`)
    writeFileSync(live, source.get(FEBRUARY)!.subarray(0, 1000))
    const otherProcess = setTimeout(() => {
      writeFileSync(live, source.get(FEBRUARY)!)
      renameSync(live, join(cacheDir, FEBRUARY))
    }, 600)
    try {
      const [february] = await ensureTripFiles(config(), ['2022-02'], record, undefined, FAST)
      expect(february!.rows).toBeGreaterThan(1000)
      expect(server.hits(FEBRUARY)).toBe(0)
      expect(
        events.some((event) => event.type === 'downloading' && event.month === '2022-02'),
      ).toBe(true)
    } finally {
      clearTimeout(otherProcess)
    }
  })

  it('gives up after the last attempt with one sentence and leaves no partial file', async () => {
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 100_000, times: 99 })
    const attempt = ensureTripFiles(config(), ['2022-01'], record, undefined, {
      ...FAST,
      maxAttempts: 3,
    })
    await expect(attempt).rejects.toMatchObject({ code: 'DOWNLOAD_FAILED' })
    const error = (await attempt.catch((caught: unknown) => caught)) as Error
    expect(error.message).toMatch(/3 attempts/)
    expect(error.message).toContain(join(home, 'cache', 'tlc'))
    expect(error.message).not.toContain('\n')
    expect(existsSync(join(home, 'cache', 'tlc', JANUARY))).toBe(false)
    expect(existsSync(join(home, 'cache', 'tlc', `${JANUARY}.part`))).toBe(false)
  })

  it('replaces a truncated cached file and says why', async () => {
    const cacheDir = join(home, 'cache', 'tlc')
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(join(cacheDir, JANUARY), source.get(JANUARY)!.subarray(0, 500_000))
    const [file] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(file!.status).toBe('replaced')
    expect(sha256(readFileSync(file!.path))).toBe(sha256(source.get(JANUARY)!))
    expect(events.find((event) => event.type === 'replacing')).toMatchObject({
      problem: expect.stringMatching(/does not end with PAR1/) as unknown,
    })
  })

  it('replaces a cached HTML page saved under the Parquet name', async () => {
    const cacheDir = join(home, 'cache', 'tlc')
    mkdirSync(cacheDir, { recursive: true })
    writeFileSync(
      join(cacheDir, JANUARY),
      '<!DOCTYPE html><html><body>Service Unavailable</body></html>',
    )
    const [file] = await ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    expect(file!.status).toBe('replaced')
    expect(events.find((event) => event.type === 'replacing')).toMatchObject({
      problem: expect.stringMatching(/does not start with PAR1.*DOCTYPE/) as unknown,
    })
  })

  it('rejects an HTML page served with status 200 and keeps nothing', async () => {
    server.misbehave(JANUARY, {
      kind: 'respond',
      status: 200,
      contentType: 'text/html',
      body: '<!DOCTYPE html><html><head><title>Wi-Fi login</title></head><body>Sign in</body></html>',
    })
    const attempt = ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    await expect(attempt).rejects.toMatchObject({
      code: 'DATA_FILE_INVALID',
      message: expect.stringMatching(/not a Parquet file.*<!DOCTYPE html.*text\/html/) as unknown,
    })
    expect(server.hits(JANUARY)).toBe(1) // not retried: the server will say the same again
    expect(readdirSync(join(home, 'cache', 'tlc'))).toEqual([])
  })

  it('detects a body cut short without a Content-Length by validating the Parquet footer', async () => {
    server.misbehave(JANUARY, { kind: 'short-chunked', bytes: 600_000 })
    await expect(
      ensureTripFiles(config(), ['2022-01'], record, undefined, FAST),
    ).rejects.toMatchObject({
      code: 'DATA_FILE_INVALID',
      message: expect.stringMatching(/does not end with PAR1/) as unknown,
    })
    expect(readdirSync(join(home, 'cache', 'tlc'))).toEqual([])
  })

  it('explains a month the TLC has no file for (HTTP 403/404)', async () => {
    const missing = ensureTripFiles(config(), ['2030-01'], record, undefined, FAST)
    await expect(missing).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/HTTP 403.*no file for 2030-01/) as unknown,
    })
    server.misbehave(JANUARY, {
      kind: 'respond',
      status: 404,
      contentType: 'text/plain',
      body: 'Not Found',
    })
    const notFound = ensureTripFiles(config(), ['2022-01'], record, undefined, FAST)
    await expect(notFound).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 404/) as unknown,
    })
    expect(server.hits(JANUARY)).toBe(1)
  })

  it('says in one sentence what could not be reached and where to put the files when offline', async () => {
    const port = await closedLocalPort()
    const offline = loadConfig(
      { DRIFTDESK_TRIP_DATA_URL: `http://127.0.0.1:${port}/trip-data` },
      { homeDir: home },
    )
    const attempt = ensureTripFiles(offline, ['2022-01'], record, undefined, FAST)
    const error = (await attempt.catch((caught: unknown) => caught)) as Error & { code: string }
    expect(error.code).toBe('DOWNLOAD_FAILED')
    expect(error.message).toBe(
      `Could not download ${JANUARY} because 127.0.0.1:${port} refused the connection (ECONNREFUSED): ` +
        `check the internet connection, or put ${JANUARY} in ${join(home, 'cache', 'tlc')} yourself, ` +
        'or pass --data-dir DIR with a folder that holds it.',
    )
    expect(events.some((event) => event.type === 'retrying')).toBe(false)
  })

  it('reports a name that does not resolve as unreachable', async () => {
    // The .invalid top-level domain never resolves (RFC 2606), so this needs no network.
    const offline = loadConfig(
      { DRIFTDESK_TRIP_DATA_URL: 'http://tlc.invalid/trip-data' },
      { homeDir: home },
    )
    await expect(
      ensureTripFiles(offline, ['2022-01'], record, undefined, FAST),
    ).rejects.toMatchObject({
      code: 'DOWNLOAD_FAILED',
      message: expect.stringMatching(/tlc\.invalid could not be resolved .*yourself/) as unknown,
    })
  })

  it('stops when cancelled and keeps no partial file', async () => {
    server.misbehave(JANUARY, { kind: 'cut', afterBytes: 100_000, times: 99 })
    const controller = new AbortController()
    const attempt = ensureTripFiles(
      config(),
      ['2022-01'],
      (event) => {
        if (event.type === 'retrying') controller.abort()
      },
      controller.signal,
      { ...FAST, retryDelayMs: 60_000 },
    )
    await expect(attempt).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(join(home, 'cache', 'tlc'))).toEqual([])
  })

  describe('with --data-dir', () => {
    let dataDir: string
    beforeEach(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'driftdesk-data-dir-'))
    })
    afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

    it('uses files already there and never touches the network', async () => {
      writeFileSync(join(dataDir, JANUARY), source.get(JANUARY)!)
      const [file] = await ensureTripFiles(
        config({ DRIFTDESK_DATA_DIR: dataDir }),
        ['2022-01'],
        record,
      )
      expect(file).toMatchObject({
        status: 'present',
        source: 'data-dir',
        path: join(dataDir, JANUARY),
      })
      expect(server.requests).toHaveLength(0)
    })

    it('names the missing file, the folder and the fetch command', async () => {
      await expect(
        ensureTripFiles(config({ DRIFTDESK_DATA_DIR: dataDir }), ['2022-02'], record),
      ).rejects.toMatchObject({
        code: 'DATA_FILE_MISSING',
        message: `${FEBRUARY} is not in the data folder ${dataDir}: put the TLC file there, or run \`npm run driftdesk -- fetch --months 2022-02\` without --data-dir to download it into the cache.`,
      })
      expect(server.requests).toHaveLength(0)
    })

    it('refuses a broken file there without replacing it', async () => {
      const broken = source.get(JANUARY)!.subarray(0, 1000)
      writeFileSync(join(dataDir, JANUARY), broken)
      await expect(
        ensureTripFiles(config({ DRIFTDESK_DATA_DIR: dataDir }), ['2022-01'], record),
      ).rejects.toMatchObject({ code: 'DATA_FILE_INVALID' })
      expect(readFileSync(join(dataDir, JANUARY)).length).toBe(1000)
      expect(server.requests).toHaveLength(0)
    })
  })
})

describe('ensureTripFiles over HTTPS', () => {
  it('refuses an untrusted certificate at once, with advice instead of retries', async () => {
    const work = mkdtempSync(join(tmpdir(), 'driftdesk-tls-'))
    const { key, cert } = selfSignedCertificate(work)
    const server = await TlcFileServer.start(new Map(), { tls: { key, cert } })
    const events: TripFileProgress[] = []
    try {
      const config = loadConfig({ DRIFTDESK_TRIP_DATA_URL: server.baseUrl }, { homeDir: work })
      await expect(
        ensureTripFiles(config, ['2022-01'], (event) => events.push(event), undefined, FAST),
      ).rejects.toMatchObject({
        code: 'DOWNLOAD_FAILED',
        message: expect.stringMatching(
          /because the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT; .*NODE_EXTRA_CA_CERTS\)/,
        ) as unknown,
      })
      expect(events.some((event) => event.type === 'retrying')).toBe(false)
      expect(server.requests).toHaveLength(0)
    } finally {
      await server.close()
      rmSync(work, { recursive: true, force: true })
    }
  })
})
