/**
 * Expands Grafana's PostgreSQL query macros exactly as Grafana's backend does, so dashboard SQL can be
 * executed against a real database in tests (and previewed by the app without Grafana).
 *
 * Reference: grafana/grafana `pkg/tsdb/grafana-postgresql-datasource/macros.go` (postgresMacroEngine)
 * and `pkg/tsdb/sqleng/sql_engine.go` (`Interpolate`: `$__interval`, `$__interval_ms`,
 * `$__unixEpochFrom()`, `$__unixEpochTo()`, replaced first). TimescaleDB's `time_bucket` variant is
 * not supported (the stack runs plain PostgreSQL).
 *
 * @example
 * expandGrafanaPostgresMacros('SELECT 1 WHERE $__timeFilter(ts)', {
 *   from: new Date('2022-02-01T00:00:00Z'), to: new Date('2022-03-01T00:00:00Z'),
 * }).sql
 * // "SELECT 1 WHERE ts BETWEEN '2022-02-01T00:00:00Z' AND '2022-03-01T00:00:00Z'"
 */
export interface GrafanaTimeRange {
  readonly from: Date
  readonly to: Date
  /** The panel's `$__interval` in milliseconds (Grafana derives it from width and range); default 1 day. */
  readonly intervalMs?: number
}

export interface ExpandedGrafanaSql {
  readonly sql: string
  /** The fill mode a `$__timeGroup(col, interval, fill)` asked for; Grafana applies it to the result frame. */
  readonly fill?: {
    readonly mode: 'null' | 'previous' | 'value'
    readonly value?: number
    readonly intervalSeconds: number
  }
}

// Same pattern as Grafana: `$name(args)` where args contain no ')'.
const MACRO_PATTERN = /\$([_a-zA-Z0-9]+)\(([^)]*)\)/g

/**
 * @throws {RangeError} for an unknown macro, a missing argument or an unparsable interval, with the
 * message Grafana would give.
 */
export function expandGrafanaPostgresMacros(
  sql: string,
  range: GrafanaTimeRange,
): ExpandedGrafanaSql {
  if (!(range.from instanceof Date) || Number.isNaN(range.from.getTime())) {
    throw new RangeError('The time range needs a valid `from` date.')
  }
  if (!(range.to instanceof Date) || Number.isNaN(range.to.getTime())) {
    throw new RangeError('The time range needs a valid `to` date.')
  }
  const intervalMs = range.intervalMs ?? 86_400_000
  const fromSeconds = Math.floor(range.from.getTime() / 1000)
  const toSeconds = Math.floor(range.to.getTime() / 1000)
  // sqleng.Interpolate runs before the macro engine; `$__interval_ms` first so `$__interval` does not eat it.
  let text = sql
    .split('$__interval_ms')
    .join(String(intervalMs))
    .split('$__interval')
    .join(formatGrafanaInterval(intervalMs))
    .split('$__unixEpochFrom()')
    .join(String(fromSeconds))
    .split('$__unixEpochTo()')
    .join(String(toSeconds))
  let fill: ExpandedGrafanaSql['fill']
  const original = text
  text = text.replace(MACRO_PATTERN, (whole: string, rawName: string, rawArgs: string) => {
    let name = rawName
    // Grafana's pre-5.3 compatibility: `$__timeGroup(...)` directly followed by ',' in the query
    // (searched from the first occurrence of the same text) gets the alias.
    if (name === '__timeGroup') {
      const index = original.indexOf(whole)
      if (index >= 0 && original[index + whole.length] === ',') name = '__timeGroupAlias'
    }
    const args = rawArgs.split(',').map((arg) => arg.trim())
    const result = evaluateMacro(name, args, range)
    if (result.fill !== undefined) fill = result.fill
    return result.text
  })
  return fill === undefined ? { sql: text } : { sql: text, fill }
}

interface MacroResult {
  readonly text: string
  readonly fill?: ExpandedGrafanaSql['fill']
}

