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
  /**
   * Trips per /predict request (default 1: one ride, one request). Above 1, consecutive trips are sent
   * as one JSON array, in pickup order: at speed max up to `batch` trips per request; at a finite speed
   * only the trips due before the clock next waits (the same tick), so pacing is kept. Feedback then
   * goes out in arrays too (POST /feedback with an array), each item once its prediction was answered.
   */
  readonly batch?: number
  /**
   * Share of the trips with a duration whose feedback is posted (default 1: all), spread evenly over
   * the month in file order (trip i is picked when ⌊(i+1)·share⌋ > ⌊i·share⌋), so a share is reproducible.
   */
  readonly feedbackShare?: number
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
  /** Feedback left out by `feedbackShare` below 1. */
  readonly feedbackOmitted: number
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
  const batchSize = options.batch ?? 1
  const feedbackShare = options.feedbackShare ?? 1
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new RangeError(`batch must be a whole number of trips ≥ 1 (got ${batchSize})`)
  if (!(feedbackShare >= 0 && feedbackShare <= 1))
    throw new RangeError(`feedbackShare must be from 0 to 1 (got ${feedbackShare})`)
  const wantsFeedback = (trip: number): boolean =>
    feedbackShare === 1 || Math.floor((trip + 1) * feedbackShare) > Math.floor(trip * feedbackShare)
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
  let feedbackOmitted = 0
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

  /** Trips waiting to go out in the next /predict request, each with the settle of its request id. */
  let pending: { trip: number; settle: (id: string | null) => void }[] = []
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return
    const trips = pending
    pending = []
    await acquire()
    predictionsSent += trips.length
    const first = trips[0]!.trip
    const what =
      trips.length === 1 ? `trip ${first} /predict` : `trips ${first}… (${trips.length}) /predict`
    // A batch is a JSON array (the service answers `predictions`, one per ride, in order); with
    // --batch 1 the body stays one ride, as the service's single-ride form.
    const body = batchSize === 1 ? plan.record(first) : trips.map(({ trip }) => plan.record(trip))
    const answered = sendWithRetry('/predict', body, what)
      .then((answer) => {
        if (answer === null) return trips.forEach(({ settle }) => settle(null))
        const answerBody = answer.body as {
          requestId?: unknown
          predictions?: { requestId?: unknown }[]
        } | null
        const ids =
          batchSize === 1
            ? [answerBody?.requestId]
            : (answerBody?.predictions ?? []).map((p) => p.requestId)
        if (ids.length !== trips.length || ids.some((id) => typeof id !== 'string')) {
          fail(`${what}: the answer carries no requestId for every trip`)
          return trips.forEach(({ settle }) => settle(null))
        }
        trips.forEach(({ settle }, k) => {
          const id = ids[k] as string
          predictionsAnswered++
          options.onAnswered?.(id)
          settle(id)
        })
      })
      .finally(release)
    track(answered)
  }

  /** Answered trips whose feedback waits to go out in the next /feedback batch (with --batch > 1). */
  let feedbackPending: { trip: number; requestId: string }[] = []
  const flushFeedback = async (): Promise<void> => {
    if (feedbackPending.length === 0) return
    const items = feedbackPending
    feedbackPending = []
    await acquire()
    feedbackSent += items.length
    const what = `trips ${items[0]!.trip}… (${items.length}) /feedback`
    try {
      // POST /feedback with an array: one statement in the service, a result per item in order.
      const answer = await sendWithRetry(
        '/feedback',
        items.map(({ trip, requestId }) => ({ requestId, actual: plan.durationMin(trip) })),
        what,
      )
      const results = (answer?.body as { results?: { statusCode?: unknown }[] } | null)?.results
      if (answer === null) return
      if (!Array.isArray(results) || results.length !== items.length) {
        fail(`${what}: the answer carries no result for every feedback`)
        return
      }
      results.forEach((result, k) => {
        if (result.statusCode !== undefined)
          fail(
            `trip ${items[k]!.trip} /feedback: HTTP ${String(result.statusCode)} (unknown requestId)`,
          )
      })
    } finally {
      release()
    }
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
      if (wait > 1) {
        // The trips due so far go out before the clock waits: a batch never holds a trip back.
        await flush()
        await flushFeedback()
        await sleep(wait)
      }
    }
    if (now() - lastProgress >= 500) {
      lastProgress = now()
      options.onProgress?.(progress())
    }
    if (event.kind === 'predict') {
      const trip = event.trip
      let settle: (id: string | null) => void = () => undefined
      requestIds.set(trip, new Promise<string | null>((resolve) => (settle = resolve)))
      pending.push({ trip, settle })
      if (pending.length >= batchSize) await flush()
    } else if (!wantsFeedback(event.trip)) {
      feedbackOmitted++
      requestIds.delete(event.trip)
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
          if (batchSize > 1) {
            feedbackPending.push({ trip, requestId: id })
            if (feedbackPending.length >= batchSize) await flushFeedback()
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
  if (stoppedBecause === null) await flush()
  else pending.forEach(({ settle }) => settle(null))
  // Feedback still waiting for its prediction's answer joins the buffer as answers come; drain both.
  while (tasks.size > 0 || feedbackPending.length > 0) {
    await Promise.all([...tasks])
    if (options.signal?.aborted) {
      // Cancelled: what has not gone out stays out, as feedback of unanswered trips does.
      feedbackSkipped += feedbackPending.length
      feedbackPending = []
    }
    await flushFeedback()
  }
  const final = progress()
  options.onProgress?.(final)
  const withFeedback = plan.events.filter((event) => event.kind === 'feedback').length
  return {
    ...final,
    trips: plan.tripCount,
    tripsWithoutFeedback: plan.tripCount - withFeedback,
    feedbackSkipped,
    feedbackOmitted,
    retries,
    stoppedBecause,
  }
}
