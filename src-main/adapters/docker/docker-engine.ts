import Docker from 'dockerode'
import { createHash } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { request } from 'node:http'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { EngineInfo } from '../../shared/domain/stack'
import { AppError } from '../../shared/errors'
import { demultiplexDockerLogs } from './docker-logs'
import { translateDockerError } from './docker-errors'
import type { TarEntry } from './tar-archive'
import { buildTarArchive } from './tar-archive'
import type { PullStreamEvent } from './pull-progress'
import type { ContainerSpec } from './stack-spec'
import { STACK_APP_LABEL } from './stack-spec'

/** A container as the stack service needs to see it. */
export interface ContainerSnapshot {
  readonly name: string
  readonly image: string
  /** Docker's `State.Status`: created, running, paused, restarting, exited, dead. */
  readonly status: string
  readonly isRunning: boolean
  readonly exitCode: number
  readonly labels: Readonly<Record<string, string>>
  /** Host ports published for each container port (`5432` → 55432). */
  readonly hostPorts: Readonly<Record<number, number>>
}

export interface WaitHealthyOptions {
  readonly timeoutMs: number
  readonly intervalMs?: number
  readonly signal?: AbortSignal
}

/**
 * The container engine as the stack service uses it. `DockerEngine` is the real one (dockerode over a
 * Docker-API socket: Docker, Docker Desktop, Podman); tests may substitute a fake.
 */
export interface ContainerEngine {
  readonly endpoint: string
  ping(timeoutMs?: number): Promise<EngineInfo>
  hasImage(image: string): Promise<boolean>
  /** Resolves when the pull finished; rejects with IMAGE_NOT_FOUND / IMAGE_PULL_DENIED / DOCKER_UNAVAILABLE. */
  pullImage(
    image: string,
    onEvent: (event: PullStreamEvent) => void,
    signal?: AbortSignal,
  ): Promise<void>
  ensureNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void>
  ensureVolume(name: string, labels: Readonly<Record<string, string>>): Promise<void>
  inspectContainer(name: string): Promise<ContainerSnapshot | null>
  /** Creates the container if missing (or recreates it if its spec changed), then starts it. */
  ensureRunning(spec: ContainerSpec): Promise<'created' | 'started' | 'running'>
  /**
   * Polls until `probe` resolves; fails fast when the container exits, or when the probe rejects with
   * an `AppError` (a problem waiting cannot fix, such as a name that does not resolve).
   */
  waitHealthy(name: string, probe: () => Promise<void>, options: WaitHealthyOptions): Promise<void>
  stop(name: string, timeoutSeconds?: number): Promise<void>
  remove(name: string): Promise<void>
  removeVolume(name: string): Promise<void>
  removeNetwork(name: string): Promise<void>
  /** Names of containers carrying driftdesk's app label. */
  listAppContainers(): Promise<string[]>
  logs(name: string, tail: number): Promise<string>
}

/** `unix:///path`, `tcp://host:port` or `npipe:////./pipe/docker_engine` → dockerode options. */
export function dockerOptionsForEndpoint(endpoint: string): Docker.DockerOptions {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length) }
  if (endpoint.startsWith('npipe://')) return { socketPath: endpoint.slice('npipe://'.length) }
  const tcp = /^(?:tcp|http):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(endpoint)
  if (tcp !== null) {
    return { host: tcp[1] ?? 'localhost', port: Number(tcp[2] ?? 2375), protocol: 'http' }
  }
  throw new AppError(
    'DOCKER_UNAVAILABLE',
    `The container engine address '${endpoint}' is not supported: use unix:///path/to/docker.sock or tcp://host:port.`,
  )
}

const SPEC_HASH_LABEL = 'io.driftdesk.spec-hash'

/** The only place that creates a dockerode client (lint-enforced). */
export class DockerEngine implements ContainerEngine {
  private readonly docker: Docker

  constructor(readonly endpoint: string) {
    this.docker = new Docker(dockerOptionsForEndpoint(endpoint))
  }

