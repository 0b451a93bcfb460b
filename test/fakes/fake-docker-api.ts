import { mkdtemp, rm } from 'node:fs/promises'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PullStreamEvent } from '../../src-main/adapters/docker/pull-progress'

/**
 * A small in-memory Docker Engine API served on a real unix socket, for unit tests of the docker
 * adapter and the stack service: dockerode talks HTTP to it exactly as to Docker or Podman.
 * It implements only the endpoints driftdesk uses, with Docker's status codes (404 missing,
 * 304 already started/stopped, 409 conflict) and the multiplexed log format.
 */
export interface FakeContainer {
  name: string
  image: string
  env: string[]
  labels: Record<string, string>
  portBindings: Record<string, { HostIp: string; HostPort: string }[]>
  binds: string[]
  networkMode: string
  aliases: string[]
  restartPolicy: string
  status: 'created' | 'running' | 'exited'
  exitCode: number
  logs: string
  startCount: number
  /** Files put into the container through `PUT /containers/{name}/archive`, by absolute path. */
  files: Map<string, { mode: number; content: string }>
}

export interface FakeDockerBehaviour {
  /** Server header of `_ping`: `Docker/27.3.1 (linux)` or `Libpod/4.3.1 (linux)`. */
  server: string
  /** What `POST /images/create` streams for an image; absent → a 500 "no registry". */
  pullEvents: Map<string, readonly PullStreamEvent[]>
  /** HTTP status answered for a pull, instead of streaming (e.g. 404, 401). */
  pullStatus: Map<string, { status: number; message: string }>
  /** Containers that exit (code 1) right after start, with these logs. */
  crashOnStart: Map<string, string>
  /** Answer create/start with 500 "port is already allocated" for these container names. */
  portConflictOnStart: Set<string>
  /** Images whose pull sends its first event and then stalls (a slow registry), until the client leaves. */
  stalledPulls: Set<string>
}

export interface FakeDockerApi {
  readonly socketPath: string
  readonly endpoint: string
  readonly images: Set<string>
  readonly containers: Map<string, FakeContainer>
  readonly networks: Map<string, Record<string, string>>
  readonly volumes: Map<string, Record<string, string>>
  readonly behaviour: FakeDockerBehaviour
  /** `METHOD path` of every request, in order. */
  readonly requests: string[]
  /** Closes the server (simulates the engine stopping); further requests fail with ENOENT/ECONNREFUSED. */
  stop(): Promise<void>
}

export async function startFakeDockerApi(): Promise<FakeDockerApi> {
  const folder = await mkdtemp(join(tmpdir(), 'driftdesk-fake-docker-'))
  const socketPath = join(folder, 'docker.sock')
  const api: FakeDockerApi = {
    socketPath,
    endpoint: `unix://${socketPath}`,
    images: new Set(),
    containers: new Map(),
    networks: new Map(),
    volumes: new Map(),
    behaviour: {
      server: 'Docker/27.3.1 (linux)',
      pullEvents: new Map(),
      pullStatus: new Map(),
      crashOnStart: new Map(),
      portConflictOnStart: new Set(),
      stalledPulls: new Set(),
    },
    requests: [],
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
      await rm(folder, { recursive: true, force: true })
    },
  }
  const server: Server = createServer((request, response) => {
    readBody(request)
      .then((body) => route(api, request, response, body))
      .catch((error: unknown) => send(response, 500, { message: String(error) }))
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  return api
}

// latin1 keeps every byte of a tar body; JSON bodies here are ASCII.
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status)
    response.end()
    return
  }
  response.writeHead(status, { 'Content-Type': 'application/json' })
  response.end(JSON.stringify(body))
}

const noSuch = (what: string): { message: string } => ({ message: `No such ${what}` })

