import { spawn } from 'node:child_process'

export interface LineProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Set when the process could not be started at all (e.g. ENOENT). */
  readonly error: Error | null
}

/**
 * The variable that tells a `driftdesk` child its stdin is its parent's lifeline (see
 * `src-main/adapters/process/parent-lifeline.ts`): read by the CLI, set here so the two cannot disagree.
 */
export const PARENT_LIFELINE_ENV = 'DRIFTDESK_PARENT_LIFELINE'

export interface LineProcessOptions {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd: string
  /** The child's whole environment (not merged with ours here: the caller decides what it inherits). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Each line the child writes on stdout or stderr, without its end; `\r` redraws count as lines. */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void
  /**
   * Give the child a stdin pipe that is never written to, and set PARENT_LIFELINE_ENV=stdin: the
   * kernel closes our end when this process dies in any way (SIGKILL and crashes included, which no
   * handler here could see), so the child reads end-of-file and stops itself. Without it stdin is closed.
   */
  readonly lifeline?: boolean
}

/** A child process seen as lines out and one exit. */
export interface LineProcess {
  readonly pid: number | null
  /** Resolves once, when the process has exited and its output is read (never rejects). */
  readonly exited: Promise<LineProcessExit>
  readonly hasExited: boolean
  kill(signal: NodeJS.Signals): void
}

/**
 * Starts a child process with stdin closed (or a lifeline) and both outputs read line by line. A terminal progress
 * bar redraws with `\r`; each redraw is a line here, so a reader sees the latest state at once.
 */
export function spawnLineProcess(options: LineProcessOptions): LineProcess {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    // Without a lifeline the variable is removed, not inherited: the child's stdin ends at once, which
    // would otherwise read as its parent's death.
    env: { ...options.env, [PARENT_LIFELINE_ENV]: options.lifeline === true ? 'stdin' : undefined },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  // The lifeline is held and never written; a child that exits first closes its end, which is no
  // error. Without a lifeline stdin is ended at once: the child reads end-of-file, as from /dev/null.
  child.stdin.on('error', () => undefined)
  if (options.lifeline !== true) child.stdin.end()
  let hasExited = false
  const readLines = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): Promise<void> => {
    let pending = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      const parts = (pending + chunk).split(/\r\n|\r|\n/)
      pending = parts.pop() ?? ''
      for (const part of parts) if (part.trim() !== '') options.onLine(part, name)
    })
    return new Promise((resolve) => {
      const end = (): void => {
        if (pending.trim() !== '') options.onLine(pending, name)
        pending = ''
        resolve()
      }
      stream.once('end', end)
      stream.once('close', end)
      stream.once('error', end)
    })
  }
  const outputs = Promise.all([
    readLines(child.stdout, 'stdout'),
    readLines(child.stderr, 'stderr'),
  ])
  const exited = new Promise<LineProcessExit>((resolve) => {
    child.once('error', (error) => {
      // A process that never started emits no 'exit'; one that did still emits it after this.
      if (child.pid === undefined) {
        hasExited = true
        resolve({ code: null, signal: null, error })
      }
    })
    child.once('exit', (code, signal) => {
      hasExited = true
      // The pipes may still hold the last lines (often the reason it exited): read them first.
      void outputs.then(() => resolve({ code, signal, error: null }))
    })
  })
  return {
    pid: child.pid ?? null,
    exited,
    get hasExited() {
      return hasExited
    },
    kill(signal) {
      if (!hasExited) child.kill(signal)
    },
  }
}
