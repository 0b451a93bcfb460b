import type { AppConfig } from '../../config/app-config'

/** Where one month's trip file is (or would be): the user's --data-dir folder or driftdesk's download cache. */
export interface TripFileLocation {
  readonly month: string
  readonly fileName: string
  readonly path: string
  readonly source: 'data-dir' | 'cache'
  /** The folder the file belongs in: `config.dataDir` or `config.cacheDir`. */
  readonly folder: string
}

/** Which of the two folders applies: the configured data folder when set, else the cache. */
export function tripFileFolder(config: Pick<AppConfig, 'dataDir' | 'cacheDir'>): {
  folder: string
  source: TripFileLocation['source']
} {
  return config.dataDir === null
    ? { folder: config.cacheDir, source: 'cache' }
    : { folder: config.dataDir, source: 'data-dir' }
}
