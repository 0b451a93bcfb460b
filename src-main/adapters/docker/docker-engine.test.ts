import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FakeDockerApi } from '../../../test/fakes/fake-docker-api'
import { startFakeDockerApi, twoLayerPullEvents } from '../../../test/fakes/fake-docker-api'
import type { PullStreamEvent } from './pull-progress'
import { containerCreateOptions, DockerEngine, dockerOptionsForEndpoint } from './docker-engine'
import type { ContainerSpec } from './stack-spec'
import { buildStackSpec, DEFAULT_STACK_PORTS, STACK_IMAGES } from './stack-spec'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const spec = buildStackSpec({
  ports: { ...DEFAULT_STACK_PORTS },
  secrets: {
    postgresPassword: 'p',
    grafanaAdminPassword: 'g',
    grafanaReaderPassword: 'r',
    adminerToken: 't',
  },
  resourcesDir: join(repoRoot, 'resources'),
  dashboardsDir: join(repoRoot, 'dashboards'),
})
const postgres = spec.containers[0] as ContainerSpec

let api: FakeDockerApi
let engine: DockerEngine
let stopped = false

beforeEach(async () => {
  api = await startFakeDockerApi()
  engine = new DockerEngine(api.endpoint)
  stopped = false
})
afterEach(async () => {
  if (!stopped) await api.stop()
})

describe('DockerEngine.ping', () => {
  it('reports Docker with its version from the _ping headers', async () => {
    await expect(engine.ping()).resolves.toMatchObject({
      name: 'Docker Engine',
      version: '27.3.1',
      apiVersion: '1.41',
      endpoint: api.endpoint,
    })
  })

  it('recognises Podman serving the Docker API', async () => {
    api.behaviour.server = 'Libpod/4.3.1 (linux)'
    await expect(engine.ping()).resolves.toMatchObject({ name: 'Podman Engine', version: '4.3.1' })
  })

  it('fails with DOCKER_UNAVAILABLE when nothing listens on the socket', async () => {
    await api.stop()
    stopped = true
    await expect(engine.ping()).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' })
  })
})

describe('DockerEngine.pullImage', () => {
  it('passes every stream event on and resolves when the image is pulled', async () => {
    api.behaviour.pullEvents.set(STACK_IMAGES.postgres, twoLayerPullEvents(STACK_IMAGES.postgres))
    const seen: PullStreamEvent[] = []
    await engine.pullImage(STACK_IMAGES.postgres, (event) => seen.push(event))
    expect(seen).toEqual(twoLayerPullEvents(STACK_IMAGES.postgres))
    await expect(engine.hasImage(STACK_IMAGES.postgres)).resolves.toBe(true)
  })

  it('rejects when the error arrives inside a 200 stream', async () => {
    api.behaviour.pullEvents.set(STACK_IMAGES.grafana, [
      { status: 'Pulling fs layer', id: 'a' },
      {
        error: 'unexpected EOF',
        errorDetail: { message: 'read tcp: unexpected EOF while pulling layer' },
      },
    ])
    await expect(engine.pullImage(STACK_IMAGES.grafana, () => undefined)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('unexpected EOF while pulling layer'),
    })
  })

  it('says the image is missing and cannot be downloaded when the registry is unreachable', async () => {
    await expect(engine.pullImage(STACK_IMAGES.adminer, () => undefined)).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining(STACK_IMAGES.adminer),
    })
  })

  it('maps a registry refusal to IMAGE_PULL_DENIED', async () => {
    api.behaviour.pullStatus.set(STACK_IMAGES.adminer, {
      status: 401,
      message: 'unauthorized: authentication required',
    })
    await expect(engine.pullImage(STACK_IMAGES.adminer, () => undefined)).rejects.toMatchObject({
      code: 'IMAGE_PULL_DENIED',
    })
  })
})

