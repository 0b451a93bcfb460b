import tar from 'tar-stream'

/**
 * The tar archive the Docker API's `PUT /containers/{id}/archive` takes, for a few configuration
 * files owned by root. Written by tar-stream (the tar writer dockerode's own archive helpers use), so
 * ustar headers, long names (ustar prefix, or a pax header) and checksums are a maintained library's.
 *
 * @example
 * await buildTarArchive([{ name: 'etc/app/a.txt', content: new TextEncoder().encode('hi'), mode: 0o644 }], 0)
 * // a Buffer of 2048 bytes: a header block, one data block and the two zero blocks that end an archive
 */
export interface TarEntry {
  /** Relative path inside the archive, `/`-separated, no leading slash. */
  readonly name: string
  /** File content; omitted for a directory entry. */
  readonly content?: Uint8Array
  /** Permission bits, e.g. 0o644 (files) or 0o755 (directories, scripts). */
  readonly mode: number
}

/**
 * @param mtimeSeconds modification time written for every entry (seconds since the epoch).
 * @throws {RangeError} for an absolute name or a `..` component: the archive is unpacked at the
 *   container's `/`, so every name must stay below it.
 */
export async function buildTarArchive(
  entries: readonly TarEntry[],
  mtimeSeconds: number,
): Promise<Buffer> {
  for (const entry of entries) {
    if (entry.name.startsWith('/') || entry.name.split('/').includes('..')) {
      throw new RangeError(`A tar entry name must be relative without '..' (got '${entry.name}').`)
    }
  }
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (chunk: Buffer) => chunks.push(chunk))
  const ended = new Promise<void>((resolve, reject) => {
    pack.once('end', resolve)
    pack.once('error', reject)
  })
  const mtime = new Date(Math.max(0, Math.floor(mtimeSeconds)) * 1000)
  for (const entry of entries) {
    const header: tar.Headers = {
      name: entry.name,
      mode: entry.mode & 0o7777,
      mtime,
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
      type: entry.content === undefined ? 'directory' : 'file',
    }
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve())
      if (entry.content === undefined) pack.entry(header, done)
      else pack.entry(header, Buffer.from(entry.content), done)
    })
  }
  pack.finalize()
  await ended
  return Buffer.concat(chunks)
}
