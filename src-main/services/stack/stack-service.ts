import type { ContainerEngine, ContainerSnapshot } from '../../adapters/docker/docker-engine'
import type { DiscoveredEngine } from '../../adapters/docker/engine-discovery'
import type { ImagePullState } from '../../adapters/docker/pull-progress'
import {
  initialImagePullState,
  reduceImagePull,
  summarizePull,
} from '../../adapters/docker/pull-progress'
import type {
  ContainerSpec,
  StackPorts,
  StackSecrets,
  StackSpec,
} from '../../adapters/docker/stack-spec'
import {
  buildStackSpec,
  containerName,
  DEFAULT_STACK_PORTS,
  GRAFANA_DASHBOARD_UID,
  STACK_DATABASE,
  STACK_DATABASE_USER,
  STACK_IMAGES,
} from '../../adapters/docker/stack-spec'
import type {
  PullProgress,
  ServiceHealth,
  SkippedService,
  StackServiceName,
  StackStatus,
  StackUrls,
} from '../../shared/domain/stack'
import { STACK_SERVICES } from '../../shared/domain/stack'
import { AppError } from '../../shared/errors'
import type { HealthProbes } from './health-probes'
import { httpAndSqlHealthProbes } from './health-probes'
import { findFreeLoopbackPort, isLoopbackPortFree } from '../../adapters/network/port-availability'
import { readStackPorts, writeStackPorts } from './stack-ports'
import { resolveStackDatabaseUrl } from './stack-database-url'
import { loadOrCreateStackSecrets, readStackSecrets } from './stack-secrets'

export interface StackServiceDependencies {
  /** The app home (`config.homeDir`): secrets and chosen ports live in `<home>/stack/`. */
  readonly homeDir: string
  readonly resourcesDir: string
  readonly dashboardsDir: string
  /** Finds the container engine; called on every operation so a started Docker is picked up. */
  readonly discover: () => Promise<DiscoveredEngine>
  readonly probes?: HealthProbes
  readonly isPortFree?: (port: number) => Promise<boolean>
  /** Per-service health wait; PostgreSQL's first start (initdb) takes a few seconds, Grafana ~10-30 s. */
  readonly healthTimeoutMs?: number
  /** Least time between two pull progress events (default 100 ms: about 10 events/s). */
  readonly pullProgressIntervalMs?: number
}

export interface StackUpOptions {
  /** Pull images even when present (to update to the pinned tag's latest digest). */
  readonly pull?: boolean
  /** Start only these services (PostgreSQL alone is enough for the backfill). Default: all three. */
  readonly services?: readonly StackServiceName[]
  readonly onPullProgress?: (progress: PullProgress) => void
  /** Human-readable steps ("created driftdesk-postgres", "port 5432 is taken, using 5433"); never secrets. */
  readonly onMessage?: (message: string) => void
  readonly signal?: AbortSignal
}

/**
 * The monitoring stack's use cases: start (idempotent), status, logs, stop, remove, URLs. Transport
 * agnostic: the CLI, IPC and the browser-mode server call the same methods.
 */
export class StackService {
  private readonly probes: HealthProbes
  private readonly isPortFree: (port: number) => Promise<boolean>

  constructor(private readonly deps: StackServiceDependencies) {
    this.probes = deps.probes ?? httpAndSqlHealthProbes
    this.isPortFree = deps.isPortFree ?? isLoopbackPortFree
  }