describe('DockerEngine.ensureRunning', () => {
  beforeEach(() => {
    api.images.add(postgres.image)
  })

  it('creates the container as specified and starts it', async () => {
    await expect(engine.ensureRunning(postgres)).resolves.toBe('created')
    const created = api.containers.get('driftdesk-postgres')
    expect(created).toMatchObject({
      image: postgres.image,
      status: 'running',
      networkMode: 'driftdesk',
      aliases: ['postgres'],
      restartPolicy: 'unless-stopped',
      portBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '5432' }] },
      binds: ['driftdesk-postgres-data:/var/lib/postgresql/data'],
    })
    // The init script is copied in before the first start, executable and root-owned.
    const script = created?.files.get('/docker-entrypoint-initdb.d/10-grafana-reader.sh')
    expect(script?.mode).toBe(0o755)
    expect(script?.content).toBe(
      readFileSync(
        join(repoRoot, 'resources/grafana/postgres-initdb/10-grafana-reader.sh'),
        'utf8',
      ),
    )
    expect(created?.env).toContain('POSTGRES_DB=driftdesk')
    expect(created?.labels['io.driftdesk.app']).toBe('driftdesk')
  })

  it('reuses a running container and restarts a stopped one', async () => {
    await engine.ensureRunning(postgres)
    await expect(engine.ensureRunning(postgres)).resolves.toBe('running')
    await engine.stop(postgres.name)
    await expect(engine.ensureRunning(postgres)).resolves.toBe('started')
    expect(api.containers.get(postgres.name)?.startCount).toBe(2)
  })

  it('recreates a container whose definition changed', async () => {
    await engine.ensureRunning(postgres)
    const moved: ContainerSpec = {
      ...postgres,
      ports: [{ containerPort: 5432, hostPort: 55432, hostIp: '127.0.0.1' }],
    }
    await expect(engine.ensureRunning(moved)).resolves.toBe('created')
    expect(api.containers.get(postgres.name)?.portBindings['5432/tcp']?.[0]?.HostPort).toBe('55432')
    expect(api.requests).toContain('DELETE /containers/driftdesk-postgres')
  })

  it('reports a port taken at start as PORT_IN_USE', async () => {
    api.behaviour.portConflictOnStart.add(postgres.name)
    await expect(engine.ensureRunning(postgres)).rejects.toMatchObject({ code: 'PORT_IN_USE' })
  })
})

describe('DockerEngine.waitHealthy', () => {
  beforeEach(() => {
    api.images.add(postgres.image)
  })

  it('resolves once the probe passes', async () => {
    await engine.ensureRunning(postgres)
    let calls = 0
    await engine.waitHealthy(
      postgres.name,
      async () => {
        calls += 1
        if (calls < 3) throw new Error('connection refused')
      },
      { timeoutMs: 5000, intervalMs: 10 },
    )
    expect(calls).toBe(3)
  })

  it('fails fast with the last log lines when the container exits', async () => {
    api.behaviour.crashOnStart.set(postgres.name, 'FATAL: data directory has wrong ownership\n')
    await engine.ensureRunning(postgres)
    await expect(
      engine.waitHealthy(postgres.name, () => Promise.resolve(), {
        timeoutMs: 5000,
        intervalMs: 10,
      }),
    ).rejects.toMatchObject({
      code: 'STACK_UNHEALTHY',
      message: expect.stringContaining('FATAL: data directory has wrong ownership'),
    })
  })

  it('times out with the last probe problem', async () => {
    await engine.ensureRunning(postgres)
    await expect(
      engine.waitHealthy(
        postgres.name,
        () => Promise.reject(new Error('password authentication failed')),
        { timeoutMs: 50, intervalMs: 10 },
      ),
    ).rejects.toMatchObject({
      code: 'STACK_UNHEALTHY',
      message: expect.stringContaining('password authentication failed'),
    })
  })

  it('reports DOCKER_UNAVAILABLE when the engine stops while waiting', async () => {
    await engine.ensureRunning(postgres)
    const waiting = engine.waitHealthy(postgres.name, () => Promise.reject(new Error('not yet')), {
      timeoutMs: 5000,
      intervalMs: 20,
    })
    const assertion = expect(waiting).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' })
    await new Promise((resolve) => setTimeout(resolve, 60))
    await api.stop()
    stopped = true
    await assertion
  })
})

