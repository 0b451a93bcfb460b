/**
 * Splits the Docker API's multiplexed log stream (containers without a TTY) into text. Each frame is
 * an 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr), three zero bytes, a big-endian uint32
 * payload length — followed by the payload. Stdout and stderr are kept in arrival order.
 * A body that does not start with a valid header (a TTY container, or an engine that sends raw
 * text) is returned as is.
 *
 * Reference: https://docs.docker.com/reference/api/engine/version/v1.43/#tag/Container/operation/ContainerAttach
 *
 * @example
 * demultiplexDockerLogs(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a)) // 'hi\n'
 */
export function demultiplexDockerLogs(body: Uint8Array): string {
  const decoder = new TextDecoder()
  if (!looksMultiplexed(body)) return decoder.decode(body)
  const parts: string[] = []
  let offset = 0
  while (offset + 8 <= body.length) {
    const length =
      ((body[offset + 4] ?? 0) << 24) |
      ((body[offset + 5] ?? 0) << 16) |
      ((body[offset + 6] ?? 0) << 8) |
      (body[offset + 7] ?? 0)
    const start = offset + 8
    const end = Math.min(start + (length >>> 0), body.length)
    parts.push(decoder.decode(body.subarray(start, end)))
    offset = end
  }
  return parts.join('')
}

function looksMultiplexed(body: Uint8Array): boolean {
  if (body.length < 8) return false
  const streamType = body[0] ?? 255
  return streamType <= 2 && body[1] === 0 && body[2] === 0 && body[3] === 0
}
