import type { FileHandle } from 'node:fs/promises'
import { open, rename, rm, stat } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeBytePrefix } from './describe-byte-prefix'
import { DownloadError } from './download-error'

/**
 * Progress of one download, through one typed callback:
 * - `bytes`: throttled to about ten per second, plus one final event when the body is complete;
 * - `retry`: the connection broke or the body came short; the next attempt resumes or restarts.
 */
export type DownloadEvent =
  | {
      readonly type: 'bytes'
      readonly bytesDone: number
      /** `null` when the server sends no Content-Length. */
      readonly bytesTotal: number | null
      /** Average over the current attempt. */
      readonly bytesPerSecond: number
    }
  | {
      readonly type: 'retry'
      /** The attempt about to start (2 for the first retry). */
      readonly attempt: number
      readonly maxAttempts: number
      readonly delayMs: number
      readonly reason: string
      /** Bytes kept from earlier attempts: > 0 when the server supports Range requests. */
      readonly resumeFromBytes: number
    }

export interface DownloadOptions {
  readonly url: string
  /** Final path; the body is written to `<destination>.part` and renamed when complete and valid. */
  readonly destination: string
  readonly onEvent?: (event: DownloadEvent) => void
  readonly signal?: AbortSignal
  /** When the body must start with these bytes (Parquet's `PAR1`), anything else is refused at once. */
  readonly expectedPrefix?: Uint8Array
  /**
   * Checks a complete file (the `.part`, or the destination another download just produced); returns a
   * problem in words, or `null` when the file is good.
   */
  readonly validate?: (partPath: string) => Promise<string | null>
  /** Attempts in all, including the first (default 4). */
  readonly maxAttempts?: number
  /** Delay before the first retry, doubled for each further one (default 500 ms). */
  readonly retryDelayMs?: number
  /** A connection silent this long counts as cut (default 30 s). */
  readonly idleTimeoutMs?: number
  /** Minimum time between two `bytes` events (default 100 ms). */
  readonly progressIntervalMs?: number
  /**
   * A `.part` file not written for this long was left by a download that died, and is removed; a fresher
   * one belongs to a live download, which is followed instead (default 60 s, at least twice the idle timeout).
   */
  readonly staleAfterMs?: number
}

export interface DownloadResult {
  readonly bytes: number
  /** Requests made; 0 when another download fetched the file while this one waited. */
  readonly attempts: number
  /** True when a retry continued from bytes already on disk (HTTP Range) instead of starting over. */
  readonly resumed: boolean
}

/** Error codes that mean no connection could be made at all: retrying at once will not help. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'CONNECT_TIMEOUT',
])

const MAX_REDIRECTS = 5

/** One attempt's failure that a retry may fix (a cut connection, a short body, a 5xx). */
class RetryableFailure extends Error {}

interface ResumeState {
  /** The server answered `Accept-Ranges: bytes`, so a retry may ask for the rest only. */
  acceptsRanges: boolean
  /** ETag or Last-Modified, sent as If-Range so a resumed body is never glued onto another version's bytes. */
  validator: string | undefined
  resumed: boolean
}

