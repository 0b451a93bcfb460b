import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { ContainerSpec, StackPorts, StackSecrets } from './stack-spec'
import { buildStackSpec, DEFAULT_STACK_PORTS, STACK_APP_LABEL, STACK_IMAGES } from './stack-spec'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const secrets: StackSecrets = {
  postgresPassword: 'pg-secret',
  grafanaAdminPassword: 'grafana-admin-secret',
  grafanaReaderPassword: 'grafana-reader-secret',
  adminerToken: 'adminer-token',
}
// The variables a compose user exports, matching `secrets` and (optionally) `ports`.
function composeEnvironment(ports?: StackPorts): Record<string, string> {
  return {
    DRIFTDESK_POSTGRES_PASSWORD: secrets.postgresPassword,
    DRIFTDESK_GRAFANA_ADMIN_PASSWORD: secrets.grafanaAdminPassword,
    DRIFTDESK_GRAFANA_DB_PASSWORD: secrets.grafanaReaderPassword,
    DRIFTDESK_ADMINER_TOKEN: secrets.adminerToken,
    ...(ports === undefined
      ? {}
      : {
          DRIFTDESK_POSTGRES_PORT: String(ports.postgres),
          DRIFTDESK_GRAFANA_PORT: String(ports.grafana),
          DRIFTDESK_ADMINER_PORT: String(ports.adminer),
        }),
  }
}

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` interpolation. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_whole, name: string, kind?: string, rest?: string) => {
      const value = env[name]
      if (value !== undefined && value !== '') return value
      if (kind === '-') return rest ?? ''
      throw new Error(`compose would refuse to start: ${rest ?? name}`)
    },
  )
}

interface ComparableContainer {
  name: string
  image: string
  env: Record<string, string>
  ports: { hostIp: string; hostPort: number; containerPort: number }[]
  volumes: { volume: string; target: string }[]
  mounts: { source: string; target: string; readOnly: boolean }[]
  labels: Record<string, string>
  network: string
  aliases: string[]
  restart: string
  stopSignal: string | null
}

function fromSpec(spec: ContainerSpec): ComparableContainer {
  return {
    name: spec.name,
    image: spec.image,
    env: { ...spec.env },
    ports: spec.ports.map((port) => ({
      hostIp: port.hostIp,
      hostPort: port.hostPort,
      containerPort: port.containerPort,
    })),
    volumes: spec.volumes.map((volume) => ({ ...volume })),
    mounts: spec.mounts.map((mount) => ({ ...mount })),
    labels: { ...spec.labels },
    network: spec.network,
    aliases: [...spec.networkAliases],
    restart: spec.restartPolicy,
    stopSignal: spec.stopSignal ?? null,
  }
}

interface ComposeFile {
  services: Record<
    string,
    {
      image: string
      container_name: string
      restart: string
      stop_signal?: string
      environment: Record<string, string | number | boolean>
      ports: string[]
      volumes: string[]
      labels: Record<string, string>
      networks: Record<string, { aliases?: string[] }>
    }
  >
  networks: Record<string, { name: string; labels?: Record<string, string> }>
  volumes: Record<string, { name: string; labels?: Record<string, string> }>
}

function loadCompose(env: Record<string, string>): ComposeFile {
  return parse(
    interpolate(readFileSync(join(repoRoot, 'compose.yaml'), 'utf8'), env),
  ) as ComposeFile
}

function fromCompose(compose: ComposeFile, service: string): ComparableContainer {
  const entry = compose.services[service]
  if (entry === undefined) throw new Error(`compose.yaml has no service ${service}`)
  const volumes: ComparableContainer['volumes'] = []
  const mounts: ComparableContainer['mounts'] = []
  for (const item of entry.volumes) {
    const [source = '', target = '', mode] = item.split(':')
    if (source.startsWith('./'))
      mounts.push({ source: resolve(repoRoot, source), target, readOnly: mode === 'ro' })
    else volumes.push({ volume: compose.volumes[source]?.name ?? source, target })
  }
  const [networkKey = '', networkEntry] = Object.entries(entry.networks)[0] ?? []
  return {
    name: entry.container_name,
    image: entry.image,
    env: Object.fromEntries(
      Object.entries(entry.environment).map(([key, value]) => [key, String(value)]),
    ),
    ports: entry.ports.map((text) => {
      const [hostIp = '', hostPort = '', containerPort = ''] = text.split(':')
      return { hostIp, hostPort: Number(hostPort), containerPort: Number(containerPort) }
    }),
    volumes,
    mounts,
    labels: entry.labels,
    network: compose.networks[networkKey]?.name ?? networkKey,
    aliases: networkEntry?.aliases ?? [],
    restart: entry.restart,
    stopSignal: entry.stop_signal ?? null,
  }
}

const specInput = (ports: StackPorts) => ({
  ports,
  secrets,
  resourcesDir: join(repoRoot, 'resources'),
  dashboardsDir: join(repoRoot, 'dashboards'),
})

describe('stack spec and compose.yaml', () => {
  it('describe the same containers with the default ports', () => {
    const spec = buildStackSpec(specInput({ ...DEFAULT_STACK_PORTS }))
    const compose = loadCompose(composeEnvironment())
    expect(Object.keys(compose.services).sort()).toEqual(
      spec.containers.map((c) => c.service).sort(),
    )
    for (const container of spec.containers) {
      expect(fromCompose(compose, container.service)).toEqual(fromSpec(container))
    }
  })

  it('describe the same containers when the ports were moved', () => {
    const ports = { postgres: 55432, grafana: 53000, adminer: 58080 }
    const spec = buildStackSpec(specInput(ports))
    const compose = loadCompose(composeEnvironment(ports))
    for (const container of spec.containers) {
      expect(fromCompose(compose, container.service)).toEqual(fromSpec(container))
    }
  })

  it("name the same network and volumes, labelled as driftdesk's", () => {
    const spec = buildStackSpec(specInput({ ...DEFAULT_STACK_PORTS }))
    const compose = loadCompose(composeEnvironment())
    expect(Object.values(compose.networks).map((network) => network.name)).toEqual([spec.network])
    expect(
      Object.values(compose.volumes)
        .map((volume) => volume.name)
        .sort(),
    ).toEqual([...spec.volumes].sort())
    for (const item of [...Object.values(compose.networks), ...Object.values(compose.volumes)]) {
      expect(item.labels).toEqual(spec.labels)
    }
  })

  it('refuses to start from compose without the generated passwords', () => {
    expect(() => loadCompose({})).toThrow(/DRIFTDESK_POSTGRES_PASSWORD/)
  })
})

describe('buildStackSpec', () => {
  const spec = buildStackSpec(specInput({ ...DEFAULT_STACK_PORTS }))

  it('publishes every port on loopback only', () => {
    const bindings = spec.containers.flatMap((container) => container.ports)
    expect(bindings).toHaveLength(3)
    for (const binding of bindings) expect(binding.hostIp).toBe('127.0.0.1')
  })

  it('pins every image to a version tag', () => {
    for (const container of spec.containers) {
      expect(container.image).toBe(STACK_IMAGES[container.service])
      expect(container.image).toMatch(/^docker\.io\/[a-z-]+\/[a-z-]+:\d+(\.\d+)+[-a-z]*$/)
    }
  })

  it('labels each container with the app and its service', () => {
    for (const container of spec.containers) {
      expect(container.labels).toEqual({
        [STACK_APP_LABEL]: 'driftdesk',
        'io.driftdesk.service': container.service,
      })
      expect(container.name).toBe(`driftdesk-${container.service}`)
      expect(container.restartPolicy).toBe('unless-stopped')
    }
  })

  it('keeps PostgreSQL data and Grafana state in named volumes', () => {
    const byService = Object.fromEntries(
      spec.containers.map((container) => [container.service, container]),
    )
    expect(byService.postgres?.volumes).toEqual([
      { volume: 'driftdesk-postgres-data', target: '/var/lib/postgresql/data' },
    ])
    expect(byService.grafana?.volumes).toEqual([
      { volume: 'driftdesk-grafana-data', target: '/var/lib/grafana' },
    ])
  })

  it('lets anonymous users view Grafana read-only and embed it', () => {
    const grafana = spec.containers.find((container) => container.service === 'grafana')
    expect(grafana?.env).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_SECURITY_ALLOW_EMBEDDING: 'true',
      GF_SECURITY_ADMIN_PASSWORD: secrets.grafanaAdminPassword,
    })
    // Grafana queries as the read-only role, never with the superuser's password.
    expect(Object.values(grafana?.env ?? {})).not.toContain(secrets.postgresPassword)
  })

  it('mounts files that exist in the repository', () => {
    for (const mount of spec.containers.flatMap((container) => container.mounts)) {
      expect(existsSync(mount.source), mount.source).toBe(true)
      expect(mount.readOnly).toBe(true)
    }
  })

  it('uses the image names the podman build scripts produce', () => {
    const imagesEnv = readFileSync(join(repoRoot, 'scripts', 'podman', 'images.env'), 'utf8')
    expect(imagesEnv).toContain(`DRIFTDESK_POSTGRES_IMAGE=${STACK_IMAGES.postgres}\n`)
    expect(imagesEnv).toContain(`DRIFTDESK_GRAFANA_IMAGE=${STACK_IMAGES.grafana}\n`)
    expect(imagesEnv).toContain(`DRIFTDESK_ADMINER_IMAGE=${STACK_IMAGES.adminer}\n`)
  })
})