function evaluateMacro(
  name: string,
  args: readonly string[],
  range: GrafanaTimeRange,
): MacroResult {
  // Go's strings.Split of "" yields [""], so an empty argument list still has one (empty) element.
  const column = args[0] ?? ''
  const requireColumn = (): void => {
    if (args.length === 0) throw new RangeError(`missing time column argument for macro ${name}`)
  }
  const from = range.from
  const to = range.to
  switch (name) {
    case '__time':
      requireColumn()
      return { text: `${column} AS "time"` }
    case '__timeEpoch':
      requireColumn()
      return { text: `extract(epoch from ${column}) as "time"` }
    case '__timeFilter':
      requireColumn()
      return {
        text: `${column} BETWEEN '${formatRfc3339Nano(from)}' AND '${formatRfc3339Nano(to)}'`,
      }
    case '__timeFrom':
      return { text: `'${formatRfc3339Nano(from)}'` }
    case '__timeTo':
      return { text: `'${formatRfc3339Nano(to)}'` }
    case '__timeGroup':
    case '__timeGroupAlias': {
      const { seconds, fill } = parseGroupArguments(name, args)
      const text = `floor(extract(epoch from ${column})/${formatGoFloat(seconds)})*${formatGoFloat(seconds)}`
      return {
        text: name === '__timeGroupAlias' ? `${text} AS "time"` : text,
        ...(fill ? { fill } : {}),
      }
    }
    case '__unixEpochFilter':
      requireColumn()
      return {
        text: `${column} >= ${Math.floor(from.getTime() / 1000)} AND ${column} <= ${Math.floor(to.getTime() / 1000)}`,
      }
    case '__unixEpochNanoFilter':
      requireColumn()
      return { text: `${column} >= ${unixNanos(from)} AND ${column} <= ${unixNanos(to)}` }
    case '__unixEpochNanoFrom':
      return { text: unixNanos(from) }
    case '__unixEpochNanoTo':
      return { text: unixNanos(to) }
    case '__unixEpochGroup':
    case '__unixEpochGroupAlias': {
      const { seconds, fill } = parseGroupArguments(name, args)
      const text = `floor((${column})/${formatGoFloat(seconds)})*${formatGoFloat(seconds)}`
      return {
        text: name === '__unixEpochGroupAlias' ? `${text} AS "time"` : text,
        ...(fill ? { fill } : {}),
      }
    }
    default:
      throw new RangeError(`unknown macro "${name}"`)
  }
}

function parseGroupArguments(
  name: string,
  args: readonly string[],
): { seconds: number; fill?: ExpandedGrafanaSql['fill'] } {
  if (args.length < 2) {
    throw new RangeError(
      `macro ${name.replace(/Alias$/, '')} needs time column and interval and optional fill value`,
    )
  }
  const rawInterval = args[1] ?? ''
  const seconds = parseGrafanaIntervalSeconds(rawInterval.replace(/^'+|'+$/g, ''))
  if (seconds === null) throw new RangeError(`error parsing interval ${rawInterval}`)
  if (args.length !== 3) return { seconds }
  const rawFill = (args[2] ?? '').trim()
  if (rawFill === 'NULL') return { seconds, fill: { mode: 'null', intervalSeconds: seconds } }
  if (rawFill === 'previous')
    return { seconds, fill: { mode: 'previous', intervalSeconds: seconds } }
  const value = Number(rawFill)
  if (rawFill === '' || !Number.isFinite(value))
    throw new RangeError(`error parsing fill value ${rawFill}`)
  return { seconds, fill: { mode: 'value', value, intervalSeconds: seconds } }
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
}

/** Grafana's gtime.ParseInterval for fixed-length units (`500ms`, `5m`, `1h`, `1d`, `1w`). */
function parseGrafanaIntervalSeconds(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim())
  if (match === null) return null
  const amount = Number(match[1])
  const unit = UNIT_SECONDS[match[2] ?? '']
  return unit === undefined ? null : amount * unit
}

/**
 * Go's `%v` for a float64 (strconv.FormatFloat(f, 'g', -1, 64)): shortest digits, exponent form when
 * the decimal exponent is < -4 or >= 6, with at least two exponent digits (`2.592e+06` for 30 days).
 */
function formatGoFloat(value: number): string {
  if (value === 0) return '0'
  const exponent = Math.floor(Math.log10(Math.abs(value)))
  if (exponent < -4 || exponent >= 6) {
    const [mantissa, exp] = value.toExponential().split('e')
    const expNumber = Number(exp)
    const sign = expNumber < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(expNumber)).padStart(2, '0')}`
  }
  return String(value)
}

/** Go's time.RFC3339Nano in UTC: fractional seconds with trailing zeros removed, `Z` suffix. */
function formatRfc3339Nano(date: Date): string {
  const iso = date.toISOString() // always YYYY-MM-DDTHH:mm:ss.sssZ
  const [seconds, fraction = ''] = iso.slice(0, -1).split('.')
  const trimmed = fraction.replace(/0+$/, '')
  return trimmed === '' ? `${seconds}Z` : `${seconds}.${trimmed}Z`
}

function unixNanos(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString()
}

/** Grafana's gtime.FormatInterval: the largest whole unit (`1d`, `5m`, `30s`, `100ms`). */
function formatGrafanaInterval(intervalMs: number): string {
  const units: readonly [string, number][] = [
    ['y', 31_536_000_000],
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ]
  for (const [unit, size] of units) {
    if (intervalMs >= size && intervalMs % size === 0) return `${intervalMs / size}${unit}`
  }
  return `${intervalMs}ms`
}
