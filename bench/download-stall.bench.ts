import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DownloadError } from '../src-main/adapters/fetch/download-error'
import { downloadFile } from '../src-main/adapters/fetch/download-file'

/**
 * Why the downloader stays on node:http (README, "Dependencies, and why"): a server that sends 1,000 of
 * 1,000,000 bytes and then goes silent. driftdesk's downloader gives up after its idle timeout (1 s here;
 * 30 s by default) and would resume with a Range request; Node 20's built-in fetch (undici) is still waiting
 * when this stops watching it after 10 s (undici's default body timeout is 300 s, and changing it needs the
 * undici package for an Agent). Prints both times.
 */
export default async function benchDownloadStall(): Promise<void> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-length': '1000000' })
    response.write(Buffer.alloc(1000)) // and then nothing, for ever
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stall.parquet`
  const folder = mkdtempSync(join(tmpdir(), 'driftdesk-bench-stall-'))
  try {
    let started = performance.now()
    const outcome = await downloadFile({
      url,
      destination: join(folder, 'stall.parquet'),
      idleTimeoutMs: 1000,
      maxAttempts: 1,
    }).then(
      () => 'completed (unexpected)',
      (error: unknown) =>
        error instanceof DownloadError ? `${error.kind}: ${error.message}` : String(error),
    )
    console.log(
      `driftdesk downloadFile (idle timeout 1 s): ${outcome} after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
    started = performance.now()
    const controller = new AbortController()
    const response = await fetch(url, { signal: controller.signal })
    const reader = response.body!.getReader()
    let bytes = 0
    const fetchOutcome = await Promise.race([
      (async () => {
        for (;;) {
          const { done, value } = await reader.read()
          if (done) return 'ended'
          bytes += value.length
        }
      })().catch((error: unknown) => `failed (${String(error)})`),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
    ])
    controller.abort()
    console.log(
      `Node ${process.version} fetch (defaults): ${fetchOutcome} after ${bytes} bytes and ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  } finally {
    server.closeAllConnections()
    server.close()
    rmSync(folder, { recursive: true, force: true })
  }
}
