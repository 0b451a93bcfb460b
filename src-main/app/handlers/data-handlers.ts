import { stat } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import type { AppConfig } from '../../config/app-config'
import { ensureTripFiles } from '../../services/data/ensure-trip-files'
import { tripFileLocation } from '../../services/data/locate-trip-file'
import { tripFileFolder } from '../../services/data/trip-file-location'
import type { TripFileProgress } from '../../services/data/trip-file-progress'
import type { DataFileProgress, DataFilesStatus } from '../../shared/domain/ui'
import { AppError } from '../../shared/errors'
import type { JobRegistry } from '../job-registry'
import type { ChannelHandlers, ChannelsOf } from './channel-handlers'

export interface DataHandlerDeps {
  readonly config: () => AppConfig
  readonly jobs: JobRegistry
  /** Electron's folder picker; browser mode has none (the user types a path). */
  readonly chooseFolder?: () => Promise<string | null>
  /** Makes `dataDir` the panel's data folder, null the cache (remembered for the next start). */
  readonly useDataDir: (dataDir: string | null) => Promise<void>
}

/** The TLC trip files: which are present, downloading the missing ones, choosing the folder. */
export function createDataHandlers(deps: DataHandlerDeps): ChannelHandlers<ChannelsOf<'data'>> {
  const dataStatus = async (months: readonly string[]): Promise<DataFilesStatus> => {
    const config = deps.config()
    const { folder, source } = tripFileFolder(config)
    const files = await Promise.all(
      months.map(async (month) => {
        const location = tripFileLocation(config, month)
        const info = await stat(location.path).catch(() => null)
        const isPresent = info?.isFile() === true
        return {
          month,
          fileName: location.fileName,
          path: location.path,
          isPresent,
          bytes: isPresent && info !== null ? info.size : null,
        }
      }),
    )
    return { folder, source, files }
  }

  return {
    async 'data:status'({ months }) {
      return dataStatus(months)
    },

    async 'data:download'({ months }) {
      const jobId = deps.jobs.start(
        { finished: 'data:finished', progress: 'data:progress' },
        async ({ signal, report }) => {
          await ensureTripFiles(
            deps.config(),
            months,
            (event) => report(toDataProgress(event)),
            signal,
          )
          return dataStatus(months)
        },
      )
      return { jobId }
    },

    async 'data:cancel'({ jobId }) {
      return { cancelled: deps.jobs.cancel(jobId) }
    },

    async 'data:choose-folder'({ path, months }) {
      let chosen: string | null
      if (path === undefined) {
        if (deps.chooseFolder === undefined) {
          throw new AppError(
            'INVALID_REQUEST',
            'Type the folder path: browser mode has no folder dialog.',
          )
        }
        chosen = await deps.chooseFolder()
        if (chosen === null) return null
      } else {
        chosen = path
      }
      // Null: back to the cache (no data folder).
      if (chosen !== null) {
        if (!isAbsolute(chosen)) {
          throw new AppError(
            'INVALID_REQUEST',
            `Give the folder as an absolute path (got '${chosen}').`,
          )
        }
        const info = await stat(chosen).catch(() => null)
        if (info === null || !info.isDirectory()) {
          throw new AppError(
            'DATA_FILE_MISSING',
            `${chosen} is not a folder on this machine: check the path.`,
          )
        }
      }
      await deps.useDataDir(chosen)
      return dataStatus(months)
    },
  }
}

function toDataProgress(event: TripFileProgress): DataFileProgress {
  const base = { month: event.month, fileName: event.fileName }
  switch (event.type) {
    case 'checking':
      return { ...base, phase: 'checking', bytesDone: 0, bytesTotal: null }
    case 'replacing':
      return { ...base, phase: 'replacing', bytesDone: 0, bytesTotal: null, message: event.problem }
    case 'downloading':
      return {
        ...base,
        phase: 'downloading',
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
      }
    case 'retrying':
      return {
        ...base,
        phase: 'retrying',
        bytesDone: event.resumeFromBytes,
        bytesTotal: null,
        message: `attempt ${event.attempt} of ${event.maxAttempts}: ${event.reason}`,
      }
    case 'ready':
      return { ...base, phase: 'ready', bytesDone: event.bytes, bytesTotal: event.bytes }
  }
}
