import { PARENT_LIFELINE_ENV } from './line-process'

/** How long a command may take to stop gracefully once its parent is gone, before it exits at once. */
export const LIFELINE_GRACE_MS = 30_000

/** What the watch needs from stdin: the readable end of the parent's pipe. */
export interface LifelineStream {
  on(event: 'end' | 'close' | 'error', listener: () => void): unknown
  off(event: 'end' | 'close' | 'error', listener: () => void): unknown
  resume(): unknown
  /** Present on a pipe (net.Socket): reading it must not keep the command alive by itself. */
  unref?: () => unknown
}

/**
 * Makes a command stop when the process that started it dies, however it dies. A child of the panel
 * (the Live view's `serve`, `collect`, `replay`) is started with PARENT_LIFELINE_ENV=stdin and a stdin
 * pipe the panel never writes to. The kernel closes the panel's end when the panel exits, crashes or is
 * SIGKILLed (which no handler in the panel can see), so the child reads end-of-file and `onParentGone`
 * cancels the command the way SIGTERM does: the service stops accepting and answers what it holds (its
 * log rows are committed before it answers), the collector closes its run so the next start resumes.
 *
 * Why a pipe and not polling `process.ppid`: the end-of-file arrives at once, costs no timer, and also
 * works where a dead parent's children are not re-parented to a new pid (Windows) or are adopted by
 * a subreaper that could be mistaken for the parent. Why opt-in by the variable: a command run from a
 * terminal, cron or `nohup` may have a closed or empty stdin, which says nothing about a parent.
 *
 * The browser-mode panel (src-main/server/main.ts) watches the same way when `npm start` (scripts/start.mjs)
 * starts it, so killing the wrapper does not leave the panel, and with it the Live view, running.
 *
 * A graceful stop that hangs must not leave an orphan either, so after `graceMs` the process exits at
 * once (the timer is unref'd: it never keeps a finished command alive).
 * @returns a function that stops watching (the command finished first).
 */
export function watchParentLifeline(
  env: Readonly<Record<string, string | undefined>>,
  stdin: LifelineStream,
  onParentGone: () => void,
  exitNow: () => void,
  graceMs: number = LIFELINE_GRACE_MS,
): () => void {
  if (env[PARENT_LIFELINE_ENV] !== 'stdin') return () => undefined
  let gone = false
  const parentGone = (): void => {
    if (gone) return
    gone = true
    onParentGone()
    setTimeout(exitNow, graceMs).unref()
  }
  stdin.on('end', parentGone)
  stdin.on('close', parentGone)
  // A read error on the pipe means the same: nobody holds the other end any more.
  stdin.on('error', parentGone)
  // Flowing mode, so the end-of-file is read; unref'd, so an idle pipe never keeps the command alive.
  stdin.resume()
  stdin.unref?.()
  return () => {
    stdin.off('end', parentGone)
    stdin.off('close', parentGone)
    stdin.off('error', parentGone)
  }
}
