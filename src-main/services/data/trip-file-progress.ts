/**
 * What `ensureTripFiles` reports while it makes trip files available, as plain data (it may cross IPC or
 * the WebSocket later). Every event names its month and file; each month ends with exactly one `ready`
 * event, or the whole call throws.
 */
export type TripFileProgress =
  | {
      readonly type: 'checking'
      readonly month: string
      readonly fileName: string
      readonly path: string
    }
  | {
      /** A cached file failed validation and is downloaded again. */
      readonly type: 'replacing'
      readonly month: string
      readonly fileName: string
      readonly path: string
      readonly problem: string
    }
  | {
      readonly type: 'downloading'
      readonly month: string
      readonly fileName: string
      readonly url: string
      readonly bytesDone: number
      readonly bytesTotal: number | null
      readonly bytesPerSecond: number
    }
  | {
      readonly type: 'retrying'
      readonly month: string
      readonly fileName: string
      readonly attempt: number
      readonly maxAttempts: number
      readonly delayMs: number
      readonly reason: string
      readonly resumeFromBytes: number
    }
  | {
      readonly type: 'ready'
      readonly month: string
      readonly fileName: string
      readonly path: string
      readonly source: 'data-dir' | 'cache'
      /** `present`: valid file already there; `downloaded`: fetched now; `replaced`: a bad cached copy re-fetched. */
      readonly status: TripFileStatus
      readonly bytes: number
      readonly rows: number
    }

export type TripFileStatus = 'present' | 'downloaded' | 'replaced'

/** One month's file once `ensureTripFiles` has made sure of it. */
export interface ReadyTripFile {
  readonly month: string
  readonly fileName: string
  readonly path: string
  readonly source: 'data-dir' | 'cache'
  readonly status: TripFileStatus
  readonly bytes: number
  readonly rows: number
}
