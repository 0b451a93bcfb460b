import { createHash, timingSafeEqual } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'
import Fastify, { LogController } from 'fastify'
import { isDataError } from '../../adapters/postgres/database-errors'
import { PredictionFeedbackClosedError } from '../../adapters/postgres/prediction-feedback-writer'
import { PredictionLogClosedError } from '../../adapters/postgres/prediction-log-writer'
import type { PredictionService } from '../../services/serving/prediction-service'
import { NoModelError } from '../../services/serving/prediction-service'
import type { ServiceHealthRecorder } from '../../services/serving/service-health-recorder'
import { createHttpMetrics } from './http-metrics'
import type { ErrorResponse, HealthResponse } from './prediction-schemas'
import {
  ErrorResponseSchema,
  FeedbackResponseSchema,
  feedbackBodySchema,
  feedbackWording,
  HealthResponseSchema,
  logRowSchema,
  LogResponseSchema,
  PredictResponseSchema,
} from './prediction-schemas'
import {
  compileBodyValidator,
  compilePredictBodyValidator,
  recordWording,
  RequestBodyError,
} from './request-validation'

export interface PredictionServerDeps {
  readonly service: PredictionService
  /** Resolves when PostgreSQL answers, rejects when it does not (for /health). */
  readonly checkDatabase: () => Promise<void>
  /** Rows the log writer has not committed yet (for /health, /metrics and the overload guard). */
  readonly pendingLogRows: () => number
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly token?: string | null
  /** Largest accepted body in bytes (default 1 MiB); a larger one is a 413. */
  readonly bodyLimitBytes?: number
  /** Most rides in one batch (default 1,000). */
  readonly maxBatchRides?: number
  /**
   * Beyond this many rides waiting for the log, new predictions are refused with a 503 (default 50,000):
   * a flood is turned away instead of growing memory without bound.
   */
  readonly maxPendingLogRows?: number
  /** Service health per window: every request but /health and /metrics is observed. */
  readonly health?: ServiceHealthRecorder
  /** Fastify's logger option (default off). Authorization headers are redacted whatever is passed. */
  readonly logger?: boolean | { level: string; stream?: NodeJS.WritableStream }
}

/** What a health check may take before the database counts as unreachable. */
const HEALTH_TIMEOUT_MS = 2_000

/**
 * The prediction service's HTTP app, built like Fastify's own examples: this factory returns the app
 * without listening, so tests call `inject()` and the CLI or a benchmark calls `listen()`.
 *
 * - `POST /predict`: one record of the served project or an array of them → the prediction(s) (for the
 *   taxi the duration in minutes), a request id per row and the model version; answered only after the
 *   log has committed the rows. A project without a model in driftdesk answers 409 (use /log).
 * - `POST /log`: rows that already carry their prediction (a model elsewhere), logged the same way.
 * - `POST /feedback`: `{ requestId, actual }` (taxi: or `durationMin`), the actual outcome of a logged
 *   prediction; a second one replaces the first. An array of them (distinct ids, at most
 *   `maxBatchRides`) is stored in one statement and answers 200 with a result per item, an unknown id
 *   a 404 for its item alone.
 * - `GET /health`: 200 `ok`, or 503 `degraded` when PostgreSQL does not answer.
 * - `GET /metrics`: Prometheus text format.
 * Every error is JSON `{ statusCode, error, message, field? }` with one sentence saying what to fix.
 */
