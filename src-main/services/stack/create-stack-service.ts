import { getuid } from 'node:process'
import { fileURLToPath } from 'node:url'
import { discoverEngine } from '../../adapters/docker/engine-discovery'
import type { AppConfig } from '../../config/app-config'
import { StackService } from './stack-service'

export interface StackAssetPaths {
  /** The folder holding `grafana/` and `adminer/` (the repository's `resources/`). */
  readonly resourcesDir: string
  readonly dashboardsDir: string
}

/**
 * The repository's `resources/` and `dashboards/`, found from this file's location (src-main/services/stack).
 * A packaged Electron app passes its own paths (under `process.resourcesPath`) instead.
 */
export function repositoryAssetPaths(): StackAssetPaths {
  return {
    resourcesDir: fileURLToPath(new URL('../../../resources', import.meta.url)),
    dashboardsDir: fileURLToPath(new URL('../../../dashboards', import.meta.url)),
  }
}

/**
 * Wires the stack service to the real engine discovery. `env` is only used to find the engine
 * (`DOCKER_HOST`, `XDG_RUNTIME_DIR`), as the docker CLI does.
 */
export function createStackService(
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>>,
  assets: StackAssetPaths = repositoryAssetPaths(),
  userHomeDir: string = env.HOME ?? config.homeDir,
): StackService {
  return new StackService({
    homeDir: config.homeDir,
    resourcesDir: assets.resourcesDir,
    dashboardsDir: assets.dashboardsDir,
    discover: () =>
      discoverEngine({
        env,
        homeDir: userHomeDir,
        uid: typeof getuid === 'function' ? getuid() : null,
        platform: process.platform,
      }),
  })
}
