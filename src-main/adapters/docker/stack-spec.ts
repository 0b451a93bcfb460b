import { join } from 'node:path'
import type { StackServiceName } from '../../shared/domain/stack'

/**
 * The stack as data: what compose.yaml says, in a shape dockerode can create. Pure and declarative;
 * `docker-engine.ts` turns a `ContainerSpec` into API calls. A unit test keeps this file and
 * compose.yaml equal (images, ports, env, volumes, mounts, labels).
 */

/** Pinned images (the course used floating `postgres`, `adminer`, `grafana/grafana-enterprise`). */
export const STACK_IMAGES: Readonly<Record<StackServiceName, string>> = Object.freeze({
  postgres: 'docker.io/library/postgres:15.10-bookworm',
  grafana: 'docker.io/grafana/grafana-oss:11.4.0',
  adminer: 'docker.io/library/adminer:4.8.1-standalone',
})

export const STACK_APP_NAME = 'driftdesk'
/** Label on every container, volume and network driftdesk creates; `down` removes only these. */
export const STACK_APP_LABEL = 'io.driftdesk.app'
export const STACK_SERVICE_LABEL = 'io.driftdesk.service'

/** The database the metrics live in, and its owner. */
export const STACK_DATABASE = 'driftdesk'
export const STACK_DATABASE_USER = 'postgres'
/** Read-only role Grafana queries with (created by resources/grafana/postgres-initdb). */
export const STACK_GRAFANA_DATABASE_USER = 'grafana_reader'
/**
 * The provisioned data source's uid, referenced by every dashboard panel and alert rule. Never change
 * it: Grafana does not rewrite references saved against the old uid.
 */
export const GRAFANA_DATASOURCE_UID = 'driftdesk-postgres'
/**
 * The uid the course's own dashboard (data_drift.json) hard-codes: a second data source, `PostgreSQL`
 * (the course's name), same read-only connection, carries it so that dashboard imports unchanged.
 */
export const GRAFANA_COURSE_DATASOURCE_UID = 'PCC52D03280B7034C'
export const GRAFANA_DASHBOARD_UID = 'driftdesk-monitoring'

/** Default host ports (the course's); `stack up` picks others when these are taken. */
export const DEFAULT_STACK_PORTS: Readonly<StackPorts> = Object.freeze({
  postgres: 5432,
  grafana: 3000,
  adminer: 8080,
})

export type StackPorts = Record<StackServiceName, number>

/** Generated on first run, stored 0600 in the app home, never logged. */
export interface StackSecrets {
  readonly postgresPassword: string
  readonly grafanaAdminPassword: string
  /** Password of the read-only role Grafana's data source uses. */
  readonly grafanaReaderPassword: string
  /** What the renderer uses to open Adminer signed in; not a database password. */
  readonly adminerToken: string
}

export interface PortBinding {
  readonly containerPort: number
  readonly hostPort: number
  /** Always loopback: the stack is private to this machine. */
  readonly hostIp: '127.0.0.1'
}

export interface VolumeMount {
  /** A named volume (kept by `stack down`, deleted by `stack down --volumes`). */
  readonly volume: string
  readonly target: string
}

/**
 * A configuration file or folder of driftdesk's (provisioning, dashboards, plugin, init script) that
 * the container sees at `target`. compose.yaml bind-mounts it read-only; the dockerode adapter copies
 * it in through the Docker API instead, which works whatever the engine can see of this disk.
 */
export interface BindMount {
  /** Absolute path on this machine. */
  readonly source: string
  readonly target: string
  readonly readOnly: true
}

export interface ContainerSpec {
  readonly service: StackServiceName
  readonly name: string
  readonly image: string
  readonly env: Readonly<Record<string, string>>
  readonly ports: readonly PortBinding[]
  readonly volumes: readonly VolumeMount[]
  readonly mounts: readonly BindMount[]
  readonly labels: Readonly<Record<string, string>>
  readonly network: string
  /** DNS names on the network; the service name, as compose gives it. */
  readonly networkAliases: readonly string[]
  readonly restartPolicy: 'unless-stopped'
  /** The signal `stop` sends instead of the image's default (SIGTERM), when that one is ignored. */
  readonly stopSignal?: 'SIGKILL'
}

export interface StackSpec {
  readonly network: string
  readonly volumes: readonly string[]
  readonly labels: Readonly<Record<string, string>>
  /** In start order: PostgreSQL first, Grafana and Adminer depend on it. */
  readonly containers: readonly ContainerSpec[]
}

export interface StackSpecInput {
  readonly ports: StackPorts
  readonly secrets: StackSecrets
  /** Absolute path of the repository's (or the packaged app's) `resources/` folder. */
  readonly resourcesDir: string
  /** Absolute path of `dashboards/`. */
  readonly dashboardsDir: string
}

export function containerName(service: StackServiceName): string {
  return `${STACK_APP_NAME}-${service}`
}

