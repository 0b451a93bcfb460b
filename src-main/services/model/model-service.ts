import { createHash, randomBytes } from 'node:crypto'
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createFolder, HOME_FOLDER_ADVICE } from '../../adapters/files/create-folder'
import { frameFromArrowIpc, frameToArrowIpc } from '../../adapters/parquet/frame-ipc'
import { readTripFile } from '../../adapters/parquet/read-parquet-frame'
import type { AppConfig } from '../../config/app-config'
import { tripFileAdvice } from '../data/locate-trip-file'
import { ENGINE_VERSION } from '../../core/engine-version'
import type { TrainingResult } from '../../core/pipeline/prepare-training'
import { prepareTraining } from '../../core/pipeline/prepare-training'
import type { ModelSummary } from '../../shared/domain/metrics'
import type { TripDurationModel } from '../../core/model/trip-duration-model'

/** A trained model ready for monitoring, and the fingerprint of everything it was derived from. */
export interface TrainedModel {
  readonly training: TrainingResult
  /** sha256 of the engine version, reference month and the source file's bytes. */
  readonly fingerprint: string
  /** sha256 of the Parquet file the model was trained on. */
  readonly sourceSha256: string
  /** false when loaded from the app home, true when trained by this call. */
  readonly trainedNow: boolean
}

interface SavedModel {
  readonly format: 1
  readonly engineVersion: string
  readonly referenceMonth: string
  readonly sourceSha256: string
  readonly fingerprint: string
  readonly model: TripDurationModel
  readonly summary: ModelSummary
}

/** Where a reference month's model and reference frame are saved. */
export function modelPaths(
  config: AppConfig,
  referenceMonth: string,
): { dir: string; model: string; reference: string } {
  const dir = join(config.modelsDir, referenceMonth)
  return { dir, model: join(dir, 'model.json'), reference: join(dir, 'reference.arrow') }
}

/**
 * The model for `referenceMonth`: loaded from the app home when it was trained on the same file by the same
 * engine, otherwise trained (the course notebook) and saved — the model as JSON, the reference frame
 * (with `duration_min` and `prediction`) as Arrow IPC. Files are written to a temporary name and renamed, so
 * a crash never leaves a half-written model.
 *
 * @param referenceFile the month's TLC Parquet file
 */
export async function ensureTrainedModel(
  config: AppConfig,
  referenceMonth: string,
  referenceFile: string,
  options: { force?: boolean } = {},
): Promise<TrainedModel> {
  const bytes = await readFile(referenceFile).catch(() => null)
  const paths = modelPaths(config, referenceMonth)
  const sourceSha256 = bytes === null ? null : createHash('sha256').update(bytes).digest('hex')
  if (options.force !== true) {
    const saved = await loadSavedModel(paths)
    // Without the source file at hand, a saved model is still usable: it was validated when trained.
    if (saved !== null && (sourceSha256 === null || saved.meta.sourceSha256 === sourceSha256)) {
      return { ...saved.trained, trainedNow: false }
    }
  }
  // readTripFile produces the clear "missing file" (and wrong column type) error when the file is absent.
  const raw = await readTripFile(
    referenceFile,
    tripFileAdvice(referenceFile, config, referenceMonth),
  )
  const training = prepareTraining(raw, referenceMonth)
  const sha = sourceSha256 ?? ''
  const fingerprint = fingerprintOf(referenceMonth, sha)
  const saved: SavedModel = {
    format: 1,
    engineVersion: ENGINE_VERSION,
    referenceMonth,
    sourceSha256: sha,
    fingerprint,
    model: training.model,
    summary: training.summary,
  }
  await createFolder(paths.dir, 'The model folder', HOME_FOLDER_ADVICE)
  await writeAtomically(paths.reference, frameToArrowIpc(training.reference))
  await writeAtomically(paths.model, JSON.stringify(saved, null, 2))
  return { training, fingerprint, sourceSha256: sha, trainedNow: true }
}

async function loadSavedModel(paths: {
  model: string
  reference: string
}): Promise<{ meta: SavedModel; trained: Omit<TrainedModel, 'trainedNow'> } | null> {
  let meta: SavedModel
  try {
    meta = JSON.parse(await readFile(paths.model, 'utf8')) as SavedModel
  } catch {
    return null // absent or unreadable: train again
  }
  if (meta.format !== 1 || meta.engineVersion !== ENGINE_VERSION) return null
  let reference
  try {
    reference = frameFromArrowIpc(await readFile(paths.reference))
  } catch {
    return null // the reference file is missing or damaged: train again
  }
  return {
    meta,
    trained: {
      training: { model: meta.model, reference, summary: meta.summary },
      fingerprint: meta.fingerprint,
      sourceSha256: meta.sourceSha256,
    },
  }
}

function fingerprintOf(referenceMonth: string, sourceSha256: string): string {
  return createHash('sha256')
    .update(`${ENGINE_VERSION}\n${referenceMonth}\n${sourceSha256}`)
    .digest('hex')
}

/**
 * Writes to a temporary name and renames it over `path`. The temporary name is unique per call, not per
 * process: two trainings in one process (two worker threads, or two calls on one thread) shared
 * `path.PID.tmp`, and the second rename failed with ENOENT (issue 9). Each rename is atomic, so the last
 * one wins with a complete file.
 */
async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temporary, content)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined)
    throw error
  }
}
