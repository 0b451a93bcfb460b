import type { ImagePullProgress, PullProgress } from '../../shared/domain/stack'

/**
 * One JSON object of the Docker-API `POST /images/create` stream (Docker and Podman's compat API).
 * Layer events carry the layer `id`; a failure arrives as `error`/`errorDetail` in the same stream,
 * with HTTP 200, which is why the reducer records it instead of trusting the HTTP status.
 */
export interface PullStreamEvent {
  readonly status?: string
  readonly id?: string
  readonly progressDetail?: { readonly current?: number; readonly total?: number }
  readonly error?: string
  readonly errorDetail?: { readonly message?: string }
}

interface LayerProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly isDone: boolean
}

/** The reducer's state for one image: per-layer progress plus the phase. */
export interface ImagePullState {
  readonly image: string
  readonly phase: ImagePullProgress['phase']
  readonly layers: Readonly<Record<string, LayerProgress>>
  readonly error?: string
}

export function initialImagePullState(
  image: string,
  phase: ImagePullProgress['phase'] = 'waiting',
): ImagePullState {
  return { image, phase, layers: {} }
}

// Statuses after which a layer's compressed bytes are all on disk.
const DOWNLOADED_STATUSES = new Set(['Download complete', 'Verifying Checksum', 'Extracting'])
// Statuses that finish a layer. "Already exists": the engine had it, nothing to download.
const FINISHED_STATUSES = new Set(['Pull complete', 'Already exists'])

/**
 * Folds one stream event into an image's state. Pure: returns a new state, never mutates.
 * Per-layer bytes are the compressed download bytes (`Downloading` events); extraction progress is
 * ignored because its byte counts are of the uncompressed layer and would double-count.
 *
 * @example
 * let s = initialImagePullState('postgres:15')
 * s = reduceImagePull(s, { status: 'Downloading', id: 'a', progressDetail: { current: 5, total: 10 } })
 * summarizeImagePull(s) // { bytesDone: 5, bytesTotal: 10, layers: 1, layersDone: 0, phase: 'pulling', … }
 */
export function reduceImagePull(state: ImagePullState, event: PullStreamEvent): ImagePullState {
  if (state.phase === 'failed') return state
  const errorMessage = event.errorDetail?.message ?? event.error
  if (errorMessage !== undefined && errorMessage !== '') {
    return { ...state, phase: 'failed', error: errorMessage }
  }
  const status = event.status ?? ''
  if (status.startsWith('Status: ') || status.startsWith('Digest: ')) {
    return { ...state, phase: status.startsWith('Status: ') ? 'done' : state.phase }
  }
  const id = event.id
  // Events without a layer id ("Pulling from library/postgres", podman's "Copying config …") only
  // mean the pull has begun.
  if (id === undefined || status.startsWith('Pulling from') || !isLayerStatus(status)) {
    return state.phase === 'waiting' ? { ...state, phase: 'pulling' } : state
  }
  const previous = state.layers[id] ?? { bytesDone: 0, bytesTotal: 0, isDone: false }
  let next: LayerProgress = previous
  if (status === 'Downloading') {
    const total = event.progressDetail?.total ?? previous.bytesTotal
    const current = event.progressDetail?.current ?? previous.bytesDone
    next = { bytesDone: Math.min(current, total || current), bytesTotal: total, isDone: false }
  } else if (DOWNLOADED_STATUSES.has(status)) {
    next = { ...previous, bytesDone: previous.bytesTotal }
  } else if (FINISHED_STATUSES.has(status)) {
    next = { bytesDone: previous.bytesTotal, bytesTotal: previous.bytesTotal, isDone: true }
  }
  return {
    ...state,
    phase: state.phase === 'waiting' ? 'pulling' : state.phase,
    layers: { ...state.layers, [id]: next },
  }
}

function isLayerStatus(status: string): boolean {
  return (
    status === 'Pulling fs layer' ||
    status === 'Waiting' ||
    status === 'Downloading' ||
    status === 'Retrying' ||
    DOWNLOADED_STATUSES.has(status) ||
    FINISHED_STATUSES.has(status) ||
    status.startsWith('Retrying')
  )
}

/** The state as the DTO the UI shows. A finished pull reports all bytes done even if the engine skipped events. */
export function summarizeImagePull(state: ImagePullState): ImagePullProgress {
  let bytesDone = 0
  let bytesTotal = 0
  let layersDone = 0
  const layers = Object.values(state.layers)
  for (const layer of layers) {
    bytesTotal += layer.bytesTotal
    bytesDone += state.phase === 'done' ? layer.bytesTotal : layer.bytesDone
    if (layer.isDone || state.phase === 'done') layersDone += 1
  }
  return {
    image: state.image,
    phase: state.phase,
    layers: layers.length,
    layersDone,
    bytesDone,
    bytesTotal,
    ...(state.error === undefined ? {} : { error: state.error }),
  }
}

/** Overall progress across images: bytes summed, images in the given order. */
export function summarizePull(states: readonly ImagePullState[]): PullProgress {
  const images = states.map(summarizeImagePull)
  return {
    images,
    bytesDone: images.reduce((sum, image) => sum + image.bytesDone, 0),
    bytesTotal: images.reduce((sum, image) => sum + image.bytesTotal, 0),
  }
}
