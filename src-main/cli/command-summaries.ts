/**
 * One line per command for the top-level help. Kept here rather than read from each command module so
 * `--help` does not load every command (3-5 s under tsx, measured); a test keeps each line equal to its
 * module's `summary` and the list equal to the files in `./commands/`.
 */
export const COMMAND_SUMMARIES: Readonly<Record<string, string>> = {
  fetch: 'Download the NYC TLC green-taxi trip files (or check those in --data-dir)',
  train: 'Train the course model on a reference month and save it with its reference data',
  backfill:
    'Compute and store the drift metrics of a month, or of every window of a project (a run with retries, resume, cancel)',
  metrics: "Print the metrics stored for a month or a project's windows (what Grafana reads)",
  runs: 'Run history: list runs, show one (tasks, attempts, logs), cancel one',
  report:
    "One day's Evidently-style report (data-drift, data-quality, regression) as text, JSON or HTML",
  'test-suite':
    "One day's Evidently-style test suite (data-drift, data-quality, data-stability, no-target, regression)",
  explain:
    'Why a day’s prediction moved (per-feature contributions), its outliers and its worst segment',
  project:
    'Your own model: `project init` writes a project file; `project add|list|show|remove` manage stored projects',
  stattest: "Run Evidently's drift stattests on samples from a JSON file (one result per case)",
  schedule:
    'Run jobs on a cron schedule (a daemon; schedules survive restarts, missed runs are recorded)',
  dummy:
    'Insert random rows into dummy_metrics every N seconds (course 5.5, tests Grafana plumbing)',
  serve:
    'Serve the trained taxi model over HTTP (POST /predict, /feedback; GET /health, /metrics), logging every prediction',
  replay:
    'Replay a month of taxi trips against a running `serve`: predictions at pickup, feedback at drop-off, on a sped-up clock',
  collect:
    "Compute a project's metrics per window of the prediction log as windows close (live monitoring)",
  stack: 'Start, inspect and stop the PostgreSQL + Grafana + Adminer stack (Docker or Podman)',
  estimate:
    "Estimate each day's MAE without labels (Direct Loss Estimation) and compare it with the realized MAE",
}

/** The top-level help: every command with its line, then the environment variables the CLI reads. */
export function usage(): string {
  const names = Object.keys(COMMAND_SUMMARIES)
  const width = Math.max(...names.map((name) => name.length))
  const lines = names.map((name) => `  ${name.padEnd(width)}  ${COMMAND_SUMMARIES[name]}`)
  return `Usage: npm run driftdesk -- <command> [options]

Commands:
${lines.join('\n')}

Run a command with --help for its options.

Environment (an option on the command line wins over its variable):
  DRIFTDESK_HOME            driftdesk's state folder, as --home (default ~/.driftdesk)
  DRIFTDESK_DATA_DIR        a folder that already holds the TLC Parquet files, as --data-dir
  DATABASE_URL              a PostgreSQL of your own, as --database-url (default: the embedded one)
  DRIFTDESK_TRIP_DATA_URL   where fetch downloads the TLC files (default: the TLC's CloudFront address)
  NO_COLOR                  plain text even on a terminal
`
}