/**
 * Downloads `url` to `destination` over HTTP(S): streams to `<destination>.part`, retries a cut connection
 * with exponential backoff (resuming with a Range request when the server allows it, else restarting),
 * treats a body shorter than its Content-Length as cut, fsyncs, validates, and renames atomically, so the
 * destination only ever holds a complete file. On failure the `.part` file is removed. The `.part` file is
 * created exclusively, so a second download of the same file (another job or process) waits for the first
 * and uses its file; a `.part` nobody has written for `staleAfterMs` is taken over.
 * @throws {DownloadError} with a `kind` the caller turns into advice (unreachable, http-status, …).
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const maxAttempts = options.maxAttempts ?? 4
  const partPath = `${options.destination}.part`
  const staleAfterMs =
    options.staleAfterMs ?? Math.max(60_000, 2 * (options.idleTimeoutMs ?? 30_000))
  // The .part file doubles as a lock: while another download (a second job, the CLI next to the app)
  // writes it, follow that one instead of racing it, then use its result if it is valid.
  while (!(await claimPartFile(partPath, staleAfterMs))) {
    await followOtherDownload(partPath, staleAfterMs, options)
    if (await isCompleteDestination(options)) {
      return { bytes: await fileSize(options.destination), attempts: 0, resumed: false }
    }
  }
  const state: ResumeState = { acceptsRanges: false, validator: undefined, resumed: false }
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const bytes = await attemptDownload(options, partPath, state)
        const problem = options.validate === undefined ? null : await options.validate(partPath)
        if (problem !== null)
          throw new DownloadError('invalid', options.url, problem, { attempts: attempt })
        await rename(partPath, options.destination)
        await syncDirectory(dirname(options.destination))
        return { bytes, attempts: attempt, resumed: state.resumed }
      } catch (error) {
        if (options.signal?.aborted === true) {
          throw new DownloadError('cancelled', options.url, 'the download was cancelled', {
            cause: error,
          })
        }
        if (!(error instanceof RetryableFailure)) throw error
        if (attempt >= maxAttempts) {
          throw new DownloadError(
            'interrupted',
            options.url,
            `${error.message}, and ${maxAttempts} attempts did not get the whole file`,
            { attempts: attempt, cause: error },
          )
        }
        const keptBytes = state.acceptsRanges ? await fileSize(partPath) : 0
        const delayMs = (options.retryDelayMs ?? 500) * 2 ** (attempt - 1)
        options.onEvent?.({
          type: 'retry',
          attempt: attempt + 1,
          maxAttempts,
          delayMs,
          reason: error.message,
          resumeFromBytes: keptBytes,
        })
        await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined)
      }
    }
  } catch (error) {
    await rm(partPath, { force: true })
    throw error
  }
}

/** Runs one request and appends its body to the .part file; resolves to the file's size when complete. */
async function attemptDownload(
  options: DownloadOptions,
  partPath: string,
  state: ResumeState,
): Promise<number> {
  const offset = state.acceptsRanges ? await fileSize(partPath) : 0
  const headers: Record<string, string> = {
    'user-agent': 'driftdesk',
    'accept-encoding': 'identity',
  }
  if (offset > 0) {
    headers.range = `bytes=${offset}-`
    if (state.validator !== undefined) headers['if-range'] = state.validator
  }
  const response = await request(options.url, headers, options)
  const status = response.statusCode ?? 0

  if (status === 416 && offset > 0) {
    response.resume()
    state.acceptsRanges = false
    throw new RetryableFailure(`the server refused to resume at byte ${offset}`)
  }
  if (status >= 500 || status === 408 || status === 429) {
    response.resume()
    throw new RetryableFailure(`the server answered HTTP ${status}`)
  }
  if (status !== 200 && status !== 206) {
    response.resume()
    throw new DownloadError('http-status', options.url, `the server answered HTTP ${status}`, {
      status,
    })
  }

  let start = 0
  let total: number | null = null
  if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '')
    if (range === null || Number(range[1]) !== offset) {
      response.destroy()
      state.acceptsRanges = false
      throw new RetryableFailure(
        `the server resumed at the wrong byte (${response.headers['content-range'] ?? 'no Content-Range'})`,
      )
    }
    start = offset
    total = range[3] === '*' ? null : Number(range[3])
    state.resumed = true
  } else {
    const length = Number(response.headers['content-length'])
    total =
      Number.isFinite(length) && response.headers['content-length'] !== undefined ? length : null
  }
  const etag = response.headers.etag
  // If-Range needs a strong validator: a weak ETag does not promise identical bytes; a date is the fallback.
  state.validator =
    etag !== undefined && !etag.startsWith('W/') ? etag : response.headers['last-modified']
  // Without a validator a resumed tail could come from a newer version of the file, so restart instead.
  state.acceptsRanges =
    (response.headers['accept-ranges'] === 'bytes' || status === 206) &&
    state.validator !== undefined

  const file = await open(partPath, start > 0 ? 'a' : 'w')
  let done = start
  try {
    done = await copyBody(response, file, start, total, options)
    await file.sync()
  } finally {
    await file.close()
  }
  if (total !== null && done < total) {
    throw new RetryableFailure(`the connection closed after ${done} of ${total} bytes`)
  }
  return done
}

/** Streams the response body into the open file, checking the prefix and reporting throttled progress. */
async function copyBody(
  response: http.IncomingMessage,
  file: FileHandle,
  start: number,
  total: number | null,
  options: DownloadOptions,
): Promise<number> {
  const intervalMs = options.progressIntervalMs ?? 100
  const startedAt = performance.now()
  let lastEventAt = -Infinity
  let done = start
  let prefix = start === 0 && options.expectedPrefix !== undefined ? Buffer.alloc(0) : null
  const report = (force: boolean): void => {
    const now = performance.now()
    if (!force && now - lastEventAt < intervalMs) return
    lastEventAt = now
    const seconds = Math.max((now - startedAt) / 1000, 1e-3)
    options.onEvent?.({
      type: 'bytes',
      bytesDone: done,
      bytesTotal: total,
      bytesPerSecond: (done - start) / seconds,
    })
  }
  report(true)
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (prefix !== null && options.expectedPrefix !== undefined) {
        prefix = Buffer.concat([prefix, chunk])
        const expected = options.expectedPrefix
        if (prefix.length >= expected.length) {
          if (!prefix.subarray(0, expected.length).equals(expected)) {
            response.destroy()
            throw new DownloadError(
              'unexpected-content',
              options.url,
              `the server sent ${describeBytePrefix(prefix.subarray(0, 64))} (Content-Type ${response.headers['content-type'] ?? 'unknown'})`,
              { status: response.statusCode },
            )
          }
          prefix = null
        }
      }
      await file.write(chunk)
      done += chunk.length
      report(false)
    }
  } catch (error) {
    if (error instanceof DownloadError || options.signal?.aborted === true) throw error
    throw new RetryableFailure(`the connection broke after ${done} bytes (${errorCode(error)})`, {
      cause: error,
    })
  }
  if (prefix !== null) {
    throw new DownloadError(
      'unexpected-content',
      options.url,
      `the server sent only ${done} bytes (${describeBytePrefix(prefix)})`,
    )
  }
  report(true)
  return done
}