  /**
   * Starts the stack: checks ports before creating anything, pulls missing images with progress,
   * creates the network and volumes, creates or restarts the containers and waits until each answers.
   * A healthy stack is reused as is. Grafana and Adminer need PostgreSQL, so asking for either starts
   * PostgreSQL too when it is not running (as compose's `depends_on` does).
   *
   * Partly up: when Grafana's or Adminer's image cannot be had (offline, no registry), the others
   * still start and the result lists the missing one in `skipped`, with how to get it. Only when
   * PostgreSQL's image is missing, or nothing asked for can start, does `up` fail.
   *
   * @throws {AppError} DOCKER_UNAVAILABLE, PORT_IN_USE, IMAGE_NOT_FOUND, IMAGE_PULL_DENIED, STACK_UNHEALTHY, CANCELLED
   */
  async up(options: StackUpOptions = {}): Promise<StackStatus> {
    const say = options.onMessage ?? (() => undefined)
    const engine = await this.requireEngine()
    const requested = orderedServices(options.services)
    let services = requested
    const secrets = await loadOrCreateStackSecrets(this.deps.homeDir)
    const savedPorts = await readStackPorts(this.deps.homeDir)
    const snapshots = new Map<StackServiceName, ContainerSnapshot | null>()
    if (!services.includes('postgres')) {
      const postgres = await engine.inspectContainer(containerName('postgres'))
      if (postgres?.isRunning !== true) {
        say(
          `starting postgres too: ${services.join(' and ')} need${services.length === 1 ? 's' : ''} it`,
        )
        services = orderedServices([...services, 'postgres'])
      }
    }
    for (const service of services)
      snapshots.set(service, await engine.inspectContainer(containerName(service)))
    // Ports are checked before anything is pulled or created; what was moved is said (and saved) only
    // once it is known that something starts.
    const portNotes: string[] = []
    const ports = await this.choosePorts(
      savedPorts ?? { ...DEFAULT_STACK_PORTS },
      services,
      snapshots,
      (note) => portNotes.push(note),
    )
    const unavailable = await this.ensureImages(
      engine,
      services.map((service) => STACK_IMAGES[service]),
      options,
    )
    const postgresFailure = unavailable.get(STACK_IMAGES.postgres)
    const startableServices = services.filter((service) => !unavailable.has(STACK_IMAGES[service]))
    // Without PostgreSQL nothing else is of use; with nothing asked for startable, nothing is done.
    const fatal =
      postgresFailure ??
      (startableServices.some((service) => requested.includes(service))
        ? undefined
        : [...unavailable.values()][0])
    if (fatal !== undefined) throw fatal
    for (const note of portNotes) say(note)
    if (
      savedPorts === null ||
      STACK_SERVICES.some((service) => savedPorts[service] !== ports[service])
    ) {
      await writeStackPorts(this.deps.homeDir, ports)
    }
    const spec = this.buildSpec(ports, secrets)
    const selected = spec.containers.filter((container) =>
      startableServices.includes(container.service),
    )
    const skipped: SkippedService[] = services
      .filter((service) => unavailable.has(STACK_IMAGES[service]))
      .map((service) => ({
        service,
        image: STACK_IMAGES[service],
        reason: skippedReason(
          STACK_IMAGES[service],
          unavailable.get(STACK_IMAGES[service]),
          startableServices,
        ),
      }))
    for (const item of skipped)
      say(`not starting ${item.service}: its image ${item.image} could not be pulled`)

    await engine.ensureNetwork(spec.network, spec.labels)
    for (const volume of requiredVolumes(selected)) await engine.ensureVolume(volume, spec.labels)
    for (const container of selected) {
      const outcome = await engine.ensureRunning(container)
      say(
        outcome === 'running'
          ? `${container.name} is already running`
          : outcome === 'started'
            ? `restarted ${container.name}`
            : `created ${container.name} (${container.image})`,
      )
    }
    for (const container of selected) {
      await engine.waitHealthy(
        container.name,
        () => this.probe(container.service, ports, secrets, engine),
        {
          timeoutMs: this.deps.healthTimeoutMs ?? 120_000,
          ...(options.signal ? { signal: options.signal } : {}),
        },
      )
      say(`${container.name} is healthy on 127.0.0.1:${ports[container.service]}`)
    }
    const status = await this.status()
    if (skipped.length === 0) return status
    return {
      ...status,
      services: status.services.map((item) => {
        const entry = skipped.find((candidate) => candidate.service === item.service)
        return entry === undefined || item.state === 'healthy'
          ? item
          : { ...item, detail: `not started: its image ${entry.image} could not be pulled` }
      }),
      skipped,
    }
  }

