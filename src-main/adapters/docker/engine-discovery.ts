import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineDiscovery, EngineInfo } from '../../shared/domain/stack'
import { AppError } from '../../shared/errors'
import type { ContainerEngine } from './docker-engine'
import { DockerEngine } from './docker-engine'

/** A place a Docker-API engine may listen, and why we look there. */
export interface EngineCandidate {
  readonly endpoint: string
  readonly source: string
}

export interface EngineLocation {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly homeDir: string
  /** The user id, for rootless Podman's `/run/user/<uid>` when XDG_RUNTIME_DIR is unset. */
  readonly uid: number | null
  readonly platform: NodeJS.Platform
}

/**
 * Where to look, in order. `DOCKER_HOST`, when set, is the user's explicit choice and the only
 * candidate (as with the docker CLI). Otherwise: Docker's default socket, Docker Desktop's per-user
 * sockets (macOS and Linux), rootless then rootful Podman, and Docker's named pipe on Windows.
 */
export function listEngineCandidates(location: EngineLocation): EngineCandidate[] {
  const dockerHost = location.env.DOCKER_HOST?.trim()
  if (dockerHost !== undefined && dockerHost !== '')
    return [{ endpoint: dockerHost, source: 'DOCKER_HOST' }]
  if (location.platform === 'win32') {
    return [
      { endpoint: 'npipe:////./pipe/docker_engine', source: "Docker Desktop's named pipe" },
      {
        endpoint: 'npipe:////./pipe/podman-machine-default',
        source: "Podman machine's named pipe",
      },
    ]
  }
  const runtimeDir =
    location.env.XDG_RUNTIME_DIR ??
    (location.uid === null ? undefined : `/run/user/${location.uid}`)
  const candidates: EngineCandidate[] = [
    { endpoint: 'unix:///var/run/docker.sock', source: "Docker's default socket" },
    {
      endpoint: `unix://${join(location.homeDir, '.docker', 'run', 'docker.sock')}`,
      source: 'Docker Desktop',
    },
    {
      endpoint: `unix://${join(location.homeDir, '.docker', 'desktop', 'docker.sock')}`,
      source: 'Docker Desktop (Linux)',
    },
  ]
  if (runtimeDir !== undefined) {
    candidates.push({
      endpoint: `unix://${join(runtimeDir, 'podman', 'podman.sock')}`,
      source: 'Podman (rootless)',
    })
  }
  candidates.push({ endpoint: 'unix:///run/podman/podman.sock', source: 'Podman (rootful)' })
  if (location.platform === 'darwin') {
    candidates.push({
      endpoint: `unix://${join(location.homeDir, '.local', 'share', 'containers', 'podman', 'machine', 'podman.sock')}`,
      source: 'Podman machine',
    })
  }
  const seen = new Set<string>()
  return candidates.filter(
    (candidate) => !seen.has(candidate.endpoint) && seen.add(candidate.endpoint),
  )
}

export interface DiscoveredEngine {
  readonly discovery: EngineDiscovery
  /** The engine to use, when one answered. */
  readonly engine: ContainerEngine | null
}

export interface DiscoverOptions {
  readonly pingTimeoutMs?: number
  /** Injected for tests; the real one creates a `DockerEngine`. */
  readonly createEngine?: (endpoint: string) => ContainerEngine
  readonly socketExists?: (path: string) => boolean
}

/**
 * Tries each candidate and returns the first engine that answers `_ping` and `/version`, or one
 * sentence on what to install or start. Never throws for a missing engine: the app keeps working on
 * its embedded database.
 */
export async function discoverEngine(
  location: EngineLocation,
  options: DiscoverOptions = {},
): Promise<DiscoveredEngine> {
  const createEngine = options.createEngine ?? ((endpoint: string) => new DockerEngine(endpoint))
  const socketExists = options.socketExists ?? existsSync
  const tried: { endpoint: string; problem: string }[] = []
  let refusedSocket: string | null = null
  let deniedSocket: string | null = null
  for (const candidate of listEngineCandidates(location)) {
    if (candidate.endpoint.startsWith('unix://') && candidate.source !== 'DOCKER_HOST') {
      if (!socketExists(candidate.endpoint.slice('unix://'.length))) {
        tried.push({ endpoint: candidate.endpoint, problem: 'no socket' })
        continue
      }
    }
    let engine: ContainerEngine
    try {
      engine = createEngine(candidate.endpoint)
    } catch (error) {
      tried.push({ endpoint: candidate.endpoint, problem: messageOf(error) })
      continue
    }
    try {
      const info: EngineInfo = {
        ...(await engine.ping(options.pingTimeoutMs ?? 3000)),
        source: candidate.source,
      }
      return { discovery: { found: true, engine: info }, engine }
    } catch (error) {
      const problem = messageOf(error)
      tried.push({ endpoint: candidate.endpoint, problem })
      if (/EACCES|EPERM|not allowed/.test(problem)) deniedSocket ??= candidate.endpoint
      else refusedSocket ??= candidate.endpoint
    }
  }
  return {
    discovery: {
      found: false,
      message: explainMissingEngine(location, refusedSocket, deniedSocket),
      tried,
    },
    engine: null,
  }
}

function explainMissingEngine(
  location: EngineLocation,
  refusedSocket: string | null,
  deniedSocket: string | null,
): string {
  const fallback = ' driftdesk keeps working on its embedded database meanwhile.'
  const dockerHost = location.env.DOCKER_HOST?.trim()
  if (dockerHost !== undefined && dockerHost !== '') {
    return `No container engine answers at DOCKER_HOST=${dockerHost}: start it, or unset DOCKER_HOST to let driftdesk look for Docker or Podman.${fallback}`
  }
  if (deniedSocket !== null) {
    return `A container engine socket exists at ${deniedSocket.replace('unix://', '')} but your user may not use it: add yourself to the "docker" group (then log in again), or use Docker Desktop or rootless Podman.${fallback}`
  }
  if (refusedSocket !== null) {
    return `A container engine is installed but not answering at ${refusedSocket.replace('unix://', '')}: start Docker Desktop, \`sudo systemctl start docker\`, or \`systemctl --user start podman.socket\`.${fallback}`
  }
  const install =
    location.platform === 'linux'
      ? 'install Docker Engine (https://docs.docker.com/engine/install/) or Podman (`sudo apt install podman`, then `systemctl --user enable --now podman.socket`)'
      : 'install Docker Desktop (https://www.docker.com/products/docker-desktop/) or Podman Desktop (https://podman-desktop.io/) and start it'
  return `No container engine found: ${install} to run PostgreSQL, Grafana and Adminer.${fallback}`
}

function messageOf(error: unknown): string {
  if (error instanceof AppError) return error.message
  return error instanceof Error ? error.message : String(error)
}
