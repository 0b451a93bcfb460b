import { readParquetFile } from '../../src-main/adapters/parquet/read-parquet-frame'
import type { Frame } from '../../src-main/core/data/frame'
import { isNullAt } from '../../src-main/core/data/frame'

/** One TLC record as the prediction service takes it: every column of the file, nulls as null. */
export type TripRecordJson = Record<string, string | number | null>

/**
 * The rows of a TLC Parquet file as JSON records, in file order: every column, a null cell as null,
 * timestamps as naive `YYYY-MM-DDTHH:MM:SS[.ffffff]` (what the files hold, no zone).
 */
export async function readTripRecords(file: string): Promise<TripRecordJson[]> {
  return frameToRecords(await readParquetFile(file))
}

function frameToRecords(frame: Frame): TripRecordJson[] {
  const records: TripRecordJson[] = Array.from({ length: frame.rowCount }, () => ({}))
  for (const name of frame.names) {
    const column = frame.columns[name]!
    for (let i = 0; i < frame.rowCount; i++) {
      const record = records[i]!
      if (isNullAt(column, i)) {
        record[name] = null
      } else if (column.kind === 'string') {
        record[name] = column.values[i] as string
      } else if (column.kind === 'timestamp_us') {
        record[name] = naiveIso(column.values[i] as number)
      } else if (column.kind !== 'null') {
        record[name] = column.values[i] as number
      }
    }
  }
  return records
}

function naiveIso(micros: number): string {
  const seconds = Math.floor(micros / 1e6)
  const text = new Date(seconds * 1000).toISOString().slice(0, 19)
  const fraction = micros - seconds * 1e6
  return fraction === 0 ? text : `${text}.${String(fraction).padStart(6, '0')}`
}

/** What the service answered for one ride. */
export interface PostedRide {
  readonly index: number
  readonly requestId: string
  readonly durationMin: number
}

/**
 * Posts `records` to `POST {base}/predict` in batches of `batchSize`, with at most `concurrency`
 * requests in flight (bounded: a small pool of workers takes the next batch when one is answered).
 * A refused request (503 overloaded) is retried after its Retry-After; any other non-200 fails.
 * @returns the answer for every record, by index.
 */
export async function postTrips(
  base: string,
  records: readonly TripRecordJson[],
  options: { batchSize?: number; concurrency?: number } = {},
): Promise<PostedRide[]> {
  const batchSize = options.batchSize ?? 100
  const concurrency = options.concurrency ?? 4
  const answers: PostedRide[] = new Array<PostedRide>(records.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      const first = next
      if (first >= records.length) return
      next += batchSize
      const batch = records.slice(first, first + batchSize)
      const body = await postJson<{ predictions: { requestId: string; durationMin: number }[] }>(
        `${base}/predict`,
        batch,
      )
      body.predictions.forEach((p, k) => {
        answers[first + k] = {
          index: first + k,
          requestId: p.requestId,
          durationMin: p.durationMin,
        }
      })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return answers
}

/** Posts each outcome to `POST {base}/feedback`, at most `concurrency` at a time. */
export async function postFeedback(
  base: string,
  outcomes: readonly { requestId: string; durationMin: number }[],
  concurrency = 8,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < outcomes.length) {
      const outcome = outcomes[next++]!
      await postJson(`${base}/feedback`, outcome)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

async function postJson<T>(url: string, body: unknown): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (response.status === 200) return (await response.json()) as T
    const text = await response.text()
    if (response.status === 503 && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      continue
    }
    throw new Error(`POST ${url} answered ${response.status}: ${text}`)
  }
}
