/**
 * Plain data about the monitoring stack (PostgreSQL, Grafana, Adminer in containers), shared by the
 * stack service, the CLI and the renderer. No password ever appears in these types; `StackUrls.adminer`
 * carries Adminer's auto-login token (see there).
 */

/** The three services of the course's docker-compose file, under driftdesk's names. */
export const STACK_SERVICES = ['postgres', 'grafana', 'adminer'] as const
export type StackServiceName = (typeof STACK_SERVICES)[number]

/** A Docker-API engine that answered `_ping` and `/version`. */
export interface EngineInfo {
  /** `Docker Engine`, `Podman Engine`, `Docker Desktop`… from the version's component name or platform. */
  readonly name: string
  readonly version: string
  readonly apiVersion: string
  /** Where it was found: `unix:///run/podman/podman.sock`, `tcp://host:2375`. */
  readonly endpoint: string
  /** Why that endpoint was tried: `DOCKER_HOST`, `Docker's default socket`, `Podman (rootless)`… */
  readonly source: string
}

/** The outcome of looking for an engine: found, or one sentence saying what to install or start. */
export type EngineDiscovery =
  | { readonly found: true; readonly engine: EngineInfo }
  | {
      readonly found: false
      /** One sentence for a learner: what to install or start. The app keeps working on its embedded database. */
      readonly message: string
      /** Every endpoint tried, with why it failed, for `stack status --json` and bug reports. */
      readonly tried: readonly { readonly endpoint: string; readonly problem: string }[]
    }

/**
 * A container's state as the user sees it. `missing`: never created; `stopped`: created or exited;
 * `starting`: running but not answering yet; `healthy`: answering its probe; `unhealthy`: running but
 * the probe fails.
 */
export type ServiceState = 'missing' | 'stopped' | 'starting' | 'healthy' | 'unhealthy'

export interface ServiceHealth {
  readonly service: StackServiceName
  readonly containerName: string
  readonly image: string
  readonly state: ServiceState
  /** The 127.0.0.1 port published on the host, when the container exists. */
  readonly hostPort: number | null
  /** Why it is not healthy (exit code, last probe error). */
  readonly detail?: string
}

/**
 * Where to point a browser or a client; the PostgreSQL URL never carries the password. `adminer` is
 * Adminer's auto-login URL: its fragment (`#driftdesk_token=…`, never sent to the server) carries the
 * per-install token that logs Adminer in to the stack's database (not the password itself, which stays
 * inside the container), so treat it as a credential.
 */
export interface StackUrls {
  readonly grafanaDashboard: string
  readonly grafana: string
  readonly adminer: string
  /** `postgresql://postgres@127.0.0.1:5432/driftdesk`, no password. */
  readonly postgres: string
}

/** A service `stack up` left out because its image could not be had (offline, no registry). */
export interface SkippedService {
  readonly service: StackServiceName
  readonly image: string
  /** One sentence: what failed, how to get the image, and how to start without it (`--only`). */
  readonly reason: string
}

export interface StackStatus {
  readonly engine: EngineDiscovery
  readonly services: readonly ServiceHealth[]
  /** Present once the stack has been configured (ports chosen) on this machine. */
  readonly urls: StackUrls | null
  /** From `up` only: services not started because their image is missing; the rest runs ("partly up"). */
  readonly skipped?: readonly SkippedService[]
}

/** One image's pull, aggregated over its layers. Bytes are compressed download bytes. */
export interface ImagePullProgress {
  readonly image: string
  readonly phase: 'waiting' | 'pulling' | 'done' | 'present' | 'failed'
  readonly layers: number
  readonly layersDone: number
  readonly bytesDone: number
  /** Sum of the layer sizes announced so far; grows as the engine learns more layers. */
  readonly bytesTotal: number
  readonly error?: string
}

/** What the single typed progress source emits while `stack up` pulls images. */
export interface PullProgress {
  readonly images: readonly ImagePullProgress[]
  readonly bytesDone: number
  readonly bytesTotal: number
}
