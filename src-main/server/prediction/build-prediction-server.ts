import { createHash, timingSafeEqual } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyInstance, FastifyServerOptions } from 'fastify'
import Fastify, { LogController } from 'fastify'
import { PredictionLogClosedError } from '../../adapters/postgres/prediction-log-writer'
import type { PredictionService } from '../../services/serving/prediction-service'
import type { TripRecord } from '../../services/serving/trip-record-schema'
import { TripRecordSchema } from '../../services/serving/trip-record-schema'
import { createHttpMetrics } from './http-metrics'
import type { ErrorResponse, FeedbackBody, HealthResponse } from './prediction-schemas'
import {
  ErrorResponseSchema,
  FEEDBACK_WORDING,
  FeedbackBodySchema,
  FeedbackResponseSchema,
  HealthResponseSchema,
  PredictBodySchema,
  PredictResponseSchema,
} from './prediction-schemas'
import {
  compileBodyValidator,
  compilePredictBodyValidator,
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
  /** Fastify's logger option (default off). Authorization headers are redacted whatever is passed. */
  readonly logger?: boolean | { level: string; stream?: NodeJS.WritableStream }
}

/** What a health check may take before the database counts as unreachable. */
const HEALTH_TIMEOUT_MS = 2_000

/**
 * The prediction service's HTTP app, built like Fastify's own examples: this factory returns the app
 * without listening, so tests call `inject()` and the CLI or a benchmark calls `listen()`.
 *
 * - `POST /predict`: one trip record or an array of them → the predicted duration(s) in minutes, a
 *   request id per ride and the model version; answered only after the log has committed the rides.
 * - `POST /feedback`: `{ requestId, durationMin }`, the actual outcome of a logged prediction.
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

  const metrics = createHttpMetrics(deps.pendingLogRows)
  const validatePredict = compilePredictBodyValidator<TripRecord>(TripRecordSchema, maxBatchRides)
  const validateFeedback = compileBodyValidator<FeedbackBody>(FeedbackBodySchema, FEEDBACK_WORDING)
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
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    )
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
          `No route ${request.method} ${request.url.split('?')[0]}; the service answers POST /predict, POST /feedback, GET /health and GET /metrics.`,
        ),
      ),
  )

  app.post(
    '/predict',
    {
      schema: {
        body: PredictBodySchema,
        response: { 200: PredictResponseSchema, 503: ErrorResponseSchema },
      },
      validatorCompiler: () => (body: unknown) => {
        try {
          validatePredict(body)
          return { value: body }
        } catch (error) {
          return { error: error as Error }
        }
      },
    },
    async (request, reply) => {
      const startedAtMs = performance.now()
      const receivedAt = new Date()
      if (deps.pendingLogRows() > maxPendingLogRows) {
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
      const body = request.body
      const rides = Array.isArray(body) ? body : [body]
      const answers = await deps.service.predict(rides, receivedAt, startedAtMs)
      metrics.countPredictions(answers.length)
      const modelVersion = deps.service.modelVersion
      if (Array.isArray(body)) return { modelVersion, predictions: answers }
      const [answer] = answers as [(typeof answers)[number]]
      return { requestId: answer.requestId, durationMin: answer.durationMin, modelVersion }
    },
  )

  app.post(
    '/feedback',
    {
      schema: {
        body: FeedbackBodySchema,
        response: { 200: FeedbackResponseSchema, 404: ErrorResponseSchema },
      },
      validatorCompiler: () => (body: unknown) => {
        try {
          return { value: validateFeedback(body) }
        } catch (error) {
          return { error: error as Error }
        }
      },
    },
    async (request, reply) => {
      const { requestId, durationMin } = request.body
      const outcome = await deps.service.recordFeedback(requestId, durationMin)
      if (outcome === 'unknown-request') {
        return reply.code(404).send({
          ...errorBody(
            404,
            `No prediction with requestId ${requestId} is in the log; send the requestId a /predict answer gave.`,
          ),
          field: '/requestId',
        })
      }
      return { requestId, stored: outcome }
    },
  )

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
  if (error instanceof PredictionLogClosedError) {
    return {
      status: 503,
      message: 'The service is shutting down; send the request to it again once it is back.',
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
