import { isRetryableDatabaseError } from '../../adapters/postgres/database-errors'

/**
 * Prefect's task retry settings: how many retries, the base delay, exponential backoff and jitter
 * (https://docs.prefect.io/v3/how-to-guides/workflows/retries).
 */
export interface RetryPolicy {
  /** Retries after the first attempt (Prefect `retries`); 2 means at most 3 attempts. */
  readonly retries: number
  /** Delay before the first retry, in seconds (Prefect `retry_delay_seconds`). */
  readonly delaySeconds: number
  /** Multiply the delay by 2 for each further retry (Prefect's `exponential_backoff(backoff_factor)`). */
  readonly exponentialBackoff: boolean
  /** Up to this fraction of the delay is added at random (Prefect `retry_jitter_factor`). */
  readonly jitterFactor: number
}

/** The course homework's `@task(retries=2, retry_delay_seconds=5)`, with backoff and a little jitter. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 2,
  delaySeconds: 5,
  exponentialBackoff: true,
  jitterFactor: 0.2,
}

/**
 * Seconds to wait before retry number `retry` (1-based): `delay × 2^(retry-1)` with backoff, then up to
 * `jitterFactor × delay` added, drawn from the injected `random()` in [0, 1).
 * @example retryDelaySeconds({ retries: 3, delaySeconds: 5, exponentialBackoff: true, jitterFactor: 0 }, 3) → 20
 */
export function retryDelaySeconds(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(retry) || retry < 1)
    throw new RangeError(`retry must be 1 or more (got ${retry}).`)
  const base = policy.exponentialBackoff
    ? policy.delaySeconds * 2 ** (retry - 1)
    : policy.delaySeconds
  return base + base * policy.jitterFactor * random()
}

/**
 * Whether a failed task is worth another attempt: a lost or refused database connection, or a compute
 * worker that died. A corrupt input file, a missing column or bad SQL fails the same way every time.
 */
export function isRetryableError(error: unknown): boolean {
  if (
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === true
  ) {
    return true
  }
  return isRetryableDatabaseError(error)
}
