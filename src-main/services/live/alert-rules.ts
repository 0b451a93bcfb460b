import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { GrafanaThreshold } from '../../core/alerts/grafana-alert-condition'
import {
  GRAFANA_EVALUATORS,
  GRAFANA_REDUCERS,
  describeThreshold,
  isThresholdExceeded,
  reduceSeries,
} from '../../core/alerts/grafana-alert-condition'
import type { AlertRuleState } from '../../shared/domain/live'

/**
 * One rule of Grafana's alerting provisioning, as much of it as the panel evaluates: the SQL of its
 * data query, the reducer and the threshold of its condition. The numbers stay in the provisioning
 * file (resources/grafana/provisioning/alerting/*.yaml), the one place both Grafana and the panel read.
 */
export interface ProvisionedAlertRule {
  readonly uid: string
  readonly title: string
  readonly sql: string | null
  readonly reducer: string
  readonly threshold: GrafanaThreshold | null
  /** Grafana's noDataState: what an empty query means (OK, NoData, Alerting, KeepLast). */
  readonly noDataState: string
  /** Why the panel cannot evaluate this rule (Grafana still does), or null. */
  readonly unsupported: string | null
}

interface RawQuery {
  refId?: unknown
  datasourceUid?: unknown
  model?: {
    type?: unknown
    expression?: unknown
    reducer?: unknown
    rawSql?: unknown
    conditions?: { evaluator?: { type?: unknown; params?: unknown } }[]
  }
}

interface RawRule {
  uid?: unknown
  title?: unknown
  condition?: unknown
  data?: RawQuery[]
  noDataState?: unknown
}

/** The folder Grafana reads alert rules from, under the app's `resources/`. */
export function alertingProvisioningDir(resourcesDir: string): string {
  return join(resourcesDir, 'grafana', 'provisioning', 'alerting')
}

/** Every rule of every `.yaml`/`.yml` file in the provisioning folder, in file then rule order. */
export async function readAlertRules(dir: string): Promise<ProvisionedAlertRule[]> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort()
  const rules: ProvisionedAlertRule[] = []
  for (const name of names) rules.push(...parseAlertRules(await readFile(join(dir, name), 'utf8')))
  return rules
}

/**
 * The rules of one provisioning file. A rule whose condition is not "SQL query → reduce → threshold"
 * (or "SQL → threshold") is kept, marked unsupported with the reason, so the panel lists it honestly.
 */
export function parseAlertRules(text: string): ProvisionedAlertRule[] {
  const document = parse(text) as { groups?: { rules?: RawRule[] }[] } | null
  const rules: ProvisionedAlertRule[] = []
  for (const group of document?.groups ?? []) {
    for (const rule of group.rules ?? []) rules.push(readRule(rule))
  }
  return rules
}

function readRule(rule: RawRule): ProvisionedAlertRule {
  const uid = typeof rule.uid === 'string' ? rule.uid : '(no uid)'
  const title = typeof rule.title === 'string' ? rule.title : uid
  const noDataState = typeof rule.noDataState === 'string' ? rule.noDataState : 'NoData'
  const base = { uid, title, noDataState, sql: null, reducer: 'last', threshold: null }
  const byRef = new Map((rule.data ?? []).map((query) => [query.refId, query]))
  const condition = byRef.get(rule.condition)
  if (condition?.model?.type !== 'threshold') {
    return { ...base, unsupported: 'its condition is not a threshold expression' }
  }
  const evaluator = condition.model.conditions?.[0]?.evaluator
  const params = Array.isArray(evaluator?.params) ? evaluator.params : []
  if (
    !(GRAFANA_EVALUATORS as readonly unknown[]).includes(evaluator?.type) ||
    params.length === 0 ||
    !params.every((param) => typeof param === 'number')
  ) {
    return {
      ...base,
      unsupported: `its threshold (${String(evaluator?.type)}) is not one the panel evaluates`,
    }
  }
  const threshold = { type: evaluator?.type, params } as GrafanaThreshold
  let input = byRef.get(condition.model.expression)
  let reducer = 'last'
  if (input?.model?.type === 'reduce') {
    reducer = String(input.model.reducer)
    if (!(GRAFANA_REDUCERS as readonly string[]).includes(reducer)) {
      return {
        ...base,
        threshold,
        unsupported: `its reducer '${reducer}' is not one the panel evaluates`,
      }
    }
    input = byRef.get(input.model.expression)
  }
  const sql = input?.model?.rawSql
  if (input?.datasourceUid === '__expr__' || typeof sql !== 'string') {
    return { ...base, threshold, reducer, unsupported: 'its data is not one SQL query' }
  }
  if (sql.includes('$__')) {
    return {
      ...base,
      threshold,
      reducer,
      sql,
      unsupported: "its SQL uses Grafana's time macros, which only Grafana expands",
    }
  }
  return { ...base, sql, reducer, threshold, unsupported: null }
}

/** Runs one rule's SQL read-only and returns its numbers, one per row (the first numeric column). */
export type AlertQueryRunner = (sql: string) => Promise<readonly number[]>

/** Evaluates each rule as Grafana does: its query, its reducer, its threshold, its noDataState. */
export async function evaluateAlertRules(
  rules: readonly ProvisionedAlertRule[],
  runQuery: AlertQueryRunner,
): Promise<AlertRuleState[]> {
  return Promise.all(
    rules.map(async (rule): Promise<AlertRuleState> => {
      const condition = rule.threshold === null ? '' : describeThreshold(rule.threshold)
      const state = { uid: rule.uid, title: rule.title, condition }
      if (rule.unsupported !== null || rule.sql === null || rule.threshold === null) {
        return { ...state, state: 'unsupported', value: null, detail: rule.unsupported }
      }
      let values: readonly number[]
      try {
        values = await runQuery(rule.sql)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        return { ...state, state: 'error', value: null, detail: `Its query failed: ${reason}` }
      }
      const value = reduceSeries(rule.reducer, values)
      if (value === null) {
        const noData = rule.noDataState
        return {
          ...state,
          state: noData === 'OK' ? 'ok' : noData === 'Alerting' ? 'alerting' : 'no-data',
          value: null,
          detail: `No data yet (the rule's noDataState is ${noData}).`,
        }
      }
      return {
        ...state,
        state: isThresholdExceeded(rule.threshold, value) ? 'alerting' : 'ok',
        value,
        detail: null,
      }
    }),
  )
}