  /**
   * `GET /_ping`, reading the engine's name and version from its response headers (`Server:
   * Docker/27.3.1 (linux)` or `Libpod/4.3.1 (linux)`, `Api-Version`). `/version` would say the same
   * but takes ~6 s on Podman 4, which queries its package manager on every call.
   */
  async ping(timeoutMs = 3000): Promise<EngineInfo> {
    const options = dockerOptionsForEndpoint(this.endpoint)
    try {
      const headers = await requestPingHeaders(options, timeoutMs)
      const server = /^(Docker|Libpod)\/([^\s]+)/.exec(headers.server ?? '')
      const name = server?.[1] === 'Libpod' ? 'Podman Engine' : 'Docker Engine'
      const apiVersion = headers['api-version'] ?? 'unknown'
      return {
        name,
        version: server?.[2] ?? 'unknown',
        apiVersion,
        endpoint: this.endpoint,
        source: '',
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new AppError(
          'DOCKER_UNAVAILABLE',
          `The container engine at ${this.endpoint} did not answer within ${timeoutMs} ms. Restart Docker or Podman and try again.`,
          { cause: error },
        )
      }
      throw this.translate(error, 'reach the container engine')
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect()
      return true
    } catch (error) {
      if (statusCodeOf(error) === 404) return false
      throw this.translate(error, `inspect image ${image}`, image)
    }
  }

