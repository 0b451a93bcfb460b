import { COURSE_PROJECT } from '../core/project/course-project'
import type { WindowMetricSpec } from '../core/quality/window-column-metric'
import { parseWindowMetric } from '../core/quality/window-column-metric'
import { CliError } from './cli-context'

/*
 * The light half of `backfill --project`: its options, help and the checks the course's `backfill` makes
 * before deciding which path runs. Kept apart from project-backfill.ts so a course backfill does not load
 * the project machinery (own-data readers, reports) at start-up: `backfill` imports that lazily.
 */

/** The flags `backfill` adds for own data (the same names as `report`'s own-data flags). */
export const projectBackfillOptions = {
  project: { type: 'string' },
  reference: { type: 'string', multiple: true },
  current: { type: 'string', multiple: true },
  target: { type: 'string' },
  prediction: { type: 'string' },
  numerical: { type: 'string' },
  categorical: { type: 'string' },
  datetime: { type: 'string' },
  id: { type: 'string' },
  window: { type: 'string' },
  lateness: { type: 'string' },
  metric: { type: 'string', multiple: true },
} as const

export const PROJECT_BACKFILL_HELP = `
Your own data (any model's prediction log; stored under the project's name, source 'batch'):
  --project NAME|FILE                a stored project or a project file; nyc-taxi is the course (above)
  --reference PATH --current PATH    ad hoc instead of a project: .parquet, .csv, .jsonl files or folders
  --target COL --prediction COL --numerical A,B --categorical C,D --id COL   the column mapping
  --datetime COL                     the timestamp column that cuts windows (never a feature)
  --window 1d|1h|30m|7d|1w|month     window length (default 1d with --datetime)
  --lateness N                       rows may come up to N-1 windows late (default 1: sorted by time)
  --metric SPEC                      extra metric per window, repeatable: quantile:COL:Q, value_range:COL,
                                     mean:COL, missing_share:COL, missing_count:COL,
                                     correlation:COL_A:COL_B[:pearson|spearman|kendall] (also for nyc-taxi)
  --name NAME                        ad hoc: the project name to store under (default 'adhoc')
  --workers N                        threads computing windows (default one fewer than the cores) while this one
                                     reads the data and stores the results
The current data is streamed (Parquet row groups, CSV chunks); each window is stored as it closes.
Data not sorted by the window column is an error naming the row, unless --lateness allows it.
`

export interface ProjectBackfillValues {
  project?: string
  reference?: string[]
  current?: string[]
  target?: string
  prediction?: string
  numerical?: string
  categorical?: string
  datetime?: string
  id?: string
  window?: string
  lateness?: string
  metric?: string[]
  name?: string
  json?: boolean
  force?: boolean
  retries?: string
  'retry-delay'?: string
}

/** Whether `backfill` is asked for own data (a project other than the course, or ad hoc files). */
export function isProjectBackfill(values: ProjectBackfillValues): boolean {
  return (
    values.reference !== undefined ||
    values.current !== undefined ||
    (values.project !== undefined && values.project !== COURSE_PROJECT)
  )
}

/** `--metric` flags parsed, or a usage error naming the bad one. */
export function parseMetricFlags(texts: readonly string[] | undefined): WindowMetricSpec[] {
  return (texts ?? []).map((text) => {
    try {
      return parseWindowMetric(text)
    } catch (error) {
      throw new CliError(`--metric ${(error as Error).message}`, 2)
    }
  })
}
