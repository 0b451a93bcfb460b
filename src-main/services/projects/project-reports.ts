import { stat } from 'node:fs/promises'
import type { DataDriftOptions } from '../../core/reports/data-drift-table'
import type { ProjectFile } from '../../core/project/project-schema'
import type { ProjectWindows } from '../../shared/domain/projects'
import type {
  ReportContextInfo,
  ReportDocument,
  ReportPresetName,
  TestSuiteDocument,
  TestSuitePresetName,
} from '../../shared/domain/reports'
import type { OwnDataRequest, OwnDataSet, WindowOutcome } from '../reports/own-data-reports'
import { loadOwnData, ownDataReports, ownDataTestSuites } from '../reports/own-data-reports'
import { ReportRequestError } from '../reports/report-service'

/** What the report thread needs of a stored project: its name, its data request and drift options. */
export interface ProjectTask {
  readonly name: string
  readonly request: OwnDataRequest
  readonly drift: DataDriftOptions
}

/** The drift options a project file's `options` give (Evidently's stattest and threshold parameters). */
export function projectDriftOptions(project: ProjectFile): DataDriftOptions {
  const o = project.options ?? {}
  const drift: Record<string, unknown> = {
    stattest: o.stattest,
    numStattest: o.num_stattest,
    catStattest: o.cat_stattest,
    stattestThreshold: o.threshold,
    numStattestThreshold: o.num_threshold,
    catStattestThreshold: o.cat_threshold,
    driftShare: o.drift_share,
  }
  for (const key of Object.keys(drift)) if (drift[key] === undefined) delete drift[key]
  return drift as DataDriftOptions
}

/** Data sets kept per project: the panel asks for window after window of the same project. */
const MAX_CACHED = 2

/**
 * A stored project's windows, reports and test suites for the panel, on the report thread: the project's
 * data is read once (and again when a file or folder changes on disk), then each window is one report
 * over the rows of that window ({@link ownDataReports}: the answer-keyed own-data engine).
 */
export class ProjectReportService {
  readonly #cache = new Map<string, { stamp: string; data: Promise<OwnDataSet> }>()

  async windows(project: ProjectTask): Promise<ProjectWindows> {
    const data = await this.#load(project)
    return {
      project: project.name,
      windows: data.windows.map((window) => ({
        label: window.label,
        start: window.start,
        endExclusive: window.endExclusive,
        rows: window.rows.length,
      })),
      rowsWithoutTimestamp: data.rowsWithoutTimestamp,
      mapping: {
        target: data.mapping.target ?? null,
        prediction: data.mapping.prediction ?? null,
        numericalFeatures: data.mapping.numericalFeatures,
        categoricalFeatures: data.mapping.categoricalFeatures,
      },
    }
  }

  async report(
    project: ProjectTask,
    preset: ReportPresetName,
    window: string,
  ): Promise<ReportDocument> {
    if (preset === 'course')
      throw new ReportRequestError(
        "The course metrics preset is the taxi course's own report; for your project choose data drift, data quality or regression quality.",
      )
    const { data, only } = await this.#window(project, window)
    const [outcome] = ownDataReports(only, preset, { drift: project.drift })
    return withContext(data, documentOf(outcome, window), `report:${preset}`, project, outcome)
  }

  async testSuite(
    project: ProjectTask,
    preset: TestSuitePresetName,
    window: string,
  ): Promise<TestSuiteDocument> {
    const { data, only } = await this.#window(project, window)
    const [outcome] = ownDataTestSuites(only, preset, {
      drift: project.drift,
      ...(project.drift.driftShare === undefined ? {} : { driftShare: project.drift.driftShare }),
    })
    return withContext(data, documentOf(outcome, window), `test-suite:${preset}`, project, outcome)
  }

  async #window(
    project: ProjectTask,
    label: string,
  ): Promise<{ data: OwnDataSet; only: OwnDataSet }> {
    const data = await this.#load(project)
    const window = data.windows.find((w) => w.label === label)
    if (window === undefined) {
      const labels = data.windows.map((w) => w.label)
      throw new ReportRequestError(
        `Project '${project.name}' has no window '${label}'; its windows are ${labels.length > 6 ? `${labels.slice(0, 3).join(', ')} … ${labels.slice(-2).join(', ')}` : labels.join(', ')}.`,
      )
    }
    return { data, only: { ...data, windows: [window] } }
  }

  async #load(project: ProjectTask): Promise<OwnDataSet> {
    const key = JSON.stringify(project.request)
    const stamp = await stampOf([...project.request.reference, ...project.request.current])
    const cached = this.#cache.get(key)
    if (cached !== undefined && cached.stamp === stamp) return cached.data
    const data = loadOwnData(project.request)
    this.#cache.delete(key)
    if (this.#cache.size >= MAX_CACHED)
      this.#cache.delete(this.#cache.keys().next().value as string)
    this.#cache.set(key, { stamp, data })
    // A failed read is not kept: the learner fixes the file and asks again.
    data.catch(() => {
      if (this.#cache.get(key)?.data === data) this.#cache.delete(key)
    })
    return data
  }
}

function documentOf<D>(outcome: WindowOutcome<D> | undefined, window: string): D {
  if (outcome?.document === undefined)
    throw new ReportRequestError(outcome?.error ?? `The window ${window} could not be computed.`)
  return outcome.document
}

function withContext<D extends ReportDocument | TestSuiteDocument>(
  data: OwnDataSet,
  document: D,
  preset: string,
  project: ProjectTask,
  outcome: WindowOutcome<D> | undefined,
): D {
  const context: ReportContextInfo = {
    date: `${project.name} · ${outcome?.window ?? ''}`,
    referenceMonth: 'the reference data',
    preset,
    currentRows: outcome?.currentRows ?? 0,
    referenceRows: data.profile.frame.rowCount,
    generatedBy: 'driftdesk',
  }
  return { ...document, context }
}

/** Modification times of the sources' paths: a changed file (or a file added to a folder) reloads. */
async function stampOf(paths: readonly string[]): Promise<string> {
  const times = await Promise.all(
    paths.map((path) =>
      stat(path).then(
        (info) => `${info.mtimeMs}:${info.size}`,
        () => 'missing',
      ),
    ),
  )
  return times.join('|')
}