export function buildPredictionServer(deps: PredictionServerDeps): FastifyInstance {
  const maxBatchRides = deps.maxBatchRides ?? 1_000
  const maxPendingLogRows = deps.maxPendingLogRows ?? 50_000
  const bodyLimit = deps.bodyLimitBytes ?? 1024 * 1024
  const logger: FastifyServerOptions['logger'] =
    deps.logger === undefined || deps.logger === false
      ? false
      : {
          ...(deps.logger === true ? { level: 'info' } : deps.logger),
          // Fastify's request serializer prints no headers; this keeps it so if a header is ever logged.
          redact: ['req.headers.authorization', 'headers.authorization', 'authorization'],
        }
  const app = Fastify({
    logger,
    bodyLimit,
    // One line per request would cost more than a prediction; errors and lifecycle are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // A slow or stalled client cannot hold a connection open for ever.
    requestTimeout: 30_000,
    // Keep-alive connections idle at shutdown are closed; busy ones finish their request first.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const metrics = createHttpMetrics(deps.pendingLogRows, () => deps.health?.lastWindow ?? null)
  const project = deps.service.project
  type Row = Record<string, unknown>
  const validatePredict = compilePredictBodyValidator<Row>(
    project.recordSchema,
    maxBatchRides,
    recordWording(project),
  )
  const validateLog = compilePredictBodyValidator<Row>(
    logRowSchema(project),
    maxBatchRides,
    recordWording(project, project.predictionField),
  )
  const validateFeedback = compileBodyValidator<Record<string, unknown>>(
    feedbackBodySchema(project),
    feedbackWording(project),
  )
  const tokenDigest = deps.token === undefined || deps.token === null ? null : sha256(deps.token)

  if (tokenDigest !== null) {
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization ?? ''
      const presented = header.startsWith('Bearer ') ? header.slice(7).trim() : ''
      // Equal-length digests: the comparison takes the same time whatever the presented token is.
      if (presented === '' || !timingSafeEqual(sha256(presented), tokenDigest)) {
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send(
            errorBody(
              401,
              'This service requires a bearer token: send the header Authorization: Bearer <token>, with the token from the file `serve` printed at start.',
            ),
          )
      }
    })
  }

  // Fastify closes the keep-alive connections that are idle when close() starts; a connection busy then
  // would stay open after its answer until the keep-alive timeout (72 s), holding shutdown. Answers sent
  // while closing therefore say `Connection: close`, and Node ends the socket after them.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close')
    return payload
  })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000)
    if (route !== '/health' && route !== '/metrics')
      deps.health?.observe(reply.statusCode, reply.elapsedTime)
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, message, field } = describeError(error, bodyLimit, maxBatchRides)
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    return reply
      .code(status)
      .send({ ...errorBody(status, message), ...(field === undefined ? {} : { field }) })
  })

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          404,
          `No route ${request.method} ${request.url.split('?')[0]}; the service answers POST /predict, POST /log, POST /feedback, GET /health and GET /metrics.`,
        ),
      ),
  )

  /** The overload guard: a 503 when the log is too far behind, else null. */
  const refuseWhenOverloaded = (reply: FastifyReply): FastifyReply | null => {
    if (deps.pendingLogRows() <= maxPendingLogRows) return null
    return reply
      .code(503)
      .header('retry-after', '1')
      .send(
        errorBody(
          503,
          `The service is overloaded (${deps.pendingLogRows()} predictions waiting for the log); retry in a second or send batches.`,
        ),
      )
  }

  app.post(
    '/predict',
    { schema: { response: { 200: PredictResponseSchema } } },
    async (request, reply) => {
      const startedAtMs = performance.now()
      const receivedAt = new Date()
      if (deps.service.modelVersion === null) throw new NoModelError(project.name)
      const { rides, isBatch } = validatePredict(request.body)
      const refused = refuseWhenOverloaded(reply)
      if (refused !== null) return refused
      const answers = await deps.service.predict(rides, receivedAt, startedAtMs)
      metrics.countPredictions(answers.length)
      const modelVersion = deps.service.modelVersion
      if (isBatch) return { modelVersion, predictions: answers }
      const [answer] = answers as [(typeof answers)[number]]
      return { requestId: answer.requestId, durationMin: answer.durationMin, modelVersion }
    },
  )

  app.post('/log', { schema: { response: { 200: LogResponseSchema } } }, async (request, reply) => {
    const startedAtMs = performance.now()
    const receivedAt = new Date()
    const { rides, isBatch } = validateLog(request.body)
    const versionHeader = request.headers['x-model-version']
    const modelVersion = typeof versionHeader === 'string' ? versionHeader : 'external'
    if (modelVersion === '' || modelVersion.length > 100) {
      throw new RequestBodyError(
        'x-model-version',
        'The header X-Model-Version must name your model version in 1 to 100 characters.',
      )
    }
    const refused = refuseWhenOverloaded(reply)
    if (refused !== null) return refused
    const field = project.predictionField
    const rows = rides.map((row) => {
      const { [field]: prediction, ...record } = row
      return { record, prediction: prediction as number }
    })
    const answers = await deps.service.logPredicted(rows, receivedAt, startedAtMs, modelVersion)
    metrics.countPredictions(answers.length)
    if (isBatch) return { modelVersion, logged: answers.map((a) => ({ requestId: a.requestId })) }
    return { requestId: (answers[0] as (typeof answers)[number]).requestId, modelVersion }
  })

  /** One feedback item as the service stores it; a 400 naming the field when `actual` is missing. */
  const feedbackItem = (
    body: Record<string, unknown>,
    at: string,
  ): { requestId: string; actual: number | string } => {
    const actual = (body.actual ?? body.durationMin) as number | string | undefined
    if (actual === undefined) {
      throw new RequestBodyError(
        `${at}/actual`,
        `${at === '' ? '' : `Feedback ${at.slice(1)} of the batch: `}Missing field 'actual': the actual ${project.target.column} of the prediction${project.target.kind === 'number' && project.name === 'nyc-taxi' ? ' (or durationMin, in minutes)' : ''}.`,
      )
    }
    return { requestId: body.requestId as string, actual }
  }
  const unknownRequest = (requestId: string): string =>
    `No prediction with requestId ${requestId} is in the log; send the requestId a /predict or /log answer gave.`

  app.post(
    '/feedback',
    { schema: { response: { 200: FeedbackResponseSchema, 404: ErrorResponseSchema } } },
    async (request, reply) => {
      if (Array.isArray(request.body)) {
        const items = validateFeedbackBatch(request.body)
        const outcomes = await deps.service.recordFeedbackBatch(items)
        const results = items.map(({ requestId }, i) => {
          const outcome = outcomes[i]
          return outcome === 'stored' || outcome === 'replaced'
            ? { requestId, stored: outcome }
            : { requestId, ...errorBody(404, unknownRequest(requestId)), statusCode: 404 as const }
        })
        const unknown = results.filter((result) => 'statusCode' in result).length
        return { stored: results.length - unknown, unknown, results }
      }
      const { requestId, actual } = feedbackItem(validateFeedback(request.body), '')
      const outcome = await deps.service.recordFeedback(requestId, actual)
      if (outcome === 'unknown-request') {
        return reply
          .code(404)
          .send({ ...errorBody(404, unknownRequest(requestId)), field: '/requestId' })
      }
      return { requestId, stored: outcome }
    },
  )

  /** A feedback batch: non-empty, at most `maxBatchRides` items, each valid, no request id twice. */
  function validateFeedbackBatch(
    body: unknown[],
  ): { requestId: string; actual: number | string }[] {
    if (body.length === 0)
      throw new RequestBodyError('', 'The batch is empty; send at least one feedback.')
    if (body.length > maxBatchRides) {
      throw new RequestBodyError(
        '',
        `The batch holds ${body.length} feedbacks; send at most ${maxBatchRides} per request.`,
      )
    }
    const seen = new Map<string, number>()
    return body.map((entry, i) => {
      let valid: Record<string, unknown>
      try {
        valid = validateFeedback(entry)
      } catch (error) {
        if (!(error instanceof RequestBodyError)) throw error
        throw new RequestBodyError(
          `/${i}${error.field}`,
          `Feedback ${i} of the batch: ${error.message}`,
        )
      }
      const item = feedbackItem(valid, `/${i}`)
      const key = item.requestId.toLowerCase()
      const earlier = seen.get(key)
      if (earlier !== undefined) {
        throw new RequestBodyError(
          `/${i}/requestId`,
          `Feedback ${i} of the batch repeats the requestId of feedback ${earlier}; send each request's outcome once per batch (a later request replaces it).`,
        )
      }
      seen.set(key, i)
      return item
    })
  }

  app.get(
    '/health',
    { schema: { response: { 200: HealthResponseSchema, 503: HealthResponseSchema } } },
    async (_request, reply) => {
      const reachable = await withTimeout(deps.checkDatabase(), HEALTH_TIMEOUT_MS).then(
        () => true,
        () => false,
      )
      const body: HealthResponse = {
        status: reachable ? 'ok' : 'degraded',
        project: project.name,
        database: reachable ? 'ok' : 'unreachable',
        modelVersion: deps.service.modelVersion,
        pendingLogRows: deps.pendingLogRows(),
      }
      return reply.code(reachable ? 200 : 503).send(body)
    },
  )

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics()
    return reply.header('content-type', metrics.registry.contentType).send(text)
  })

  return app
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

