/**
 * A minimal POSIX ustar writer: enough to hand a few configuration files to the Docker API's
 * `PUT /containers/{id}/archive`, owned by root and world-readable. Pure: entries in, bytes out.
 *
 * Reference: POSIX.1-2001 pax/ustar header layout,
 * https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 *
 * @example
 * buildTarArchive([{ name: 'etc/app/a.txt', content: new TextEncoder().encode('hi'), mode: 0o644 }], 0)
 * // 2048 bytes: a header block, one data block (zero-padded) and the two zero blocks that end an archive
 */
export interface TarEntry {
  /** Relative path inside the archive, `/`-separated, no leading slash. */
  readonly name: string
  /** File content; omitted for a directory entry. */
  readonly content?: Uint8Array
  /** Permission bits, e.g. 0o644 (files) or 0o755 (directories, scripts). */
  readonly mode: number
}

const BLOCK = 512

/**
 * @param mtimeSeconds modification time written for every entry (seconds since the epoch).
 * @throws {RangeError} for an absolute name, a `..` component, or a name ustar cannot hold (> 255 bytes).
 */
export function buildTarArchive(entries: readonly TarEntry[], mtimeSeconds: number): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const entry of entries) {
    const isDirectory = entry.content === undefined
    const name = isDirectory && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name
    validateName(name)
    const content = entry.content ?? new Uint8Array(0)
    blocks.push(header(name, entry.mode, content.length, mtimeSeconds, isDirectory))
    if (content.length > 0) {
      const padded = new Uint8Array(Math.ceil(content.length / BLOCK) * BLOCK)
      padded.set(content)
      blocks.push(padded)
    }
  }
  // Two zero blocks end the archive.
  blocks.push(new Uint8Array(BLOCK * 2))
  const total = blocks.reduce((sum, block) => sum + block.length, 0)
  const archive = new Uint8Array(total)
  let offset = 0
  for (const block of blocks) {
    archive.set(block, offset)
    offset += block.length
  }
  return archive
}

function validateName(name: string): void {
  if (name.startsWith('/') || name.split('/').includes('..')) {
    throw new RangeError(`A tar entry name must be relative without '..' (got '${name}').`)
  }
  if (new TextEncoder().encode(name).length > 255) {
    throw new RangeError(`A tar entry name is too long for ustar (got ${name.length} characters).`)
  }
}

function header(
  name: string,
  mode: number,
  size: number,
  mtime: number,
  isDirectory: boolean,
): Uint8Array {
  const block = new Uint8Array(BLOCK)
  const encoder = new TextEncoder()
  let base = name
  let prefix = ''
  // ustar splits long names at a '/' into prefix (155 bytes) and name (100 bytes).
  if (encoder.encode(name).length > 100) {
    const cut = name.lastIndexOf('/', name.length - 2)
    prefix = name.slice(0, cut)
    base = name.slice(cut + 1)
    if (encoder.encode(base).length > 100 || encoder.encode(prefix).length > 155) {
      throw new RangeError(`A tar entry name is too long for ustar (got '${name}').`)
    }
  }
  const write = (text: string, offset: number, length: number): void => {
    block.set(encoder.encode(text).subarray(0, length), offset)
  }
  const octal = (value: number, offset: number, length: number): void => {
    write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length)
  }
  write(base, 0, 100)
  octal(mode & 0o7777, 100, 8)
  octal(0, 108, 8) // uid: root
  octal(0, 116, 8) // gid: root
  octal(size, 124, 12)
  octal(Math.max(0, Math.floor(mtime)), 136, 12)
  write('        ', 148, 8) // checksum field counts as spaces while summing
  write(isDirectory ? '5' : '0', 156, 1)
  write('ustar\0', 257, 6)
  write('00', 263, 2)
  write('root', 265, 32)
  write('root', 297, 32)
  write(prefix, 345, 155)
  const checksum = block.reduce((sum, byte) => sum + byte, 0)
  write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 8)
  return block
}
