import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  alertingProvisioningDir,
  evaluateAlertRules,
  parseAlertRules,
  readAlertRules,
} from './alert-rules'

const resourcesDir = fileURLToPath(new URL('../../../resources', import.meta.url))

/** A rule in the provisioning file's shape: SQL (A) → reduce (B) → threshold (C). */
function ruleYaml(
  options: { sql?: string; reducer?: string; evaluator?: string; noData?: string } = {},
): string {
  return `apiVersion: 1
groups:
  - name: test
    rules:
      - uid: test-error-rate
        title: Error rate above 5 %
        condition: C
        data:
          - refId: A
            datasourceUid: driftdesk-postgres
            model:
              rawSql: ${JSON.stringify(options.sql ?? 'SELECT error_rate FROM service_health ORDER BY "timestamp"')}
          - refId: B
            datasourceUid: __expr__
            model: { type: reduce, expression: A, reducer: ${options.reducer ?? 'last'} }
          - refId: C
            datasourceUid: __expr__
            model:
              type: threshold
              expression: B
              conditions:
                - evaluator: ${options.evaluator ?? '{ type: gt, params: [0.05] }'}
        noDataState: ${options.noData ?? 'OK'}
`
}

describe('provisioned alert rules', () => {
  it("reads the repository's rules with their SQL, reducer and threshold", async () => {
    const rules = await readAlertRules(alertingProvisioningDir(resourcesDir))
    expect(rules.length).toBeGreaterThanOrEqual(2)
    const drift = rules.find((rule) => rule.uid === 'driftdesk-prediction-drift')
    expect(drift).toMatchObject({
      reducer: 'last',
      threshold: { type: 'gt', params: [2.5] },
      noDataState: 'OK',
      unsupported: null,
    })
    expect(drift?.sql).toContain('prediction_drift >= 0.1')
    for (const rule of rules) expect(rule.unsupported, rule.uid).toBeNull()
  })

  it('evaluates SQL → reduce → threshold, and an empty result by the rule’s noDataState', async () => {
    const [rule] = parseAlertRules(ruleYaml({ reducer: 'max', noData: 'NoData' }))
    const states = async (values: number[]) =>
      (await evaluateAlertRules([rule!], async () => values))[0]
    expect(await states([0.01, 0.2, 0.03])).toMatchObject({
      state: 'alerting',
      value: 0.2,
      condition: '> 0.05',
    })
    expect(await states([0.01, 0.04])).toMatchObject({ state: 'ok', value: 0.04 })
    expect(await states([])).toMatchObject({ state: 'no-data', value: null })
  })

  it('reports a failing query as an error state with the reason, not a thrown request', async () => {
    const [rule] = parseAlertRules(ruleYaml())
    const [state] = await evaluateAlertRules([rule!], async () => {
      throw new Error('relation "service_health" does not exist')
    })
    expect(state).toMatchObject({
      state: 'error',
      detail: expect.stringContaining('does not exist'),
    })
  })

  it('lists a rule it cannot evaluate as unsupported, saying why (Grafana macros, other reducers)', async () => {
    const [macro] = parseAlertRules(ruleYaml({ sql: 'SELECT 1 WHERE $__timeFilter("timestamp")' }))
    const [median] = parseAlertRules(ruleYaml({ reducer: 'median' }))
    const [classic] = parseAlertRules(ruleYaml({ evaluator: '{ type: gte, params: [1] }' }))
    const states = await evaluateAlertRules([macro!, median!, classic!], async () => [1])
    expect(states.map((state) => state.state)).toEqual([
      'unsupported',
      'unsupported',
      'unsupported',
    ])
    expect(states[0]?.detail).toContain('time macros')
    expect(states[1]?.detail).toContain("'median'")
    expect(states[2]?.detail).toContain('gte')
  })
})