function errorBody(statusCode: number, message: string): ErrorResponse {
  return { statusCode, error: STATUS_NAMES[statusCode] ?? 'Error', message }
}

/** An error thrown anywhere in a request, as the status and sentence the client gets. */
function describeError(
  error: FastifyError,
  bodyLimit: number,
  maxBatchRides: number,
): { status: number; message: string; field?: string } {
  if (error instanceof RequestBodyError) {
    return { status: 400, message: error.message, field: error.field }
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        message: `The body is larger than ${bodyLimit} bytes; send at most ${maxBatchRides} rides per request, in several requests.`,
      }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        message: 'Send the body as JSON with the header Content-Type: application/json.',
      }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        message: 'The body is empty; send one ride (a JSON object) or a batch (a JSON array).',
      }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: `The body is not valid JSON (${error.message}).` }
    default:
      break
  }
  if (error instanceof NoModelError) return { status: 409, message: error.message }
  if (error instanceof PredictionLogClosedError || error instanceof PredictionFeedbackClosedError) {
    return {
      status: 503,
      message: 'The service is shutting down; send the request to it again once it is back.',
    }
  }
  if (isDataError(error)) {
    // PostgreSQL refused a value this request carried (the group commit wrote it alone, so no other
    // request failed with it): sending it again would fail again, so this is the client's 400, not a 503.
    return {
      status: 400,
      message: `The database refused a value in this request (${error.message}); nothing of this request was logged or stored. Correct the value and send the request again.`,
    }
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return { status: 400, message: `The body is not valid JSON (${error.message}).` }
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, message: error.message }
  }
  // Anything else on /predict or /feedback is the database failing: nothing was logged or stored.
  return {
    status: 503,
    message: `The prediction log did not answer (${error.message}); nothing was logged or stored for this request, retry it once the database is back (GET /health).`,
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}