  /** Each service's state, the engine found (or why none), and the URLs once configured. Never throws for a missing engine. */
  async status(): Promise<StackStatus> {
    const { discovery, engine } = await this.deps.discover()
    const ports = await readStackPorts(this.deps.homeDir)
    const secrets = await readStackSecrets(this.deps.homeDir)
    const services: ServiceHealth[] = []
    for (const service of STACK_SERVICES) {
      const base = { service, containerName: containerName(service), image: STACK_IMAGES[service] }
      if (engine === null) {
        services.push({ ...base, state: 'missing', hostPort: null, detail: 'no container engine' })
        continue
      }
      const snapshot = await engine.inspectContainer(base.containerName)
      if (snapshot === null) {
        services.push({ ...base, state: 'missing', hostPort: null })
        continue
      }
      const hostPort = snapshot.hostPorts[CONTAINER_PORTS[service]] ?? null
      if (!snapshot.isRunning) {
        services.push({
          ...base,
          state: 'stopped',
          hostPort,
          detail: `${snapshot.status}, exit code ${snapshot.exitCode}`,
        })
        continue
      }
      if (secrets === null || hostPort === null) {
        services.push({
          ...base,
          state: 'unhealthy',
          hostPort,
          detail: 'not started by this driftdesk home',
        })
        continue
      }
      try {
        await this.probe(
          service,
          { ...(ports ?? DEFAULT_STACK_PORTS), [service]: hostPort },
          secrets,
          engine,
        )
        services.push({ ...base, state: 'healthy', hostPort })
      } catch (error) {
        services.push({
          ...base,
          state: 'starting',
          hostPort,
          detail: error instanceof Error ? error.message : String(error),
        })
      }
    }
    return { engine: discovery, services, urls: await this.urls() }
  }

  /**
   * Where to open Grafana and Adminer and how to connect to PostgreSQL, or `null` before the first
   * `stack up`. The PostgreSQL URL carries no password; the Adminer URL carries the Adminer access
   * token (not a database password), which signs the browser in. The token sits in the fragment,
   * which a browser never sends, so no access log records it.
   */
  async urls(): Promise<StackUrls | null> {
    const ports = await readStackPorts(this.deps.homeDir)
    const secrets = await readStackSecrets(this.deps.homeDir)
    if (ports === null || secrets === null) return null
    const grafana = `http://127.0.0.1:${ports.grafana}`
    return {
      grafana,
      grafanaDashboard: `${grafana}/d/${GRAFANA_DASHBOARD_UID}/driftdesk-monitoring?orgId=1`,
      adminer: `http://127.0.0.1:${ports.adminer}/#driftdesk_token=${encodeURIComponent(secrets.adminerToken)}`,
      postgres: `postgresql://${STACK_DATABASE_USER}@127.0.0.1:${ports.postgres}/${STACK_DATABASE}`,
    }
  }

  /**
   * The last `tail` log lines of one service's container, with every stack secret (and any
   * `driftdesk_token=` value, as older versions put the token in Adminer's query string, which its
   * access log printed) replaced by `***`.
   */
  async logs(service: StackServiceName, tail = 200): Promise<string> {
    const engine = await this.requireEngine()
    const text = await engine.logs(containerName(service), tail)
    return redactSecrets(text, await readStackSecrets(this.deps.homeDir))
  }

  /** Stops the containers and keeps them (and the data); `up` restarts them. */
  async stop(): Promise<void> {
    const engine = await this.requireEngine()
    for (const service of [...STACK_SERVICES].reverse()) await engine.stop(containerName(service))
  }

  /**
   * Removes driftdesk's containers and network. Data volumes are kept unless `volumes` is set, in
   * which case PostgreSQL's data and Grafana's state are deleted too.
   */
  async down(options: { readonly volumes?: boolean } = {}): Promise<void> {
    const engine = await this.requireEngine()
    const names = new Set([
      ...STACK_SERVICES.map(containerName),
      ...(await engine.listAppContainers()),
    ])
    for (const name of names) await engine.remove(name)
    const spec = this.buildSpec(DEFAULT_STACK_PORTS, PLACEHOLDER_SECRETS)
    await engine.removeNetwork(spec.network)
    if (options.volumes === true)
      for (const volume of spec.volumes) await engine.removeVolume(volume)
  }

