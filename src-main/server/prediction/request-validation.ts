import type { TSchema } from '@sinclair/typebox'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { Ajv } from 'ajv'
import type { ServedProject } from '../../services/serving/served-project'
import {
  isWallClockTimestamp,
  WALL_CLOCK_TIMESTAMP_FORMAT,
} from '../../services/serving/wall-clock-timestamp'

/** A request body that does not match its schema: a 400 naming the field and what it must be. */
export class RequestBodyError extends Error {
  readonly statusCode = 400
  /** Where the problem is, as a JSON pointer into the body (`/3/passenger_count`); '' for the body. */
  readonly field: string
  constructor(field: string, message: string) {
    super(message)
    this.name = 'RequestBodyError'
    this.field = field
  }
}

/**
 * One Ajv for the service's request schemas (TypeBox schemas are JSON Schema). Nothing is coerced,
 * defaulted or silently removed: a body is accepted as sent or refused. The first error is enough
 * (allErrors off: cheaper, and a flood of bad fields cannot make the error itself large).
 */
const ajv = new Ajv({
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  allErrors: false,
})
ajv.addFormat(WALL_CLOCK_TIMESTAMP_FORMAT, { type: 'string', validate: isWallClockTimestamp })

/** A validator that throws {@link RequestBodyError} worded for an HTTP client. */
export type BodyValidator<T> = (body: unknown) => T

/** How a body's fields are explained in errors. */
export interface BodyWording {
  /** What the body is: 'ride' or 'feedback'. */
  readonly subject: string
  /** What a field must hold, in words ('a number or null'). */
  describeField(name: string): string | null
  /** Appended to an unknown-field error, e.g. the accepted fields. */
  readonly unknownFieldHint: string
  /** Appended to a missing-field error. */
  readonly missingFieldHint: string
}

/**
 * The wording for one record of `project` (a taxi ride: the TLC file's columns). With `predictionField`,
 * a /log row: the record plus the prediction it carries.
 */
export function recordWording(project: ServedProject, predictionField?: string): BodyWording {
  const fields = [...project.fields, ...(predictionField === undefined ? [] : [predictionField])]
  const isCourse = project.name === 'nyc-taxi'
  return {
    subject: 'ride',
    describeField: (name) =>
      name === predictionField
        ? 'a number (the prediction your model made for this row)'
        : project.describeField(name),
    unknownFieldHint: isCourse
      ? ` (a ride has the TLC file's columns: ${fields.join(', ')})`
      : ` (a row of project '${project.name}' has its reference data's columns: ${fields.join(', ')})`,
    missingFieldHint:
      predictionField === undefined
        ? ' (the model needs it; send null when the value is missing)'
        : ` (a /log row carries its prediction in '${predictionField}'; the model's features must be present, null when missing)`,
  }
}

/**
 * Compiles `schema` into a validator whose errors use `wording`. A body the schema accepts is also
 * refused when one of its strings holds what PostgreSQL cannot store (see {@link unstorableTextError}).
 */
export function compileBodyValidator<T>(schema: TSchema, wording: BodyWording): BodyValidator<T> {
  const validate: ValidateFunction = ajv.compile(schema)
  return (body) => {
    if (!validate(body)) throw toRequestBodyError(validate.errors?.[0], body, wording)
    const unstorable = unstorableTextError(body, '')
    if (unstorable !== null) throw unstorable
    return body as T
  }
}

/** A UTF-16 surrogate without its other half: not a Unicode character, and no UTF-8 encodes it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * The 400 for the first string value in `value` that PostgreSQL refuses, null when there is none. Every
 * string of a body ends up in the database (a record in JSONB, a label as JSONB): U+0000 is refused in
 * both (22P05 "unsupported Unicode escape sequence", 22021 in text), a lone surrogate in JSONB (22P02).
 * Caught here, the client learns which field to fix; caught by the database it would fail a statement.
 */
