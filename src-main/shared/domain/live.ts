/**
 * The Live view's plain data (issue #12): a live session runs three CLI processes — the prediction
 * service (`serve`), the traffic (`replay`) and the window collector (`collect --follow`) — and the
 * panel charts the windows they store (service_health, daily_metrics with source 'live').
 */
import type { SerializedError } from '../errors'

export const LIVE_PROCESS_NAMES = ['serve', 'replay', 'collect'] as const
export type LiveProcessName = (typeof LIVE_PROCESS_NAMES)[number]

/** `--speed`: seconds of trip time per second of wall time, or as fast as the service answers. */
export type ReplaySpeed = number | 'max'

/**
 * One child process of a session: `waiting` (not started yet), `running`, `finished` (exited 0 on
 * its own: the replay reached the end of the month), `stopped` (ended by Stop or the panel quitting),
 * `failed` (exited non-zero or by a signal nobody sent: the session fails with it).
 */
export type LiveProcessState = 'waiting' | 'running' | 'finished' | 'stopped' | 'failed'

export interface LiveProcessStatus {
  readonly name: LiveProcessName
  readonly state: LiveProcessState
  readonly pid: number | null
  readonly exitCode: number | null
  readonly signal: string | null
  /** The last line it wrote (stderr or stdout), for a glance at what it is doing. */
  readonly lastLine: string | null
}

/**
 * `starting` (serve not healthy yet), `running`, `stopping` (SIGTERM sent, waiting for the children),
 * then one of `stopped` (by the user or the panel quitting) and `failed` (a child died).
 */
export type LiveSessionState = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed'

export interface LiveSessionStatus {
  readonly jobId: string
  readonly project: string
  /** The replayed month, YYYY-MM. */
  readonly month: string
  readonly speed: ReplaySpeed
  /** Wall-clock start of the session, ISO. */
  readonly startedAt: string
  readonly endedAt: string | null
  readonly state: LiveSessionState
  /** The service's base URL on loopback, once it listens. */
  readonly serviceUrl: string | null
  /** The latest `GET /health` answer: `ok`, `degraded` (503) or `unreachable`; null before the first. */
  readonly health: 'ok' | 'degraded' | 'unreachable' | null
  readonly processes: readonly LiveProcessStatus[]
  /** The replay's progress in 0..1 when its last progress line carries a percentage, else null. */
  readonly replayFraction: number | null
  /** Why the session failed (which child, its exit, its last lines). */
  readonly error: SerializedError | null
}

/** What a session pushes: a new status snapshot, or a line one of its children wrote. */
export type LiveProgressItem =
  | { readonly type: 'status'; readonly status: LiveSessionStatus }
  | { readonly type: 'line'; readonly process: LiveProcessName; readonly text: string }

/** One closed window of the service's health (a service_health row). Times are ISO, UTC. */
export interface ServiceHealthWindow {
  readonly start: string
  readonly end: string
  readonly requests: number
  readonly errors: number
  readonly errorRate: number | null
  readonly latencyP50Ms: number | null
  readonly latencyP95Ms: number | null
  readonly latencyP99Ms: number | null
}

/** One closed window of the collector's metrics (a daily_metrics row with source 'live'). */
export interface LiveMetricsWindow {
  readonly start: string
  readonly end: string | null
  readonly rows: number
  readonly predictionDrift: number | null
  readonly shareMissingValues: number | null
  readonly numDriftedColumns: number | null
  /** Null until the window's labels (the trips' real durations) have arrived. */
  readonly mae: number | null
  readonly rmse: number | null
  readonly labelledShare: number | null
}

/**
 * A provisioned Grafana alert rule, evaluated by the panel the way Grafana does (its SQL, its reduce
 * and its threshold, read from the provisioning file): `ok`, `alerting`, `no-data` (the query returned
 * nothing and the rule's noDataState is NoData), `error` (the query failed) or `unsupported` (a rule
 * shape the panel cannot evaluate, e.g. one using Grafana's time macros; Grafana itself still does).
 */
export interface AlertRuleState {
  readonly uid: string
  readonly title: string
  readonly state: 'ok' | 'alerting' | 'no-data' | 'error' | 'unsupported'
  /** The reduced value the threshold was applied to. */
  readonly value: number | null
  /** The threshold in words, e.g. `> 2.5`. */
  readonly condition: string
  readonly detail: string | null
}

export interface LiveWindows {
  readonly serviceHealth: readonly ServiceHealthWindow[]
  readonly metrics: readonly LiveMetricsWindow[]
  readonly alerts: readonly AlertRuleState[]
}
