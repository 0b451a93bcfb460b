/**
 * A project backfill's compute worker: a thin worker_threads shell. It builds the reference profile once
 * (`load`) and then computes the windows it is sent, posting plain data. The main thread keeps reading and
 * cutting the current data (and storing results) meanwhile, so reading, computing and storing overlap.
 * No dynamic `import()` here: under tsx's require hook (source runs) an extensionless one fails.
 */
import { parentPort } from 'node:worker_threads'
import type { ReferenceProfile } from '../core/reports/reference-profile'
import { createReferenceProfile } from '../core/reports/reference-profile'
import { computeProjectWindow } from '../services/pipeline/project-window-computer'
import { serializeError } from '../shared/errors'
import type {
  ProjectWorkerLoad,
  ProjectWorkerRequest,
  ProjectWorkerResponse,
} from './project-backfill-worker-protocol'
import { fromWireFrame } from './wire-frame'

let state: { profile: ReferenceProfile; input: ProjectWorkerLoad } | null = null

function handle(request: ProjectWorkerRequest): ProjectWorkerResponse {
  try {
    if (request.type === 'load') {
      state = {
        profile: createReferenceProfile(
          fromWireFrame(request.input.reference),
          request.input.mapping,
        ),
        input: request.input,
      }
      return { type: 'loaded', requestId: request.requestId }
    }
    if (state === null)
      throw new Error('The worker was asked to compute a window before loading its reference.')
    const started = performance.now()
    const computed = computeProjectWindow(
      state.profile,
      state.input,
      fromWireFrame(request.frame),
      request.key,
    )
    return {
      type: 'window',
      requestId: request.requestId,
      ...computed,
      computeMs: performance.now() - started,
    }
  } catch (error) {
    return { type: 'error', requestId: request.requestId, error: serializeError(error) }
  }
}

const port = parentPort
if (port === null) throw new Error('project-backfill.worker.ts must run in a worker thread.')
port.on('message', (request: ProjectWorkerRequest) => port.postMessage(handle(request)))
