import { AppError } from '../../shared/errors'

/** What the adapter was doing, so the translated message says where it failed. */
export interface DockerErrorContext {
  /** A verb phrase: `pull image postgres:15`, `start driftdesk-postgres`. */
  readonly action: string
  readonly endpoint?: string
  readonly image?: string
}

const UNREACHABLE_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ERR_SOCKET_CLOSED',
  'UND_ERR_SOCKET',
])

/**
 * Turns whatever dockerode or the engine threw into one `AppError` with a code the renderer maps to
 * help text. Already-translated errors pass through unchanged.
 *
 * - socket missing, refused, reset or not permitted → `DOCKER_UNAVAILABLE`
 * - 401/403 or "denied"/"unauthorized" from a registry → `IMAGE_PULL_DENIED`
 * - 404 on an image, "manifest unknown", or a registry that cannot be reached → `IMAGE_NOT_FOUND`
 * - "port is already allocated" / "address already in use" → `PORT_IN_USE`
 * - anything else → `INTERNAL`, with the engine's own message kept.
 */
export function translateDockerError(error: unknown, context: DockerErrorContext): AppError {
  if (error instanceof AppError) return error
  const details = readErrorDetails(error)
  const where = context.endpoint === undefined ? '' : ` at ${context.endpoint}`
  if (details.code !== undefined && UNREACHABLE_CODES.has(details.code)) {
    const hint =
      details.code === 'EACCES' || details.code === 'EPERM'
        ? ' Your user may not be allowed to use the Docker socket: add it to the "docker" group, or use rootless Podman.'
        : ' Start Docker Desktop, the Docker service, or `podman system service`, then try again.'
    return new AppError(
      'DOCKER_UNAVAILABLE',
      `Could not ${context.action}: the container engine${where} is not reachable (${details.code}).${hint}`,
      { cause: error },
    )
  }
  const message = details.message
  const lower = message.toLowerCase()
  if (/port is already allocated|address already in use|bind: address/.test(lower)) {
    return new AppError(
      'PORT_IN_USE',
      `Could not ${context.action}: a host port is already in use (${message}). Stop the program using it or let driftdesk pick another port with \`stack up\`.`,
      { cause: error },
    )
  }
  if (
    details.statusCode === 401 ||
    details.statusCode === 403 ||
    /unauthorized|denied|authentication required/.test(lower)
  ) {
    return new AppError(
      'IMAGE_PULL_DENIED',
      `Could not ${context.action}: the registry refused access (${message}). Check \`docker login\` or the image name.`,
      { cause: error },
    )
  }
  if (
    context.image !== undefined &&
    (details.statusCode === 404 ||
      /manifest unknown|not found|no such image|pinging container registry|dial tcp|lookup .*no such host|network is unreachable|i\/o timeout|connection refused/.test(
        lower,
      ))
  ) {
    return new AppError(
      'IMAGE_NOT_FOUND',
      `Could not ${context.action}: the image ${context.image} is not on this machine and could not be downloaded (${message}). Connect to the internet and run \`stack up --pull\`, or load the image with \`docker load\`.`,
      { cause: error },
    )
  }
  return new AppError('INTERNAL', `Could not ${context.action}: ${message}`, { cause: error })
}

interface ErrorDetails {
  readonly code?: string
  readonly statusCode?: number
  readonly message: string
}

function readErrorDetails(error: unknown): ErrorDetails {
  if (typeof error !== 'object' || error === null) return { message: String(error) }
  const record = error as {
    code?: unknown
    statusCode?: unknown
    message?: unknown
    json?: unknown
    reason?: unknown
    cause?: unknown
  }
  const json = record.json as { message?: unknown } | null | undefined
  const engineMessage =
    typeof json?.message === 'string'
      ? json.message
      : typeof record.message === 'string'
        ? record.message
        : String(error)
  const causeCode =
    typeof record.cause === 'object' && record.cause !== null
      ? (record.cause as { code?: unknown }).code
      : undefined
  const code =
    typeof record.code === 'string'
      ? record.code
      : typeof causeCode === 'string'
        ? causeCode
        : undefined
  return {
    ...(code === undefined ? {} : { code }),
    ...(typeof record.statusCode === 'number' ? { statusCode: record.statusCode } : {}),
    message: engineMessage.trim(),
  }
}