  /**
   * The stack database's connection string, with the password, for the backfill's `--database-url`;
   * `null` when the stack was never started or PostgreSQL does not answer. Never print it.
   */
  async databaseUrl(): Promise<string | null> {
    return resolveStackDatabaseUrl(this.deps.homeDir, (url) => this.probes.postgres(url))
  }

  private async requireEngine(): Promise<ContainerEngine> {
    const { discovery, engine } = await this.deps.discover()
    if (engine === null) {
      throw new AppError(
        'DOCKER_UNAVAILABLE',
        discovery.found ? 'The container engine is not available.' : discovery.message,
      )
    }
    return engine
  }

  private buildSpec(ports: StackPorts, secrets: StackSecrets): StackSpec {
    return buildStackSpec({
      ports,
      secrets,
      resourcesDir: this.deps.resourcesDir,
      dashboardsDir: this.deps.dashboardsDir,
    })
  }

  /**
   * Keeps each running container's port; for a service that must be (re)started, checks that its
   * port is free before anything is created, and moves to the next free port when it is not.
   */
  private async choosePorts(
    start: StackPorts,
    services: readonly StackServiceName[],
    snapshots: ReadonlyMap<StackServiceName, ContainerSnapshot | null>,
    say: (message: string) => void,
  ): Promise<StackPorts> {
    const ports = { ...start }
    const reserved = new Set<number>()
    for (const service of services) {
      const snapshot = snapshots.get(service) ?? null
      const boundPort = snapshot?.hostPorts[CONTAINER_PORTS[service]]
      if (snapshot?.isRunning === true && boundPort !== undefined) {
        ports[service] = boundPort
        reserved.add(boundPort)
      }
    }
    for (const service of services) {
      const snapshot = snapshots.get(service) ?? null
      if (
        snapshot?.isRunning === true &&
        snapshot.hostPorts[CONTAINER_PORTS[service]] !== undefined
      )
        continue
      const wanted = ports[service]
      const free = await findFreeLoopbackPort(wanted, reserved, this.isPortFree)
      if (free === null) {
        throw new AppError(
          'PORT_IN_USE',
          `Port ${wanted} (for ${service}) and the 49 ports after it are in use on 127.0.0.1. Free one, or edit ${service} in <home>/stack/ports.json.`,
        )
      }
      if (free !== wanted)
        say(`port ${wanted} is in use, so ${service} will listen on 127.0.0.1:${free}`)
      ports[service] = free
      reserved.add(free)
    }
    return ports
  }

  /**
   * Pulls what is missing (or everything, with `pull`). Returns the images that are still missing
   * after a failed pull, with the error, so `up` can start the rest; a cancelled pull or an engine
   * that went away is thrown.
   */
  private async ensureImages(
    engine: ContainerEngine,
    images: readonly string[],
    options: StackUpOptions,
  ): Promise<Map<string, AppError>> {
    const unavailable = new Map<string, AppError>()
    const say = options.onMessage ?? (() => undefined)
    const present = new Map<string, boolean>()
    for (const image of images) present.set(image, await engine.hasImage(image))
    const toPull = [...present]
      .filter(([, isPresent]) => options.pull === true || !isPresent)
      .map(([image]) => image)
    if (toPull.length === 0) return unavailable
    const states: ImagePullState[] = [...present.keys()].map((image) =>
      initialImagePullState(image, toPull.includes(image) ? 'waiting' : 'present'),
    )
    // A pull streams hundreds of events a second; listeners (a terminal bar, IPC to the window) get at
    // most one per interval, the latest state, plus every phase change (done, failed) at once.
    const intervalMs = this.deps.pullProgressIntervalMs ?? 100
    let lastEmitAt = Number.NEGATIVE_INFINITY
    let trailing: ReturnType<typeof setTimeout> | null = null
    const emit = (): void => {
      if (trailing !== null) clearTimeout(trailing)
      trailing = null
      lastEmitAt = Date.now()
      options.onPullProgress?.(summarizePull(states))
    }
    const emitThrottled = (): void => {
      const wait = lastEmitAt + intervalMs - Date.now()
      if (wait <= 0) emit()
      else trailing ??= setTimeout(emit, wait)
    }
    emit()
    for (const image of toPull) {
      const index = states.findIndex((state) => state.image === image)
      try {
        await engine.pullImage(
          image,
          (event) => {
            const current = states[index]
            if (current === undefined) return
            states[index] = reduceImagePull(current, event)
            emitThrottled()
          },
          options.signal,
        )
        const current = states[index]
        if (current !== undefined) states[index] = { ...current, phase: 'done' }
        emit()
      } catch (error) {
        const current = states[index]
        const message = error instanceof Error ? error.message : String(error)
        if (current !== undefined) states[index] = { ...current, phase: 'failed', error: message }
        emit()
        // With --pull on an image we already have, a failed update is not fatal.
        if (
          present.get(image) === true &&
          !(error instanceof AppError && error.code === 'CANCELLED')
        ) {
          say(`could not update ${image}; using the local copy (${message})`)
          continue
        }
        if (
          error instanceof AppError &&
          (error.code === 'IMAGE_NOT_FOUND' || error.code === 'IMAGE_PULL_DENIED')
        ) {
          unavailable.set(image, error)
          continue
        }
        throw error
      }
    }
    return unavailable
  }

