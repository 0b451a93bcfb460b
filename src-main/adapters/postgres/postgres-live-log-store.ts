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
    eventTimeWatermark: (project) => eventTimeWatermark(pool, project),
    countRowsPerWindow: (project, length, origin, since) =>
      countRowsPerWindow(pool, project, length, origin, since),
    readWindowRows: (project, start, end) => readWindowRows(pool, project, start, end),
    listStoredLiveWindows: (project) => listStoredLiveWindows(pool, project),
    saveLiveWindow: (window, provenance, task) => saveLiveWindow(pool, window, provenance, task),
    updateLabelMetrics: async (project) => (await updateLabelMetrics(pool, project)).length,
    feedbackVersion: () => feedbackVersion(pool),
  }
}
