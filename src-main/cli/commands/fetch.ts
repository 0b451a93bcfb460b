import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/app-config'
import { ensureTripFiles } from '../../services/data/ensure-trip-files'
import { TripDataError } from '../../services/data/trip-data-errors'
import type { TripFileProgress } from '../../services/data/trip-file-progress'
import { parseTripMonths } from '../../services/data/trip-file-name'
import type { CliContext } from '../cli-context'
import { CliError } from '../cli-context'
import { withUserPaths } from '../user-path'
import { ProgressBar, formatBytes, formatCount } from '../progress-bar'

export const summary = 'Download the NYC TLC green-taxi trip files (or check those in --data-dir)'

const HELP = `Usage: npm run driftdesk -- fetch --months 2022-01,2022-02 [--data-dir DIR] [--home DIR] [--json]

Makes the monthly green-taxi Parquet files available and says where each one is.
  --months LIST    months as YYYY-MM, comma-separated (required)
  --data-dir DIR   use the files already in DIR instead of downloading (they are only checked);
                   or DRIFTDESK_DATA_DIR
  --home DIR       driftdesk's state folder; downloads are cached in DIR/cache/tlc (default ~/.driftdesk;
                   or DRIFTDESK_HOME)
  --json           one JSON object per file on stdout
Files come from DRIFTDESK_TRIP_DATA_URL (default: the TLC's CloudFront address). A valid cached file is
not downloaded again; a truncated or non-Parquet one is replaced.
`

/** `driftdesk fetch`: a front door over `ensureTripFiles`; it only parses, draws progress and prints. */
export async function run(context: CliContext): Promise<number> {
  const values = withUserPaths(parseOptions(context.args).values, context.env)
  if (values.help === true) {
    context.stdout.write(HELP)
    return 0
  }
  if (values.months === undefined)
    throw new CliError(`--months is required, e.g. --months 2022-01,2022-02.\n\n${HELP}`, 2)
  let months: string[]
  try {
    months = parseTripMonths(values.months)
  } catch (error) {
    if (error instanceof TripDataError) throw new CliError(error.message, 2)
    throw error
  }
  const config = loadConfig(context.env, { homeDir: values.home, dataDir: values['data-dir'] })

  const display = new FetchDisplay(context.stderr)
  // Each file is reported as soon as it is ready, so a failure on a later month still shows the earlier ones.
  const report = (event: TripFileProgress): void => {
    display.show(event)
    if (event.type === 'ready')
      context.stdout.write(`${describeReadyFile(event, values.json === true)}\n`)
  }
  try {
    await ensureTripFiles(config, months, report, context.signal)
  } catch (error) {
    if (error instanceof TripDataError) {
      display.close()
      throw new CliError(error.message, error.code === 'CANCELLED' ? 130 : 1)
    }
    throw error
  }
  return 0
}

function describeReadyFile(
  file: Extract<TripFileProgress, { type: 'ready' }>,
  isJson: boolean,
): string {
  const { month, fileName, path, source, status, bytes, rows } = file
  if (isJson) return JSON.stringify({ month, fileName, path, source, status, bytes, rows })
  const what = status === 'present' ? 'already present' : status
  return `${month}  ${what}  ${path}  (${formatBytes(bytes)}, ${formatCount(rows)} rows)`
}

function parseOptions(args: readonly string[]): ReturnType<typeof parseFetchArgs> {
  try {
    return parseFetchArgs(args)
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`, 2)
  }
}

function parseFetchArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      months: { type: 'string' },
      'data-dir': { type: 'string' },
      home: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  })
}

/** Turns service progress events into one bar per file on stderr, with notes for retries and replacements. */
class FetchDisplay {
  private bar: ProgressBar | null = null

  constructor(private readonly stderr: CliContext['stderr']) {}

  show(event: TripFileProgress): void {
    switch (event.type) {
      case 'checking':
        return
      case 'replacing':
        this.stderr.write(
          `${event.fileName}: the cached copy is unusable (${event.problem}); downloading it again.\n`,
        )
        return
      case 'downloading':
        this.bar ??= new ProgressBar(this.stderr, { label: event.fileName, unit: 'bytes' })
        this.bar.update(event.bytesDone, {
          total: event.bytesTotal,
          ratePerSecond: event.bytesPerSecond,
        })
        return
      case 'retrying': {
        const resume =
          event.resumeFromBytes > 0
            ? `resuming at ${formatBytes(event.resumeFromBytes)}`
            : 'starting over'
        const message = `${event.fileName}: ${event.reason}; attempt ${event.attempt} of ${event.maxAttempts} in ${(event.delayMs / 1000).toFixed(1)} s, ${resume}.`
        if (this.bar === null) this.stderr.write(`${message}\n`)
        else this.bar.note(message)
        return
      }
      case 'ready':
        if (this.bar !== null) {
          this.bar.finish()
          this.bar = null
        }
        return
    }
  }

  /** Ends a bar cut short by an error; main.ts prints the error itself, prefixed with the command name. */
  close(): void {
    this.bar?.fail()
    this.bar = null
  }
}
