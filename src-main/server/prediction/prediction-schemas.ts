import type { Static } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { TripRecordSchema } from '../../services/serving/trip-record-schema'
import type { BodyWording } from './request-validation'

/** POST /predict: one trip record, or a batch of them. */
export const PredictBodySchema = Type.Union([TripRecordSchema, Type.Array(TripRecordSchema)])

const RequestId = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'the requestId a /predict answer gave',
})

/** POST /feedback: the actual duration of a predicted ride. */
export const FeedbackBodySchema = Type.Object(
  {
    requestId: RequestId,
    durationMin: Type.Number({ description: 'the trip’s actual duration in minutes' }),
  },
  { additionalProperties: false },
)
export type FeedbackBody = Static<typeof FeedbackBodySchema>

export const FEEDBACK_WORDING: BodyWording = {
  subject: 'feedback',
  describeField: (name) =>
    name === 'requestId'
      ? 'the requestId (a UUID) a /predict answer gave'
      : name === 'durationMin'
        ? "a number (the trip's actual duration in minutes)"
        : null,
  unknownFieldHint: ' (feedback has requestId and durationMin)',
  missingFieldHint: '',
}

const SinglePredictionSchema = Type.Object({
  requestId: Type.String(),
  durationMin: Type.Number(),
  modelVersion: Type.String(),
})
const BatchPredictionSchema = Type.Object({
  modelVersion: Type.String(),
  predictions: Type.Array(Type.Object({ requestId: Type.String(), durationMin: Type.Number() })),
})
export const PredictResponseSchema = Type.Union([SinglePredictionSchema, BatchPredictionSchema])
export type PredictResponse = Static<typeof PredictResponseSchema>

export const FeedbackResponseSchema = Type.Object({
  requestId: Type.String(),
  stored: Type.Union([Type.Literal('stored'), Type.Literal('replaced')]),
})

export const HealthResponseSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  modelVersion: Type.String(),
  pendingLogRows: Type.Integer(),
})
export type HealthResponse = Static<typeof HealthResponseSchema>

/** Every error answer: the HTTP status, its name, one sentence, and the offending field when there is one. */
export const ErrorResponseSchema = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
})
export type ErrorResponse = Static<typeof ErrorResponseSchema>
