import { readFileSync } from 'node:fs'
import process from 'node:process'

/**
 * True when a process with this pid exists on this machine (signal 0 probes without signalling).
 * EPERM means it exists but belongs to another user, so it counts as alive.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * True when the process exists and is not a zombie. A killed server whose parent died stays a zombie
 * until something reaps it; signal 0 still reaches it, but it serves nothing.
 */
export function isProcessRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false
  if (process.platform !== 'linux') return true
  // Synchronous on purpose: /proc reads do not block, and callers use this in conditions.
  const stat = readProcStat(pid)
  return stat === null || !/^\d+ \(.*\) [ZX]/s.test(stat)
}

/** True for a process stopped by a signal (`kill -STOP`, Ctrl-Z) or a debugger (state T or t). */
export function isProcessStopped(pid: number): boolean {
  if (process.platform !== 'linux') return false
  return /^\d+ \(.*\) [Tt]/s.test(readProcStat(pid) ?? '')
}

function readProcStat(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
}
