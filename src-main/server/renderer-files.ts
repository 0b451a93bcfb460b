import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

export interface RendererFile {
  readonly body: Buffer
  readonly contentType: string
  readonly isDocument: boolean
}

/**
 * Reads one file of the built renderer for a URL path, or `null` when there is none. `/` is the panel's
 * `index.html`. A path that would leave `rendererDir` (`..`, encoded or not) is refused, not resolved.
 */
export async function readRendererFile(
  rendererDir: string,
  urlPath: string,
): Promise<RendererFile | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    // A malformed escape cannot name one of our files.
    return null
  }
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '')
  if (relative.includes('\0')) return null
  const root = normalize(rendererDir + sep)
  const absolute = normalize(join(root, relative))
  if (!absolute.startsWith(root)) return null
  try {
    const body = await readFile(absolute)
    const extension = extname(absolute).toLowerCase()
    return {
      body,
      contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      isDocument: extension === '.html',
    }
  } catch {
    // Missing file or a directory: the caller answers 404.
    return null
  }
}