function route(
  api: FakeDockerApi,
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
): void {
  const url = new URL(request.url ?? '/', 'http://docker')
  const path = decodeURIComponent(url.pathname).replace(/^\/v\d+\.\d+/, '')
  const method = request.method ?? 'GET'
  api.requests.push(`${method} ${path}`)
  let match: RegExpExecArray | null

  if (method === 'GET' && path === '/_ping') {
    response.writeHead(200, {
      'Api-Version': '1.41',
      Server: api.behaviour.server,
      'Content-Type': 'text/plain',
    })
    response.end('OK')
    return
  }
  if (method === 'POST' && path === '/images/create') {
    const fromImage = url.searchParams.get('fromImage') ?? ''
    const tag = url.searchParams.get('tag')
    const image = tag === null || tag === '' ? fromImage : `${fromImage}:${tag}`
    const status = api.behaviour.pullStatus.get(image)
    if (status !== undefined) return send(response, status.status, { message: status.message })
    const events = api.behaviour.pullEvents.get(image)
    if (api.behaviour.stalledPulls.has(image)) {
      response.writeHead(200, { 'Content-Type': 'application/json' })
      response.write(`${JSON.stringify({ status: 'Pulling fs layer', id: 'slow' })}\r\n`)
      return
    }
    if (events === undefined) {
      return send(response, 500, {
        message: `initializing source docker://${image}: pinging container registry registry-1.docker.io: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`,
      })
    }
    response.writeHead(200, { 'Content-Type': 'application/json' })
    for (const event of events) response.write(`${JSON.stringify(event)}\r\n`)
    if (!events.some((event) => event.error !== undefined)) api.images.add(image)
    response.end()
    return
  }
  if ((match = /^\/images\/(.+)\/json$/.exec(path)) !== null) {
    return api.images.has(match[1] ?? '')
      ? send(response, 200, { Id: 'sha256:fake', RepoTags: [match[1]] })
      : send(response, 404, noSuch('image'))
  }
  if (method === 'GET' && (match = /^\/(networks|volumes)\/([^/]+)$/.exec(path)) !== null) {
    const store = match[1] === 'networks' ? api.networks : api.volumes
    const labels = store.get(match[2] ?? '')
    return labels === undefined
      ? send(response, 404, noSuch(match[1] === 'networks' ? 'network' : 'volume'))
      : send(response, 200, { Name: match[2], Labels: labels })
  }
  if (method === 'POST' && (match = /^\/(networks|volumes)\/create$/.exec(path)) !== null) {
    const store = match[1] === 'networks' ? api.networks : api.volumes
    const parsed = JSON.parse(body) as { Name: string; Labels?: Record<string, string> }
    if (store.has(parsed.Name)) return send(response, 409, { message: 'already exists' })
    store.set(parsed.Name, parsed.Labels ?? {})
    return send(response, 201, { Id: parsed.Name, Name: parsed.Name })
  }
  if (method === 'DELETE' && (match = /^\/(networks|volumes)\/([^/]+)$/.exec(path)) !== null) {
    const store = match[1] === 'networks' ? api.networks : api.volumes
    if (!store.delete(match[2] ?? '')) return send(response, 404, noSuch('object'))
    return send(response, 204)
  }
  if (method === 'GET' && path === '/containers/json') {
    const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] }
    const list = [...api.containers.values()].filter((container) =>
      (filters.label ?? []).every((label) => label in container.labels),
    )
    return send(
      response,
      200,
      list.map((container) => ({
        Id: container.name,
        Names: [`/${container.name}`],
        Labels: container.labels,
      })),
    )
  }
  if (method === 'POST' && path === '/containers/create') {
    const name = url.searchParams.get('name') ?? ''
    const spec = JSON.parse(body) as {
      Image: string
      Env?: string[]
      Labels?: Record<string, string>
      HostConfig?: {
        PortBindings?: FakeContainer['portBindings']
        Binds?: string[]
        NetworkMode?: string
        RestartPolicy?: { Name?: string }
      }
      NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[] }> }
    }
    if (api.containers.has(name))
      return send(response, 409, {
        message: `Conflict. The container name "/${name}" is already in use`,
      })
    if (!api.images.has(spec.Image))
      return send(response, 404, { message: `No such image: ${spec.Image}` })
    api.containers.set(name, {
      name,
      image: spec.Image,
      env: spec.Env ?? [],
      labels: spec.Labels ?? {},
      portBindings: spec.HostConfig?.PortBindings ?? {},
      binds: spec.HostConfig?.Binds ?? [],
      networkMode: spec.HostConfig?.NetworkMode ?? 'bridge',
      aliases: Object.values(spec.NetworkingConfig?.EndpointsConfig ?? {})[0]?.Aliases ?? [],
      restartPolicy: spec.HostConfig?.RestartPolicy?.Name ?? '',
      status: 'created',
      exitCode: 0,
      logs: '',
      startCount: 0,
      files: new Map(),
    })
    return send(response, 201, { Id: name, Warnings: [] })
  }
  if (
    (match = /^\/containers\/([^/]+)(?:\/(json|start|stop|logs|archive))?$/.exec(path)) !== null
  ) {
    const container = api.containers.get(match[1] ?? '')
    const action = match[2]
    if (container === undefined) return send(response, 404, noSuch(`container: ${match[1]}`))
    if (method === 'GET' && action === 'json') {
      return send(response, 200, {
        Name: `/${container.name}`,
        Config: { Image: container.image, Labels: container.labels, Env: container.env },
        State: {
          Status: container.status,
          Running: container.status === 'running',
          ExitCode: container.exitCode,
        },
        HostConfig: { PortBindings: container.portBindings, Binds: container.binds },
      })
    }
    if (method === 'POST' && action === 'start') {
      if (container.status === 'running') return send(response, 304)
      if (api.behaviour.portConflictOnStart.has(container.name)) {
        return send(response, 500, {
          message:
            'driver failed programming external connectivity: Bind for 127.0.0.1:5432 failed: port is already allocated',
        })
      }
      container.startCount += 1
      const crashLogs = api.behaviour.crashOnStart.get(container.name)
      if (crashLogs !== undefined) {
        container.status = 'exited'
        container.exitCode = 1
        container.logs += crashLogs
      } else {
        container.status = 'running'
        container.logs += `${container.name} started\n`
      }
      return send(response, 204)
    }
    if (method === 'POST' && action === 'stop') {
      if (container.status !== 'running') return send(response, 304)
      container.status = 'exited'
      return send(response, 204)
    }
    if (method === 'GET' && action === 'logs') {
      const payload = Buffer.from(container.logs, 'utf8')
      const header = Buffer.alloc(8)
      header[0] = 1
      header.writeUInt32BE(payload.length, 4)
      response.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' })
      response.end(Buffer.concat([header, payload]))
      return
    }
    if (method === 'PUT' && action === 'archive') {
      const base = url.searchParams.get('path') ?? '/'
      for (const [name, file] of readTar(Buffer.from(body, 'latin1'))) {
        container.files.set(`${base.replace(/\/$/, '')}/${name}`, file)
      }
      return send(response, 200)
    }
    if (method === 'DELETE' && action === undefined) {
      api.containers.delete(container.name)
      return send(response, 204)
    }
  }
  send(response, 404, { message: `fake docker api: no route for ${method} ${path}` })
}