describe('DockerEngine housekeeping', () => {
  it('creates the network and volumes once, with labels', async () => {
    await engine.ensureNetwork('driftdesk', spec.labels)
    await engine.ensureNetwork('driftdesk', spec.labels)
    await engine.ensureVolume('driftdesk-postgres-data', spec.labels)
    expect(api.networks.get('driftdesk')).toEqual(spec.labels)
    expect(api.volumes.get('driftdesk-postgres-data')).toEqual(spec.labels)
    expect(api.requests.filter((request) => request === 'POST /networks/create')).toHaveLength(1)
  })

  it('reads demultiplexed logs', async () => {
    api.images.add(postgres.image)
    await engine.ensureRunning(postgres)
    await expect(engine.logs(postgres.name, 50)).resolves.toBe('driftdesk-postgres started\n')
  })

  it('lists only labelled containers and tolerates removing what is gone', async () => {
    api.images.add(postgres.image)
    await engine.ensureRunning(postgres)
    await expect(engine.listAppContainers()).resolves.toEqual(['driftdesk-postgres'])
    await engine.remove('driftdesk-postgres')
    await expect(engine.remove('driftdesk-postgres')).resolves.toBeUndefined()
    await expect(engine.removeVolume('never-created')).resolves.toBeUndefined()
    await expect(engine.stop('driftdesk-postgres')).resolves.toBeUndefined()
  })
})

describe('dockerOptionsForEndpoint and containerCreateOptions', () => {
  it('understands unix sockets and tcp addresses, and rejects others clearly', () => {
    expect(dockerOptionsForEndpoint('unix:///run/podman/podman.sock')).toEqual({
      socketPath: '/run/podman/podman.sock',
    })
    expect(dockerOptionsForEndpoint('tcp://10.0.0.2:2375')).toEqual({
      host: '10.0.0.2',
      port: 2375,
      protocol: 'http',
    })
    expect(() => dockerOptionsForEndpoint('ssh://user@host')).toThrow(/not supported/)
  })

  it('binds host ports on 127.0.0.1 and only named volumes (configuration files are copied in)', () => {
    const grafana = spec.containers[1] as ContainerSpec
    const options = containerCreateOptions(grafana)
    expect(options.HostConfig?.PortBindings).toEqual({
      '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '3000' }],
    })
    expect(options.HostConfig?.Binds).toEqual(['driftdesk-grafana-data:/var/lib/grafana'])
  })

  it('stops Adminer with SIGKILL, since its PID 1 ignores SIGTERM (issue 10: every stop waited 10 s)', () => {
    const adminer = spec.containers[2] as ContainerSpec
    expect(containerCreateOptions(adminer).StopSignal).toBe('SIGKILL')
    expect(containerCreateOptions(spec.containers[0] as ContainerSpec).StopSignal).toBeUndefined()
  })
})

describe('DockerEngine configuration files', () => {
  it('copies Grafana provisioning and dashboards to their mount targets, and again on restart', async () => {
    const grafana = spec.containers[1] as ContainerSpec
    api.images.add(grafana.image)
    await engine.ensureRunning(grafana)
    const files = api.containers.get(grafana.name)?.files
    expect([...(files?.keys() ?? [])].sort()).toEqual([
      '/etc/grafana/provisioning/alerting/driftdesk-alerts.yaml',
      '/etc/grafana/provisioning/dashboards/driftdesk.yaml',
      '/etc/grafana/provisioning/datasources/driftdesk.yaml',
      '/opt/grafana/dashboards/driftdesk-monitoring.json',
    ])
    expect(files?.get('/opt/grafana/dashboards/driftdesk-monitoring.json')?.mode).toBe(0o644)
    files?.clear()
    await engine.ensureRunning(grafana)
    expect(files?.size).toBe(4)
  })

  it('says which configuration file is missing', async () => {
    const broken: ContainerSpec = {
      ...postgres,
      mounts: [{ source: join(repoRoot, 'resources', 'nope.sh'), target: '/x.sh', readOnly: true }],
    }
    api.images.add(postgres.image)
    await expect(engine.ensureRunning(broken)).rejects.toThrow(/stack file .*nope\.sh is missing/)
  })
})
