import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { StackPorts } from '../../adapters/docker/stack-spec'
import { DEFAULT_STACK_PORTS } from '../../adapters/docker/stack-spec'
import { STACK_SERVICES } from '../../shared/domain/stack'

/** `<home>/stack/ports.json`: the host ports chosen on first start, kept so URLs stay stable. */
export function stackPortsPath(homeDir: string): string {
  return join(homeDir, 'stack', 'ports.json')
}

/** The saved ports, or `null` before the first `stack up`. Invalid entries fall back to the defaults. */
export async function readStackPorts(homeDir: string): Promise<StackPorts | null> {
  let text: string
  try {
    text = await readFile(stackPortsPath(homeDir), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  let parsed: Partial<Record<string, unknown>> = {}
  try {
    parsed = JSON.parse(text) as Partial<Record<string, unknown>>
  } catch {
    // A damaged file only costs the previous port choice; the defaults are checked again.
  }
  const ports = { ...DEFAULT_STACK_PORTS }
  for (const service of STACK_SERVICES) {
    const value = parsed[service]
    if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536)
      ports[service] = value
  }
  return ports
}

export async function writeStackPorts(homeDir: string, ports: StackPorts): Promise<void> {
  const path = stackPortsPath(homeDir)
  await mkdir(join(homeDir, 'stack'), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(ports, null, 2)}\n`)
  await rename(temporary, path)
}
