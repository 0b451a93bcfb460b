/**
 * Plain data the control panel shows that no service DTO already describes: the trip files' state as
 * the Setup view lists it, and the stack job's progress items. Services' own types are mapped onto these
 * in `src-main/app`, so the renderer depends on `shared` only.
 */
import type { PullProgress, ServiceHealth } from './stack'

export interface TripFileState {
  readonly month: string
  readonly fileName: string
  readonly path: string
  readonly isPresent: boolean
  readonly bytes: number | null
}

export interface DataFilesStatus {
  /** The folder the files are read from: the user's data folder, or the download cache. */
  readonly folder: string
  readonly source: 'data-dir' | 'cache'
  readonly files: readonly TripFileState[]
}

export interface DataFileProgress {
  readonly month: string
  readonly fileName: string
  readonly phase: 'checking' | 'replacing' | 'downloading' | 'retrying' | 'ready'
  readonly bytesDone: number
  readonly bytesTotal: number | null
  /** A sentence for retries and replacements (why). */
  readonly message?: string
}

/** What starting the stack reports: image pulls, then per-service health, plus plain messages. */
export type StackProgressItem =
  | { readonly type: 'pull'; readonly progress: PullProgress }
  | { readonly type: 'health'; readonly services: readonly ServiceHealth[] }
  | { readonly type: 'message'; readonly text: string }
