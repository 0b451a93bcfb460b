/**
 * A small, dependency-free progress display for the command line (downloads now; backfills and image pulls
 * later). The formatting is pure (`formatProgressLine`); `ProgressBar` only decides when to write:
 * on a terminal it redraws one line in place (`\r`, at most ~10 times a second); in a log (CI, a pipe)
 * it prints an occasional plain line instead, so logs stay short and readable.
 */

export type ProgressUnit = 'bytes' | 'items'

/** Everything one progress line shows. */
export interface ProgressSnapshot {
  readonly label: string
  readonly done: number
  /** `null` when the size is unknown: the line then shows no bar, percent or ETA. */
  readonly total: number | null
  readonly unit: ProgressUnit
  /** For `items`, the word after the counts, e.g. `days`. */
  readonly itemName?: string
  /** Units per second; `null` or 0 while unknown. */
  readonly ratePerSecond: number | null
}

const BAR_MIN = 10
const BAR_MAX = 30
/** Room kept for percent, counts, rate and ETA, so the bar's width stays put while those texts change. */
const TAIL_RESERVE = 52

/**
 * One progress line, fitted to `columns` characters when possible, e.g.
 * `green_tripdata_2022-01.parquet [=======>       ]  50%  627 kB / 1.25 MB  1.10 MB/s  ETA 0:01`.
 */
export function formatProgressLine(snapshot: ProgressSnapshot, columns = 100): string {
  const { done, total, unit } = snapshot
  const amount = (value: number): string =>
    unit === 'bytes' ? formatBytes(value) : formatCount(value)
  const suffix = unit === 'items' && snapshot.itemName !== undefined ? ` ${snapshot.itemName}` : ''
  const rate =
    snapshot.ratePerSecond !== null && snapshot.ratePerSecond > 0 ? snapshot.ratePerSecond : null
  const rateText =
    rate === null
      ? ''
      : unit === 'bytes'
        ? `${formatBytes(rate)}/s`
        : `${formatRate(rate)}${suffix}/s`
  if (total === null || total <= 0) {
    return [snapshot.label, `${amount(done)}${suffix}`, rateText]
      .filter((part) => part !== '')
      .join('  ')
  }
  const fraction = Math.min(Math.max(done / total, 0), 1)
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`
  const counts = `${amount(done)} / ${amount(total)}${suffix}`
  const remaining = Math.max(total - done, 0)
  const eta = rate === null ? '' : `ETA ${formatDuration(remaining / rate)}`
  const tail = [percent, counts, rateText, eta].filter((part) => part !== '').join('  ')
  const barWidth = Math.min(
    BAR_MAX,
    Math.max(BAR_MIN, columns - snapshot.label.length - TAIL_RESERVE),
  )
  return `${snapshot.label} ${renderBar(fraction, barWidth)}  ${tail}`
}

function renderBar(fraction: number, width: number): string {
  const filled = Math.floor(fraction * width)
  if (filled >= width) return `[${'='.repeat(width)}]`
  return `[${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}]`
}

/** Bytes in decimal units with three significant digits: `512 B`, `1.25 MB`, `12.5 MB`, `125 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = Math.max(bytes, 0)
  let index = 0
  while (value >= 999.5 && index < units.length - 1) {
    value /= 1000
    index++
  }
  if (index === 0) return `${Math.round(value)} B`
  const digits = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2
  return `${value.toFixed(digits)} ${units[index]}`
}

/** A count with thousands separators: `12,345`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US')
}

function formatRate(rate: number): string {
  return rate >= 10 ? formatCount(rate) : rate.toFixed(1)
}

/** Seconds as `m:ss` or `h:mm:ss`; `--:--` when not finite (no rate yet). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--'
  const whole = Math.ceil(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = String(whole % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** Where a bar writes: stderr, or anything with the same shape (tests pass a recorder). */
export interface ProgressStream {
  write(text: string): unknown
  readonly isTTY?: boolean
  readonly columns?: number
}

