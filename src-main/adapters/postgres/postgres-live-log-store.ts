import type { LiveLogStore } from '../../services/live/collector-service'
import {
  countRowsPerWindow,
  eventTimeWatermark,
  feedbackVersion,
  listStoredLiveWindows,
  readWindowRows,
  saveLiveWindow,
  stampEventTimes,
  tryLockCollector,
  updateLabelMetrics,
} from './live-log-repository'
import type { DatabasePool } from './pool'

/** The collector's view of the prediction log and the live windows, on one PostgreSQL pool. */
export function createPostgresLiveLogStore(pool: DatabasePool): LiveLogStore {
  return {
    lockCollector: (project) => tryLockCollector(pool, project),
    stampEventTimes: (project, field) => stampEventTimes(pool, project, field),
    eventTimeWatermark: (project, field) => eventTimeWatermark(pool, project, field ?? null),
    countRowsPerWindow: (project, length, origin, since, field) =>
      countRowsPerWindow(pool, project, length, origin, since, field ?? null),
    readWindowRows: (project, start, end, field) =>
      readWindowRows(pool, project, start, end, field ?? null),
    listStoredLiveWindows: (project) => listStoredLiveWindows(pool, project),
    saveLiveWindow: (window, provenance, task) => saveLiveWindow(pool, window, provenance, task),
    updateLabelMetrics: async (project, options) =>
      (await updateLabelMetrics(pool, project, options)).length,
    feedbackVersion: () => feedbackVersion(pool),
  }
}