  async pullImage(
    image: string,
    onEvent: (event: PullStreamEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const action = `pull image ${image}`
    let stream: NodeJS.ReadableStream
    try {
      stream = (await this.docker.pull(
        image,
        signal ? { abortSignal: signal } : {},
      )) as NodeJS.ReadableStream
    } catch (error) {
      throw this.translateAbort(error, signal) ?? this.translate(error, action, image)
    }
    // The engine answers 200 and reports failures inside the stream, so every line is checked.
    let buffered = ''
    let failure: string | undefined
    const handleLine = (line: string): void => {
      const trimmed = line.trim()
      if (trimmed === '') return
      let event: PullStreamEvent
      try {
        event = JSON.parse(trimmed) as PullStreamEvent
      } catch {
        event = { error: `The engine sent an unreadable progress line: ${trimmed.slice(0, 200)}` }
      }
      onEvent(event)
      const message = event.errorDetail?.message ?? event.error
      if (message !== undefined && message !== '' && failure === undefined) failure = message
    }
    try {
      for await (const chunk of stream) {
        buffered += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
        let newline = buffered.indexOf('\n')
        while (newline >= 0) {
          handleLine(buffered.slice(0, newline))
          buffered = buffered.slice(newline + 1)
          newline = buffered.indexOf('\n')
        }
      }
      handleLine(buffered)
    } catch (error) {
      throw this.translateAbort(error, signal) ?? this.translate(error, action, image)
    }
    if (failure !== undefined) {
      throw this.translate(new Error(failure), action, image)
    }
  }

  async ensureNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.docker.getNetwork(name).inspect()
      return
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw this.translate(error, `inspect network ${name}`)
    }
    try {
      await this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { ...labels } })
    } catch (error) {
      // Another start created it between our inspect and create.
      if (statusCodeOf(error) !== 409) throw this.translate(error, `create network ${name}`)
    }
  }

  async ensureVolume(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.docker.getVolume(name).inspect()
      return
    } catch (error) {
      if (statusCodeOf(error) !== 404) throw this.translate(error, `inspect volume ${name}`)
    }
    try {
      await this.docker.createVolume({ Name: name, Labels: { ...labels } })
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw this.translate(error, `create volume ${name}`)
    }
  }

  async inspectContainer(name: string): Promise<ContainerSnapshot | null> {
    let info: Docker.ContainerInspectInfo
    try {
      info = await this.docker.getContainer(name).inspect()
    } catch (error) {
      if (statusCodeOf(error) === 404) return null
      throw this.translate(error, `inspect container ${name}`)
    }
    const hostPorts: Record<number, number> = {}
    const bindings = info.HostConfig.PortBindings as
      Record<string, { HostPort?: string }[] | null> | undefined
    for (const [key, value] of Object.entries(bindings ?? {})) {
      const hostPort = Number(value?.[0]?.HostPort)
      if (Number.isInteger(hostPort) && hostPort > 0) hostPorts[Number.parseInt(key, 10)] = hostPort
    }
    return {
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      status: info.State.Status,
      isRunning: info.State.Running,
      exitCode: info.State.ExitCode,
      labels: info.Config.Labels ?? {},
      hostPorts,
    }
  }

  async ensureRunning(spec: ContainerSpec): Promise<'created' | 'started' | 'running'> {
    const hash = specHash(spec)
    const existing = await this.inspectContainer(spec.name)
    if (existing !== null && existing.labels[SPEC_HASH_LABEL] !== hash) {
      // Same name, different definition (an older driftdesk, a new image pin): data live in named
      // volumes, so replacing the container loses nothing.
      await this.remove(spec.name)
    } else if (existing !== null) {
      // Copied on every start, so edited dashboards and provisioning reach an existing container.
      await this.copyMounts(spec)
      if (existing.isRunning) return 'running'
      await this.start(spec.name)
      return 'started'
    }
    try {
      await this.docker.createContainer(containerCreateOptions(spec, hash))
    } catch (error) {
      throw this.translate(error, `create container ${spec.name}`, spec.image)
    }
    await this.copyMounts(spec)
    await this.start(spec.name)
    return 'created'
  }

  async waitHealthy(
    name: string,
    probe: () => Promise<void>,
    options: WaitHealthyOptions,
  ): Promise<void> {
    const deadline = Date.now() + options.timeoutMs
    const interval = options.intervalMs ?? 500
    let lastProblem = 'no answer yet'
    for (;;) {
      if (options.signal?.aborted === true) {
        throw new AppError('CANCELLED', `Stopped waiting for ${name}.`)
      }
      const snapshot = await this.inspectContainer(name)
      if (snapshot === null) {
        throw new AppError('STACK_UNHEALTHY', `The container ${name} disappeared while starting.`)
      }
      if (
        !snapshot.isRunning &&
        snapshot.status !== 'restarting' &&
        snapshot.status !== 'created'
      ) {
        const tail = await this.logs(name, 15).catch(() => '')
        throw new AppError(
          'STACK_UNHEALTHY',
          `The container ${name} stopped while starting (${snapshot.status}, exit code ${snapshot.exitCode}). Its last log lines:\n${tail.trim()}`,
        )
      }
      if (snapshot.isRunning) {
        try {
          await probe()
          return
        } catch (error) {
          if (error instanceof AppError) throw error
          lastProblem = error instanceof Error ? error.message : String(error)
        }
      }
      if (Date.now() >= deadline) {
        throw new AppError(
          'STACK_UNHEALTHY',
          `The container ${name} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (last check: ${lastProblem}). See \`driftdesk stack logs\`.`,
        )
      }
      await delay(interval, undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => undefined,
      )
    }
  }

  async stop(name: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.docker.getContainer(name).stop({ t: timeoutSeconds })
    } catch (error) {
      const status = statusCodeOf(error)
      // 304: already stopped; 404: nothing to stop.
      if (status === 304 || status === 404) return
      throw this.translate(error, `stop container ${name}`)
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).remove({ force: true, v: false })
    } catch (error) {
      if (statusCodeOf(error) === 404) return
      throw this.translate(error, `remove container ${name}`)
    }
  }

  async removeVolume(name: string): Promise<void> {
    try {
      await this.docker.getVolume(name).remove()
    } catch (error) {
      if (statusCodeOf(error) === 404) return
      throw this.translate(error, `remove volume ${name}`)
    }
  }

  async removeNetwork(name: string): Promise<void> {
    try {
      await this.docker.getNetwork(name).remove()
    } catch (error) {
      if (statusCodeOf(error) === 404) return
      throw this.translate(error, `remove network ${name}`)
    }
  }

  async listAppContainers(): Promise<string[]> {
    try {
      const containers = await this.docker.listContainers({
        all: true,
        filters: { label: [STACK_APP_LABEL] },
      })
      return containers.map((container) => (container.Names[0] ?? container.Id).replace(/^\//, ''))
    } catch (error) {
      throw this.translate(error, 'list driftdesk containers')
    }
  }

  async logs(name: string, tail: number): Promise<string> {
    try {
      const output = (await this.docker
        .getContainer(name)
        .logs({ stdout: true, stderr: true, tail, follow: false, timestamps: false })) as unknown
      const buffer = Buffer.isBuffer(output) ? output : Buffer.from(String(output))
      return demultiplexDockerLogs(
        new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      )
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        throw new AppError(
          'STACK_UNHEALTHY',
          `There is no container ${name}: run \`driftdesk stack up\` first.`,
        )
      }
      throw this.translate(error, `read the logs of ${name}`)
    }
  }

  /**
   * Puts the spec's configuration files into the container through the Docker API instead of bind
   * mounts: it works whatever the engine can see of this machine's disk (Docker Desktop's file
   * sharing, a packaged app under /Applications, a home folder other users cannot traverse, SELinux
   * labels), and the files arrive root-owned and world-readable for any container user.
   * compose.yaml expresses the same files as read-only bind mounts.
   */
  private async copyMounts(spec: ContainerSpec): Promise<void> {
    if (spec.mounts.length === 0) return
    const entries: TarEntry[] = []
    for (const mount of spec.mounts)
      entries.push(...(await readMountEntries(mount.source, mount.target)))
    const archive = await buildTarArchive(entries, Math.floor(Date.now() / 1000))
    try {
      await this.docker.getContainer(spec.name).putArchive(archive, { path: '/' })
    } catch (error) {
      throw this.translate(error, `copy configuration files into ${spec.name}`)
    }
  }

  private async start(name: string): Promise<void> {
    try {
      await this.docker.getContainer(name).start()
    } catch (error) {
      // 304: already running.
      if (statusCodeOf(error) === 304) return
      throw this.translate(error, `start container ${name}`)
    }
  }

  private translate(error: unknown, action: string, image?: string): AppError {
    return translateDockerError(error, {
      action,
      endpoint: this.endpoint,
      ...(image === undefined ? {} : { image }),
    })
  }

  private translateAbort(error: unknown, signal: AbortSignal | undefined): AppError | null {
    if (signal?.aborted === true)
      return new AppError('CANCELLED', 'The image pull was cancelled.', { cause: error })
    return null
  }
}