export interface ProgressBarOptions {
  readonly label: string
  readonly unit: ProgressUnit
  readonly itemName?: string
  readonly total?: number | null
  /** Milliseconds clock; injected so tests control time. */
  readonly now?: () => number
  /** Minimum time between two redraws on a terminal (default 100 ms: ~10 per second). */
  readonly redrawIntervalMs?: number
  /** Minimum time between two plain lines in a log, besides the 25 % steps (default 10 s). */
  readonly plainIntervalMs?: number
}

/**
 * Draws one task's progress on a stream. Call `update` as often as you like; the bar throttles itself.
 * End with `finish` (success) or `fail`; both end the line so the next output starts clean.
 */
export class ProgressBar {
  private done = 0
  private total: number | null
  private rate: number | null = null
  private firstSample: { at: number; done: number } | null = null
  private lastDrawAt = -Infinity
  private lastPlainQuarter = -1
  private lastPlainLine = ''
  private isOpen = true
  private readonly now: () => number
  private readonly isTerminal: boolean

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: ProgressBarOptions,
  ) {
    this.total = options.total ?? null
    this.now = options.now ?? (() => performance.now())
    this.isTerminal = stream.isTTY === true
  }

  /** Records progress; `ratePerSecond` overrides the bar's own average when the caller measures better. */
  update(done: number, extra: { total?: number | null; ratePerSecond?: number } = {}): void {
    if (!this.isOpen) return
    const at = this.now()
    this.done = done
    if (extra.total !== undefined) this.total = extra.total
    if (this.firstSample === null) this.firstSample = { at, done }
    if (extra.ratePerSecond !== undefined) this.rate = extra.ratePerSecond
    else if (at > this.firstSample.at)
      this.rate = ((done - this.firstSample.done) * 1000) / (at - this.firstSample.at)
    if (this.isTerminal) {
      if (at - this.lastDrawAt >= (this.options.redrawIntervalMs ?? 100)) this.redraw(at)
      return
    }
    const quarter = this.total !== null && this.total > 0 ? Math.floor((4 * done) / this.total) : -1
    const isNewQuarter = quarter > this.lastPlainQuarter
    const isDue = at - this.lastDrawAt >= (this.options.plainIntervalMs ?? 10_000)
    if (this.lastDrawAt === -Infinity || isNewQuarter || isDue) {
      this.lastPlainQuarter = Math.max(quarter, this.lastPlainQuarter)
      this.lastDrawAt = at
      this.writePlain(this.line())
    }
  }

  /** Prints a message on its own line without garbling the bar (a retry notice, a warning). */
  note(message: string): void {
    if (this.isTerminal && this.isOpen && this.lastDrawAt !== -Infinity) {
      this.stream.write(`\r\x1b[K${message}\n`)
      this.redraw(this.now())
    } else {
      this.stream.write(`${message}\n`)
    }
  }

  /** Draws the final state and ends the line; `summary`, when given, replaces the bar's last line. */
  finish(summary?: string): void {
    if (!this.isOpen) return
    this.isOpen = false
    const text = summary ?? this.line()
    if (this.isTerminal) this.stream.write(`\r\x1b[K${text}\n`)
    else if (text !== this.lastPlainLine) this.writePlain(text) // a log already showing 100 % needs no repeat
  }

  /** Ends the line after a failure, keeping how far it got visible, then prints `message` if given. */
  fail(message?: string): void {
    if (!this.isOpen) return
    this.isOpen = false
    if (this.isTerminal && this.lastDrawAt !== -Infinity) this.stream.write('\n')
    if (message !== undefined) this.stream.write(`${message}\n`)
  }

  private writePlain(text: string): void {
    this.lastPlainLine = text
    this.stream.write(`${text}\n`)
  }

  private redraw(at: number): void {
    this.lastDrawAt = at
    this.stream.write(`\r${this.line()}\x1b[K`)
  }

  private line(): string {
    return formatProgressLine(
      {
        label: this.options.label,
        done: this.done,
        total: this.total,
        unit: this.options.unit,
        ratePerSecond: this.rate,
        ...(this.options.itemName === undefined ? {} : { itemName: this.options.itemName }),
      },
      this.stream.columns ?? 100,
    )
  }
}