/** GET with redirects followed; connection failures become `unreachable` or retryable failures. */
async function request(
  url: string,
  headers: Record<string, string>,
  options: DownloadOptions,
  redirects = 0,
): Promise<http.IncomingMessage> {
  const target = new URL(url)
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null
  if (client === null) {
    throw new DownloadError('unreachable', url, `the address is not http(s) (${target.protocol})`)
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    let incoming: http.IncomingMessage | undefined
    const req = client.get(target, { headers, signal: options.signal }, (message) => {
      incoming = message
      resolve(message)
    })
    let isConnected = false
    req.on('socket', (socket) => {
      socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        isConnected = true
      })
    })
    req.setTimeout(idleTimeoutMs, () => {
      const code = isConnected ? 'ETIMEDOUT' : 'CONNECT_TIMEOUT'
      const error = Object.assign(new Error(`no data for ${idleTimeoutMs / 1000} s`), { code })
      // Mid-body, the reader sees the response's error, so the timeout is given to it too (not ECONNRESET).
      incoming?.destroy(error)
      req.destroy(error)
    })
    req.on('error', (error) => {
      const code = errorCode(error)
      if (options.signal?.aborted === true) reject(error)
      else if (UNREACHABLE_CODES.has(code) || isCertificateError(code)) {
        reject(
          new DownloadError('unreachable', url, unreachableDetail(target, code), {
            systemCode: code,
            cause: error,
          }),
        )
      } else reject(new RetryableFailure(`the request failed (${code})`, { cause: error }))
    })
  })
  const status = response.statusCode ?? 0
  const location = response.headers.location
  if (status >= 300 && status < 400 && location !== undefined) {
    response.resume()
    if (redirects >= MAX_REDIRECTS) {
      throw new DownloadError(
        'http-status',
        url,
        `the server redirected more than ${MAX_REDIRECTS} times`,
        { status },
      )
    }
    return request(new URL(location, target).toString(), headers, options, redirects + 1)
  }
  return response
}

/**
 * OpenSSL's verification failures (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
 * ERR_TLS_CERT_ALTNAME_INVALID, …): the same certificate comes back on every retry, usually from a proxy.
 */
function isCertificateError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
}

function unreachableDetail(target: URL, code: string): string {
  const host = target.host
  if (isCertificateError(code)) {
    return `the TLS certificate of ${host} is not trusted (${code}; a proxy intercepting HTTPS? Node reads extra CAs from NODE_EXTRA_CA_CERTS)`
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the name ${target.hostname} could not be resolved (${code}; offline?)`
    case 'ECONNREFUSED':
      return `${host} refused the connection (${code})`
    case 'CONNECT_TIMEOUT':
      return `${host} did not accept a connection in time`
    default:
      return `${host} is not reachable (${code})`
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') return code
  return error instanceof Error ? error.message : String(error)
}

/** Creates the .part file exclusively; false when a live download holds it. Removes a stale one. */
async function claimPartFile(partPath: string, staleAfterMs: number): Promise<boolean> {
  for (;;) {
    try {
      await (await open(partPath, 'wx')).close()
      return true
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error
    }
    const info = await stat(partPath).catch(() => null)
    if (info !== null && Date.now() - info.mtimeMs < staleAfterMs) return false
    await rm(partPath, { force: true })
  }
}

/** Waits while another download writes the .part file, reporting its size as progress. */
async function followOtherDownload(
  partPath: string,
  staleAfterMs: number,
  options: DownloadOptions,
): Promise<void> {
  const startedAt = performance.now()
  let firstSize: number | null = null
  for (;;) {
    const info = await stat(partPath).catch(() => null)
    if (info === null || Date.now() - info.mtimeMs >= staleAfterMs) return
    firstSize ??= info.size
    const seconds = Math.max((performance.now() - startedAt) / 1000, 1e-3)
    options.onEvent?.({
      type: 'bytes',
      bytesDone: info.size,
      bytesTotal: null,
      bytesPerSecond: (info.size - firstSize) / seconds,
    })
    try {
      await sleep(250, undefined, { signal: options.signal })
    } catch (error) {
      throw new DownloadError('cancelled', options.url, 'the download was cancelled', {
        cause: error,
      })
    }
  }
}

/** After following another download: is its result in place and valid? */
async function isCompleteDestination(options: DownloadOptions): Promise<boolean> {
  const exists = await stat(options.destination).then(
    (info) => info.isFile(),
    () => false,
  )
  if (!exists) return false
  return options.validate === undefined || (await options.validate(options.destination)) === null
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0 // no .part yet: nothing to resume
  }
}

/** Makes the rename durable: on Linux a directory entry reaches the disk only with an fsync of the folder. */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(path, 'r')
    await handle.sync()
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename itself is still atomic there.
  } finally {
    await handle?.close()
  }
}
