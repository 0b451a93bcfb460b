import type { TObject, TSchema } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { listSourceFiles, readSourceBatches } from '../../adapters/sources/table-source'
import type { Frame } from '../../core/data/frame'
import { COURSE_PROJECT } from '../../core/project/course-project'
import { PICKUP_COLUMN, PREDICTION_COLUMN, TARGET_COLUMN } from '../../core/pipeline/course-columns'
import type { ResolvedProject } from '../projects/resolve-project'
import type { ServedModel } from './served-model'
import { describeTripRecordField, TRIP_RECORD_FIELDS, TripRecordSchema } from './trip-record-schema'
import { WALL_CLOCK_TIMESTAMP_FORMAT } from './wall-clock-timestamp'

/** What a logged row's actual outcome is: a number (regression) or a label (classification). */
export type TargetKind = 'number' | 'string'

/**
 * Everything the prediction service needs to know about the project it serves: the shape of one record
 * (the project's columns with their types), where a row's event time is, what a /log row's prediction
 * field is called, the target's kind for /feedback, and the model when driftdesk holds one.
 */
export interface ServedProject {
  readonly name: string
  /** One record as a client sends it to /predict (and to /log, without the prediction). */
  readonly recordSchema: TObject
  /** The record's field names, in source order (for error messages). */
  readonly fields: readonly string[]
  /** What a field must hold, in words; null for a field that is not a column. */
  describeField(name: string): string | null
  /** The column that holds the row's event time (the taxi pickup time), or null: then the receive time. */
  readonly eventTimeColumn: string | null
  /** The field of a /log row that carries the prediction. */
  readonly predictionField: string
  /** The target column (what /feedback reports) and its kind. */
  readonly target: { readonly column: string; readonly kind: TargetKind }
  /** The model driftdesk answers /predict with; null when the project's model lives elsewhere (/log only). */
  readonly model: ServedModel | null
}

/** The built-in course project: TLC trip records, the trained taxi model, duration_min as the target. */
export function courseServedProject(model: ServedModel | null): ServedProject {
  return {
    name: COURSE_PROJECT,
    recordSchema: TripRecordSchema,
    fields: TRIP_RECORD_FIELDS,
    describeField: describeTripRecordField,
    eventTimeColumn: PICKUP_COLUMN,
    predictionField: PREDICTION_COLUMN,
    target: { column: TARGET_COLUMN, kind: 'number' },
    model,
  }
}

/**
 * Timestamps as a client writes them: a date, optionally a time to the second with a fraction, no zone
 * (event times are wall-clock times, as the files hold them). At most 6 fractional digits: PostgreSQL keeps
 * microseconds and rounds a finer fraction while the collector's parser truncates it, so a 7th digit
 * could put a row in different windows live and in the backfill. The format checks the moment exists.
 */
const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?)?$'

/** The JSON type a column of `kind` takes, and its wording. */
function fieldTypeOf(kind: Frame['columns'][string]['kind']): { schema: TSchema; words: string } {
  switch (kind) {
    case 'int32':
    case 'int64':
      return { schema: Type.Integer(), words: 'an integer or null' }
    case 'bool':
      return { schema: Type.Boolean(), words: 'true, false or null' }
    case 'timestamp_us':
      return {
        schema: Type.String({ pattern: TIMESTAMP_PATTERN, format: WALL_CLOCK_TIMESTAMP_FORMAT }),
        words: "a local time like '2022-02-01T00:05:12' (at most 6 decimals of a second) or null",
      }
    case 'string':
      return { schema: Type.String(), words: 'a string or null' }
    case 'null':
      // The reference never had a value here: any scalar is accepted (and is a drift worth seeing).
      return {
        schema: Type.Union([Type.Number(), Type.String(), Type.Boolean()]),
        words: 'a number, a string, a boolean or null',
      }
    default:
      return { schema: Type.Number(), words: 'a number or null' }
  }
}

/**
 * A learner's project as served: its columns and their types come from its reference source (the first
 * batch of its first file, the window column read as a timestamp); every column may be null or left out;
 * the prediction column is what /log rows must carry; driftdesk holds no model for it, so /predict
 * refuses and /log is the door.
 * @throws {SourceReadError} when the reference source cannot be read.
 */
export async function ownServedProject(
  project: Extract<ResolvedProject, { kind: 'own' }>,
): Promise<ServedProject> {
  const { request } = project
  const windowColumn = request.windowColumn
  const files = await listSourceFiles(request.reference)
  let first: Frame | undefined
  for await (const { frame } of readSourceBatches(files, {
    ...(windowColumn === undefined ? {} : { declaredTypes: { [windowColumn]: 'timestamp' } }),
  })) {
    first = frame
    break
  }
  if (first === undefined)
    throw new Error(`The reference data (${request.reference.join(', ')}) holds no rows.`)
  const predictionField = request.mapping?.prediction ?? PREDICTION_COLUMN
  const targetColumn = request.mapping?.target ?? 'target'
  const properties: Record<string, TSchema> = {}
  const words = new Map<string, string>()
  const fields: string[] = []
  let targetKind: TargetKind = 'number'
  for (const name of first.names) {
    const kind = (first.columns[name] as Frame['columns'][string]).kind
    if (name === targetColumn && kind === 'string') targetKind = 'string'
    if (name === predictionField) continue
    const type = fieldTypeOf(kind)
    properties[name] = Type.Optional(Type.Union([type.schema, Type.Null()]))
    words.set(name, type.words)
    fields.push(name)
  }
  return {
    name: project.name,
    recordSchema: Type.Object(properties, { additionalProperties: false }),
    fields,
    describeField: (name) => words.get(name) ?? null,
    eventTimeColumn: windowColumn ?? null,
    predictionField,
    target: { column: targetColumn, kind: targetKind },
    model: null,
  }
}

/**
 * The event time of `record`: its event-time column as wall-clock text (`2022-03-01T00:05:12`), or the
 * receive time in UTC when the project has no such column or the row left it null.
 */
export function eventTimeOf(
  record: Readonly<Record<string, unknown>>,
  column: string | null,
  receivedAt: Date,
): string {
  const value = column === null ? null : record[column]
  if (typeof value === 'string') return value.replace(' ', 'T')
  return receivedAt.toISOString().slice(0, 23)
}