/** Regular files of a ustar archive: name → mode and UTF-8 content. */
function readTar(archive: Buffer): Map<string, { mode: number; content: string }> {
  const files = new Map<string, { mode: number; content: string }>()
  let offset = 0
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start: number, length: number): string =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '')
    const prefix = field(345, 155)
    const name = prefix === '' ? field(0, 100) : `${prefix}/${field(0, 100)}`
    const size = Number.parseInt(field(124, 12), 8)
    const mode = Number.parseInt(field(100, 8), 8)
    const isFile = field(156, 1) === '0'
    const content = archive.subarray(offset + 512, offset + 512 + size).toString('utf8')
    if (isFile) files.set(name, { mode, content })
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return files
}

/** A realistic Docker pull stream for one image with two layers (bytes: 100 + 300). */
export function twoLayerPullEvents(image: string): PullStreamEvent[] {
  const tag = image.split(':').pop() ?? 'latest'
  return [
    { status: `Pulling from ${image.split(':')[0] ?? image}`, id: tag },
    { status: 'Pulling fs layer', id: 'layer-a' },
    { status: 'Pulling fs layer', id: 'layer-b' },
    { status: 'Downloading', id: 'layer-a', progressDetail: { current: 50, total: 100 } },
    { status: 'Downloading', id: 'layer-b', progressDetail: { current: 100, total: 300 } },
    { status: 'Download complete', id: 'layer-a' },
    { status: 'Extracting', id: 'layer-a', progressDetail: { current: 1000, total: 4000 } },
    { status: 'Pull complete', id: 'layer-a' },
    { status: 'Downloading', id: 'layer-b', progressDetail: { current: 300, total: 300 } },
    { status: 'Pull complete', id: 'layer-b' },
    { status: 'Digest: sha256:0123' },
    { status: `Status: Downloaded newer image for ${image}` },
  ]
}