function requestPingHeaders(
  options: Docker.DockerOptions,
  timeoutMs: number,
): Promise<Record<string, string | undefined>> {
  return new Promise((resolve, reject) => {
    const target =
      options.socketPath !== undefined
        ? { socketPath: options.socketPath }
        : { host: String(options.host ?? 'localhost'), port: Number(options.port ?? 2375) }
    const req = request(
      { ...target, path: '/_ping', method: 'GET', signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        res.resume()
        res.on('end', () => {
          if ((res.statusCode ?? 0) !== 200) {
            reject(
              Object.assign(new Error(`the engine answered HTTP ${res.statusCode} to _ping`), {
                statusCode: res.statusCode,
              }),
            )
            return
          }
          const headers: Record<string, string | undefined> = {}
          for (const [key, value] of Object.entries(res.headers))
            headers[key] = Array.isArray(value) ? value[0] : value
          resolve(headers)
        })
      },
    )
    req.on('error', (error) => {
      // An AbortSignal.timeout abort surfaces as AbortError whose cause is the TimeoutError.
      const cause = (error as { cause?: unknown }).cause
      reject(cause instanceof Error && cause.name === 'TimeoutError' ? cause : error)
    })
    req.end()
  })
}

/**
 * The files under `source` (a file or a folder) as tar entries placed at `target` inside the
 * container. Scripts keep their execute bit; everything is readable by every container user.
 */
async function readMountEntries(source: string, target: string): Promise<TarEntry[]> {
  const prefix = target.replace(/^\/+/, '').replace(/\/+$/, '')
  let info
  try {
    info = await stat(source)
  } catch (error) {
    throw new AppError(
      'INTERNAL',
      `driftdesk's stack file ${source} is missing (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}); reinstall driftdesk or restore it from the repository.`,
      { cause: error },
    )
  }
  const modeOf = (mode: number): number => (mode & 0o111 ? 0o755 : 0o644)
  if (info.isFile())
    return [{ name: prefix, content: await readFile(source), mode: modeOf(info.mode) }]
  const entries: TarEntry[] = []
  const walk = async (folder: string, relative: string): Promise<void> => {
    const children = await readdir(folder, { withFileTypes: true })
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const child of children) {
      const path = join(folder, child.name)
      const name = `${relative}/${child.name}`
      if (child.isDirectory()) await walk(path, name)
      else if (child.isFile()) {
        entries.push({ name, content: await readFile(path), mode: modeOf((await stat(path)).mode) })
      }
    }
  }
  await walk(source, prefix)
  return entries
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { statusCode?: unknown }).statusCode
  return typeof status === 'number' ? status : undefined
}

/** The Docker API's container-create body for a spec; exported for the unit test of its shape. */
export function containerCreateOptions(
  spec: ContainerSpec,
  hash = specHash(spec),
): Docker.ContainerCreateOptions {
  const exposedPorts: Record<string, object> = {}
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const port of spec.ports) {
    exposedPorts[`${port.containerPort}/tcp`] = {}
    portBindings[`${port.containerPort}/tcp`] = [
      { HostIp: port.hostIp, HostPort: String(port.hostPort) },
    ]
  }
  return {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: { ...spec.labels, [SPEC_HASH_LABEL]: hash },
    ExposedPorts: exposedPorts,
    ...(spec.stopSignal === undefined ? {} : { StopSignal: spec.stopSignal }),
    HostConfig: {
      PortBindings: portBindings,
      // Configuration files (spec.mounts) are copied in by ensureRunning, not bind-mounted.
      Binds: spec.volumes.map((volume) => `${volume.volume}:${volume.target}`),
      RestartPolicy: { Name: spec.restartPolicy },
      NetworkMode: spec.network,
    },
    NetworkingConfig: {
      EndpointsConfig: { [spec.network]: { Aliases: [...spec.networkAliases] } },
    },
  }
}

/**
 * A fingerprint of the spec, stored as a label so a changed definition is recreated rather than
 * silently reused. Only change detection: the secrets it covers are long and random.
 */
export function specHash(spec: ContainerSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16)
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
