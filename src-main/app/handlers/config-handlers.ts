import type { AppConfig } from '../../config/app-config'
import type { StackService } from '../../services/stack/stack-service'
import type { PanelConfig, PanelMode } from '../../shared/ipc-contract'
import type { DatabaseConnection } from '../database-connection'
import type { JobRegistry } from '../job-registry'
import type { ChannelHandlers } from './channel-handlers'
import type { StackUrlCache } from './stack-url-cache'

export interface ConfigHandlerDeps {
  readonly mode: PanelMode
  readonly version: string
  readonly config: () => AppConfig
  readonly stack: StackService
  readonly stackUrls: StackUrlCache
  readonly connection: DatabaseConnection
  readonly jobs: JobRegistry
}

/** What the panel asks once at start: how it is served, where its data lives, which jobs still run. */
export function createConfigHandlers(
  deps: ConfigHandlerDeps,
): ChannelHandlers<'config:get' | 'jobs:running'> {
  return {
    async 'config:get'(): Promise<PanelConfig> {
      const urls = await deps.stackUrls.refresh()
      // URLs are known from the ports file even when the stack is stopped; a frame on them would show
      // "refused to connect", so only a healthy service gets its URL.
      const status = urls === null ? null : await deps.stack.status().catch(() => null)
      const isHealthy = (service: string): boolean =>
        status?.services.some(
          (health) => health.service === service && health.state === 'healthy',
        ) === true
      const database = await deps.connection.describe()
      const config = deps.config()
      return {
        mode: deps.mode,
        version: deps.version,
        homeDir: config.homeDir,
        dataDir: config.dataDir ?? config.cacheDir,
        database: { kind: database.kind, description: database.description },
        grafana:
          urls === null || !isHealthy('grafana')
            ? null
            : { url: urls.grafana, dashboardUrl: withKiosk(urls.grafanaDashboard) },
        // `url` backs "open in browser": the bare origin, never the token-carrying login URL.
        adminer:
          urls === null || !isHealthy('adminer')
            ? null
            : { url: new URL(urls.adminer).origin, loginUrl: urls.adminer },
        frameOrigins: deps.stackUrls.frameOrigins(),
      }
    },

    async 'jobs:running'() {
      return { jobIds: deps.jobs.runningJobIds }
    },
  }
}

/** Grafana's kiosk mode hides its own navigation inside the panel's frame. */
function withKiosk(url: string): string {
  const parsed = new URL(url)
  parsed.searchParams.set('kiosk', '')
  return parsed.toString()
}
