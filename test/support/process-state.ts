import { readFileSync } from 'node:fs'
import process from 'node:process'

/**
 * True when the process exists and is not a zombie (a killed server whose parent has not reaped it yet
 * still answers signal 0 but serves nothing). Kept apart from the app's own check so tests of the
 * launcher do not trust the code they test.
 */
export function isRunningProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return process.platform !== 'linux'
  }
}
