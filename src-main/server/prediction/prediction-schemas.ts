import type { Static, TObject } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { COURSE_PROJECT } from '../../core/project/course-project'
import type { ServedProject } from '../../services/serving/served-project'
import type { BodyWording } from './request-validation'

const RequestId = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'the requestId a /predict or /log answer gave',
})

/** POST /log: one row of the project's columns plus the prediction a model elsewhere made. */
export function logRowSchema(project: ServedProject): TObject {
  return Type.Object(
    { ...project.recordSchema.properties, [project.predictionField]: Type.Number() },
    { additionalProperties: false },
  )
}

/**
 * POST /feedback: `{ requestId, actual }`, the actual outcome of a logged prediction (a number, or a
 * string for a classifier's label). The taxi project also takes `durationMin` for `actual`, as before.
 */
export function feedbackBodySchema(project: ServedProject): TObject {
  const actual = project.target.kind === 'number' ? Type.Number() : Type.String({ minLength: 1 })
  return Type.Object(
    {
      requestId: RequestId,
      actual: Type.Optional(actual),
      ...(project.name === COURSE_PROJECT ? { durationMin: Type.Optional(Type.Number()) } : {}),
    },
    { additionalProperties: false },
  )
}

export function feedbackWording(project: ServedProject): BodyWording {
  const isCourse = project.name === COURSE_PROJECT
  const actualWords =
    project.target.kind === 'number'
      ? `a number (the actual ${project.target.column}${isCourse ? ", the trip's duration in minutes" : ''})`
      : `a non-empty string (the actual ${project.target.column})`
  return {
    subject: 'feedback',
    describeField: (name) =>
      name === 'requestId'
        ? 'the requestId (a UUID) a /predict or /log answer gave'
        : name === 'actual'
          ? actualWords
          : name === 'durationMin' && isCourse
            ? "a number (the trip's actual duration in minutes)"
            : null,
    unknownFieldHint: ` (feedback has requestId and actual${isCourse ? ' or durationMin' : ''})`,
    missingFieldHint: '',
  }
}

/** POST /log's answer: a request id per row (for its feedback) and the version logged. */
export const LogResponseSchema = Type.Union([
  Type.Object({ requestId: Type.String(), modelVersion: Type.String() }),
  Type.Object({
    modelVersion: Type.String(),
    logged: Type.Array(Type.Object({ requestId: Type.String() })),
  }),
])

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

const SingleFeedbackSchema = Type.Object({
  requestId: Type.String(),
  stored: Type.Union([Type.Literal('stored'), Type.Literal('replaced')]),
})
/**
 * POST /feedback with an array: one result per item, in order; an id the log does not hold is a 404
 * for that item alone (the others are stored).
 */
const BatchFeedbackSchema = Type.Object({
  stored: Type.Integer(),
  unknown: Type.Integer(),
  results: Type.Array(
    Type.Union([
      SingleFeedbackSchema,
      Type.Object({
        requestId: Type.String(),
        statusCode: Type.Literal(404),
        error: Type.String(),
        message: Type.String(),
      }),
    ]),
  ),
})
export const FeedbackResponseSchema = Type.Union([SingleFeedbackSchema, BatchFeedbackSchema])

export const HealthResponseSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  project: Type.String(),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unreachable')]),
  /** null when the project's model lives elsewhere (rows come through /log). */
  modelVersion: Type.Union([Type.String(), Type.Null()]),
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