/** Builds the three container specs. Pure: same input, same spec. */
export function buildStackSpec(input: StackSpecInput): StackSpec {
  const { ports, secrets, resourcesDir, dashboardsDir } = input
  const network = STACK_APP_NAME
  const postgresVolume = `${STACK_APP_NAME}-postgres-data`
  const grafanaVolume = `${STACK_APP_NAME}-grafana-data`
  const common = (
    service: StackServiceName,
  ): Pick<
    ContainerSpec,
    'service' | 'name' | 'image' | 'labels' | 'network' | 'networkAliases' | 'restartPolicy'
  > => ({
    service,
    name: containerName(service),
    image: STACK_IMAGES[service],
    labels: { [STACK_APP_LABEL]: STACK_APP_NAME, [STACK_SERVICE_LABEL]: service },
    network,
    networkAliases: [service],
    restartPolicy: 'unless-stopped',
  })
  const loopback = (containerPort: number, hostPort: number): PortBinding => ({
    containerPort,
    hostPort,
    hostIp: '127.0.0.1',
  })
  const postgres: ContainerSpec = {
    ...common('postgres'),
    env: {
      POSTGRES_USER: STACK_DATABASE_USER,
      POSTGRES_DB: STACK_DATABASE,
      POSTGRES_PASSWORD: secrets.postgresPassword,
      GRAFANA_READER_USER: STACK_GRAFANA_DATABASE_USER,
      GRAFANA_READER_PASSWORD: secrets.grafanaReaderPassword,
    },
    ports: [loopback(5432, ports.postgres)],
    volumes: [{ volume: postgresVolume, target: '/var/lib/postgresql/data' }],
    mounts: [
      {
        source: join(resourcesDir, 'grafana', 'postgres-initdb'),
        target: '/docker-entrypoint-initdb.d',
        readOnly: true,
      },
    ],
  }
  const grafana: ContainerSpec = {
    ...common('grafana'),
    env: {
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_ADMIN_PASSWORD: secrets.grafanaAdminPassword,
      // Read-only anonymous access and framing, so the app can show dashboards in an iframe.
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_NAME: 'Main Org.',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_SECURITY_ALLOW_EMBEDDING: 'true',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH:
        '/opt/grafana/dashboards/driftdesk-monitoring.json',
      // A local tool: no phoning home, no plugin downloads at start (they fail offline anyway).
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_NEWS_NEWS_FEED_ENABLED: 'false',
      GF_PLUGINS_PREINSTALL_DISABLED: 'true',
      // Read by provisioning/datasources/driftdesk.yaml.
      DRIFTDESK_POSTGRES_HOST: 'postgres:5432',
      DRIFTDESK_POSTGRES_DB: STACK_DATABASE,
      DRIFTDESK_GRAFANA_DB_USER: STACK_GRAFANA_DATABASE_USER,
      DRIFTDESK_GRAFANA_DB_PASSWORD: secrets.grafanaReaderPassword,
    },
    ports: [loopback(3000, ports.grafana)],
    volumes: [{ volume: grafanaVolume, target: '/var/lib/grafana' }],
    mounts: [
      {
        source: join(resourcesDir, 'grafana', 'provisioning'),
        target: '/etc/grafana/provisioning',
        readOnly: true,
      },
      { source: dashboardsDir, target: '/opt/grafana/dashboards', readOnly: true },
    ],
  }
  const adminer: ContainerSpec = {
    ...common('adminer'),
    env: {
      ADMINER_DEFAULT_SERVER: 'postgres',
      DRIFTDESK_ADMINER_SERVER: 'postgres',
      DRIFTDESK_ADMINER_USERNAME: STACK_DATABASE_USER,
      DRIFTDESK_ADMINER_DB: STACK_DATABASE,
      DRIFTDESK_ADMINER_PASSWORD: secrets.postgresPassword,
      DRIFTDESK_ADMINER_TOKEN: secrets.adminerToken,
    },
    ports: [loopback(8080, ports.adminer)],
    // The image runs `php -S` as PID 1, which installs no signal handler, and the kernel drops SIGTERM
    // (and SIGINT) for a PID 1 without one: every stop waited the engine's 10 s before its SIGKILL.
    // Adminer keeps no state worth a clean shutdown (sessions die with the container anyway), so it is
    // stopped with SIGKILL at once. An init process (`--init`) would work too, but podman then needs
    // catatonit, which Debian installs only as a recommendation.
    stopSignal: 'SIGKILL',
    volumes: [],
    mounts: [
      {
        source: join(resourcesDir, 'adminer', 'driftdesk-autologin.php'),
        target: '/var/www/html/plugins-enabled/driftdesk-autologin.php',
        readOnly: true,
      },
    ],
  }
  return {
    network,
    volumes: [postgresVolume, grafanaVolume],
    labels: { [STACK_APP_LABEL]: STACK_APP_NAME },
    containers: [postgres, grafana, adminer],
  }
}
