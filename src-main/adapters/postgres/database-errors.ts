import { AppError } from '../../shared/errors'

/**
 * Translation of pg / network errors into what the rest of driftdesk needs to know: is the database
 * unreachable (tell the user which host and what to do), and is an error worth retrying (the connection
 * was lost) or not (bad SQL, a constraint, bad input).
 */

/** The database cannot be reached; `message` is one sentence saying where and what to do. */
export class DatabaseUnreachableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DB_UNREACHABLE', message, options)
    this.name = 'DatabaseUnreachableError'
  }
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])

/**
 * Whether an error means the connection to PostgreSQL was lost or refused, so the same work may succeed
 * on a new connection: SQLSTATE class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
 * cannot connect now), 40001/40P01 (serialization failure, deadlock), Node socket errors, and pg's
 * "Connection terminated" errors which carry no code.
 */
export function isRetryableDatabaseError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return false
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') {
      if (code.startsWith('08')) return true
      if (code === '57P01' || code === '57P02' || code === '57P03') return true
      if (code === '40001' || code === '40P01') return true
      if (RETRYABLE_NETWORK_CODES.has(code)) return true
    }
    const message = (current as { message?: unknown }).message
    if (
      typeof message === 'string' &&
      /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
        message,
      )
    ) {
      return true
    }
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/**
 * Whether PostgreSQL refused the data itself: SQLSTATE class 22 (data exception: a date that does not
 * exist, U+0000 in text, a number out of range) or 21 (cardinality violation). Sending the same values
 * again fails again, so such an error is neither retried nor blamed on the database: it belongs to the
 * request that carried the values.
 */
export function isDataError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return false
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^2[12][0-9A-Z]{3}$/.test(code)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

/** Turns a failure to connect into one sentence naming the host and port and what to do. */
export function describeConnectionFailure(
  url: string,
  error: unknown,
  isEmbedded: boolean,
): string {
  let where = 'the database'
  try {
    const parsed = new URL(url)
    where = `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'} (database '${parsed.pathname.slice(1) || 'postgres'}')`
  } catch {
    // An unparsable URL is reported as-is below; the cause explains it.
  }
  const reason = error instanceof Error ? error.message : String(error)
  const advice = isEmbedded
    ? 'check the embedded database folder under your driftdesk home, or pass --database-url to use another PostgreSQL'
    : 'start that server (e.g. `docker compose up -d db`), check the host, port, user and password in --database-url / DATABASE_URL, or omit them to use the embedded database'
  return `Cannot connect to ${where}: ${reason}. To fix it, ${advice}. Nothing was changed.`
}
