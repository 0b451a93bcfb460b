import type { TripReplayPlan } from './trip-replay-plan'

/** An HTTP answer as the replay needs it. */
export interface ReplayAnswer {
  readonly status: number
  readonly body: unknown
  /** Seconds the service asked to wait (Retry-After), when it did. */
  readonly retryAfterSeconds?: number
}

/** Sends one JSON body to a path of the service; rejects on a connection failure. */
export type ReplaySend = (path: '/predict' | '/feedback', body: unknown) => Promise<ReplayAnswer>

export interface ReplayOptions {
  /** Seconds of trip time per second of wall time; null sends as fast as the in-flight bound allows. */
  readonly speed: number | null
  /** Requests in flight at once. */
  readonly concurrency: number
  /** How long a refused request (503) is retried before it counts as failed, in ms (default 30 s). */
  readonly retryForMs?: number
  readonly signal?: AbortSignal
  /** Told every answered prediction's request id (e.g. to write them to a file). */
  readonly onAnswered?: (requestId: string) => void
  /** Told of progress about twice a second. */
  readonly onProgress?: (progress: ReplayProgress) => void
  /** Told of each failed request (the first few are worth printing). */
  readonly onFailure?: (failure: string) => void
  /** Injected for tests; defaults to real timers. */
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

export interface ReplayProgress {
  /** Trip time the replay has reached (µs since the epoch, the file's wall clock). */
  readonly tripTimeUs: number
  readonly predictionsSent: number
  readonly predictionsAnswered: number
  readonly feedbackSent: number
  readonly failed: number
  readonly elapsedMs: number
}

export interface ReplaySummary extends ReplayProgress {
  readonly trips: number
  /** Trips whose duration could not be computed (a null time): no feedback. */
  readonly tripsWithoutFeedback: number
  /** Feedback not sent because its prediction failed. */
  readonly feedbackSkipped: number
  /** 503 answers retried. */
  readonly retries: number
  /** Why the replay stopped early, or null when it sent everything. */
  readonly stoppedBecause: string | null
}

/** Connection failures after which the service is taken as gone and the replay stops. */
const CONNECTION_FAILURES_TO_STOP = 20

/**
 * Replays a planned month against a running prediction service: each trip's whole record to /predict at
 * its pickup time, its feedback to /feedback at its drop-off, on a clock running `speed` seconds of trip
 * time per second (or as fast as allowed), at most `concurrency` requests in flight. A 503 (the service
 * overloaded or its database away) is retried after its Retry-After for up to `retryForMs`; any other
 * error answer or connection failure counts as failed. When the service stops answering (many
 * connection failures), the replay stops and says so.
 */
export async function replayTrips(
  plan: TripReplayPlan,
  send: ReplaySend,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const now = options.now ?? (() => performance.now())
  const retryForMs = options.retryForMs ?? 30_000
  const startedAt = now()
  const requestIds = new Map<number, Promise<string | null>>()
  let inFlight = 0
  const waiting: (() => void)[] = []
  const acquire = async (): Promise<void> => {
    if (inFlight < options.concurrency) {
      inFlight++
      return
    }
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  const release = (): void => {
    const next = waiting.shift()
    if (next !== undefined) next()
    else inFlight--
  }
  let predictionsSent = 0
  let predictionsAnswered = 0
  let feedbackSent = 0
  let feedbackSkipped = 0
  let failed = 0
  let retries = 0
  let connectionFailures = 0
  let stoppedBecause: string | null = null
  let tripTimeUs = plan.startUs
  const fail = (what: string): void => {
    failed++
    options.onFailure?.(what)
  }

  /** Sends with retries on 503; resolves the answer, or null after a failure (already counted). */
  const sendWithRetry = async (
    path: '/predict' | '/feedback',
    body: unknown,
    what: string,
  ): Promise<ReplayAnswer | null> => {
    const firstTry = now()
    for (;;) {
      let answer: ReplayAnswer
      try {
        answer = await send(path, body)
      } catch (error) {
        connectionFailures++
        if (connectionFailures >= CONNECTION_FAILURES_TO_STOP && stoppedBecause === null)
          stoppedBecause = `the service stopped answering (${(error as Error).message})`
        fail(`${what}: no answer (${(error as Error).message})`)
        return null
      }
      connectionFailures = 0
      if (answer.status === 503 && now() - firstTry < retryForMs && !options.signal?.aborted) {
        retries++
        await sleep(Math.min(5, answer.retryAfterSeconds ?? 1) * 1000)
        continue
      }
      if (answer.status >= 200 && answer.status < 300) return answer
      const message = (answer.body as { message?: unknown } | null)?.message
      fail(`${what}: HTTP ${answer.status} ${typeof message === 'string' ? message : ''}`.trim())
      return null
    }
  }

  let lastProgress = startedAt
  const progress = (): ReplayProgress => ({
    tripTimeUs,
    predictionsSent,
    predictionsAnswered,
    feedbackSent,
    failed,
    elapsedMs: now() - startedAt,
  })
  const tasks = new Set<Promise<void>>()
  const track = (task: Promise<void>): void => {
    tasks.add(task)
    void task.finally(() => tasks.delete(task))
  }

  for (const event of plan.events) {
    if (options.signal?.aborted) {
      stoppedBecause ??= 'cancelled'
      break
    }
    if (stoppedBecause !== null) break
    tripTimeUs = event.atUs
    if (options.speed !== null) {
      const dueMs = startedAt + (event.atUs - plan.startUs) / 1000 / options.speed
      const wait = dueMs - now()
      if (wait > 1) await sleep(wait)
    }
    if (now() - lastProgress >= 500) {
      lastProgress = now()
      options.onProgress?.(progress())
    }
    if (event.kind === 'predict') {
      await acquire()
      predictionsSent++
      const trip = event.trip
      const answered = sendWithRetry('/predict', plan.record(trip), `trip ${trip} /predict`)
        .then((answer) => {
          const id = (answer?.body as { requestId?: unknown } | null | undefined)?.requestId
          if (answer === null) return null
          if (typeof id !== 'string') {
            fail(`trip ${trip} /predict: the answer carries no requestId`)
            return null
          }
          predictionsAnswered++
          options.onAnswered?.(id)
          return id
        })
        .finally(release)
      requestIds.set(trip, answered)
      track(answered.then(() => undefined))
    } else {
      // Not awaited here: a short trip's feedback may follow its prediction within a few events, and
      // waiting for that answer would stall every request behind it.
      const trip = event.trip
      const requestId = requestIds.get(trip) ?? Promise.resolve(null)
      requestIds.delete(trip)
      track(
        requestId.then(async (id) => {
          if (id === null) {
            feedbackSkipped++
            return
          }
          await acquire()
          feedbackSent++
          try {
            await sendWithRetry(
              '/feedback',
              { requestId: id, actual: plan.durationMin(trip) },
              `trip ${trip} /feedback`,
            )
          } finally {
            release()
          }
        }),
      )
    }
  }
  await Promise.all([...tasks])
  const final = progress()
  options.onProgress?.(final)
  const withFeedback = plan.events.filter((event) => event.kind === 'feedback').length
  return {
    ...final,
    trips: plan.tripCount,
    tripsWithoutFeedback: plan.tripCount - withFeedback,
    feedbackSkipped,
    retries,
    stoppedBecause,
  }
}