  private async probe(
    service: StackServiceName,
    ports: StackPorts,
    secrets: StackSecrets,
    engine: ContainerEngine,
  ): Promise<void> {
    switch (service) {
      case 'postgres':
        return this.probes.postgres(postgresUrl(ports.postgres, secrets))
      case 'grafana':
        return this.probes.grafana(`http://127.0.0.1:${ports.grafana}`)
      case 'adminer':
        try {
          return await this.probes.adminer(
            `http://127.0.0.1:${ports.adminer}`,
            secrets.adminerToken,
          )
        } catch (error) {
          // A stopped PostgreSQL container also has no name on the network: say that, not the
          // advice for a network without name lookup.
          const postgres = await engine.inspectContainer(containerName('postgres'))
          if (postgres?.isRunning !== true)
            throw new AppError(
              'STACK_UNHEALTHY',
              'Adminer is up but PostgreSQL is not running: start it with `driftdesk stack up`.',
              { cause: error },
            )
          throw error
        }
    }
  }
}

const CONTAINER_PORTS: Readonly<Record<StackServiceName, number>> = {
  postgres: 5432,
  grafana: 3000,
  adminer: 8080,
}

// Only names (network, volumes) are read from a spec built with these.
const PLACEHOLDER_SECRETS: StackSecrets = {
  postgresPassword: '-',
  grafanaAdminPassword: '-',
  grafanaReaderPassword: '-',
  adminerToken: '-',
}

function redactSecrets(text: string, secrets: StackSecrets | null): string {
  let redacted = text.replace(/(driftdesk_token=)[^&#\s"']+/g, '$1***')
  for (const secret of Object.values(secrets ?? {}) as string[]) {
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      if (form.length >= 8) redacted = redacted.split(form).join('***')
  }
  return redacted
}

function postgresUrl(port: number, secrets: StackSecrets): string {
  return `postgresql://${STACK_DATABASE_USER}:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${port}/${STACK_DATABASE}`
}

/**
 * Why a service was left out of a partly-up stack: the engine's pull error (which says how to get the
 * image) and how to start without it.
 */
function skippedReason(
  image: string,
  failure: AppError | undefined,
  started: readonly StackServiceName[],
): string {
  const why = failure?.message ?? `The image ${image} could not be pulled.`
  return `${why} To start without it and exit 0: \`driftdesk stack up --only ${started.join(',')}\`.`
}

/** PostgreSQL first: Grafana's data source and Adminer point at it. */
function orderedServices(requested: readonly StackServiceName[] | undefined): StackServiceName[] {
  if (requested === undefined || requested.length === 0) return [...STACK_SERVICES]
  return STACK_SERVICES.filter((service) => requested.includes(service))
}

function requiredVolumes(containers: readonly ContainerSpec[]): string[] {
  return [
    ...new Set(containers.flatMap((container) => container.volumes.map((volume) => volume.volume))),
  ]
}