function unstorableTextError(value: unknown, path: string): RequestBodyError | null {
  if (typeof value === 'string') {
    const name = path.split('/').at(-1) ?? ''
    if (value.includes('\u0000')) {
      return new RequestBodyError(
        path,
        `Field '${name}' holds the character U+0000 (NUL), which the database cannot store; remove it from the value.`,
      )
    }
    const lone = LONE_SURROGATE.exec(value)
    if (lone !== null) {
      const code = lone[0].charCodeAt(0).toString(16).padStart(4, '0')
      return new RequestBodyError(
        path,
        `Field '${name}' holds a lone UTF-16 surrogate (\\u${code} without its pair), which is not Unicode text and the database cannot store; send the value as valid Unicode.`,
      )
    }
    return null
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const error = unstorableTextError(item, `${path}/${i}`)
      if (error !== null) return error
    }
    return null
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const error = unstorableTextError(
        item,
        `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
      )
      if (error !== null) return error
    }
  }
  return null
}

/**
 * The predict body: one ride (an object) or a batch (a non-empty array of at most `maxRides` objects).
 * Each shape is validated by its own schema, so the error speaks of the shape the client sent.
 */
export function compilePredictBodyValidator<T>(
  ride: TSchema,
  maxRides: number,
  wording: BodyWording,
): (body: unknown) => { rides: T[]; isBatch: boolean } {
  const validateRide = compileBodyValidator<T>(ride, wording)
  return (body) => {
    if (Array.isArray(body)) {
      if (body.length === 0)
        throw new RequestBodyError('', 'The batch is empty; send at least one ride.')
      if (body.length > maxRides) {
        throw new RequestBodyError(
          '',
          `The batch holds ${body.length} rides; send at most ${maxRides} per request.`,
        )
      }
      const rides: T[] = []
      for (const [i, item] of body.entries()) {
        try {
          rides.push(validateRide(item))
        } catch (error) {
          if (!(error instanceof RequestBodyError)) throw error
          throw new RequestBodyError(
            `/${i}${error.field}`,
            `Ride ${i} of the batch: ${error.message}`,
          )
        }
      }
      return { rides, isBatch: true }
    }
    return { rides: [validateRide(body)], isBatch: false }
  }
}

function typeOfJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`
  return `${typeof value} ${JSON.stringify(value)}`
}

function valueAt(body: unknown, pointer: string): unknown {
  let value = body
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
  }
  return value
}

function toRequestBodyError(
  error: ErrorObject | undefined,
  body: unknown,
  wording: BodyWording,
): RequestBodyError {
  if (error === undefined)
    return new RequestBodyError('', `The ${wording.subject} does not match its schema.`)
  if (error.keyword === 'additionalProperties') {
    const name = String((error.params as { additionalProperty: string }).additionalProperty)
    return new RequestBodyError(
      `${error.instancePath}/${name}`,
      `Unknown field '${name}'${wording.unknownFieldHint}.`,
    )
  }
  if (error.keyword === 'required') {
    const name = String((error.params as { missingProperty: string }).missingProperty)
    return new RequestBodyError(
      `${error.instancePath}/${name}`,
      `Missing field '${name}'${wording.missingFieldHint}.`,
    )
  }
  const path = error.instancePath
  if (path === '') {
    return new RequestBodyError(
      '',
      wording.subject === 'ride'
        ? `The body must be one ride (a JSON object) or a batch (a JSON array of ride objects); got ${typeOfJson(body)}.`
        : wording.subject === 'feedback'
          ? `The body must be one feedback (a JSON object) or a batch (a JSON array of feedback objects); got ${typeOfJson(body)}.`
          : `The body must be a JSON object; got ${typeOfJson(body)}.`,
    )
  }
  const name = path.split('/').at(-1) ?? ''
  const expected = wording.describeField(name) ?? `valid (${error.message ?? 'see the schema'})`
  if (error.keyword === 'format' && error.params.format === WALL_CLOCK_TIMESTAMP_FORMAT) {
    return new RequestBodyError(
      path,
      `Field '${name}' must be ${expected}; got ${typeOfJson(valueAt(body, path))}, which is no real date and time (check the day exists in that month, hours 00-23, minutes and seconds 00-59, the year from 0001).`,
    )
  }
  return new RequestBodyError(
    path,
    `Field '${name}' must be ${expected}; got ${typeOfJson(valueAt(body, path))}.`,
  )
}
