import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src-main/config/app-config'
import type { ProjectFile } from '../../src-main/core/project/project-schema'
import { ExplainService, projectExplainSpec } from '../../src-main/services/explain/explain-service'
import { projectRequest, validateProjectFile } from '../../src-main/services/projects/project-file'
import { ReportService } from '../../src-main/services/reports/report-service'

/**
 * A learner's project on real CSV files: prediction = 2 + 1.5·x − 0.25·z (the model is known to the test
 * only), a group column where group 'c' is served worse, two daily windows; the second day shifts x.
 */
describe('explain on an own project', () => {
  let folder: string
  const base = {
    name: 'toy-model',
    reference: 'reference.csv',
    current: 'current.csv',
    mapping: {
      prediction: 'prediction',
      target: 'target',
      numerical_features: ['x', 'z'],
      categorical_features: ['group'],
    },
    window: { column: 'ts', every: '1d' },
  }

  function write(name: string, rows: number, day: (i: number) => string, xShift: number): void {
    const lines = ['ts,x,z,group,prediction,target']
    for (let i = 0; i < rows; i++) {
      const x = ((i * 37) % 101) / 10 + xShift
      const z = ((i * 53) % 89) / 7
      const group = ['a', 'b', 'c'][i % 3] as string
      const prediction = 2 + 1.5 * x - 0.25 * z
      const error = (((i * 29) % 13) - 6) / 3 + (group === 'c' ? 2.5 : 0)
      lines.push(`${day(i)},${x},${z},${group},${prediction},${prediction + error}`)
    }
    writeFileSync(join(folder, name), `${lines.join('\n')}\n`)
  }

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'driftdesk-explain-own-'))
    write(
      'reference.csv',
      600,
      (i) => `2024-01-${String((i % 28) + 1).padStart(2, '0')} 10:00:00`,
      0,
    )
    // Two days of current data; on day two x moved up by 2.
    const lines = ['ts,x,z,group,prediction,target']
    for (let i = 0; i < 400; i++) {
      const shift = i < 200 ? 0 : 2
      const x = ((i * 37) % 101) / 10 + shift
      const z = ((i * 53) % 89) / 7
      const group = ['a', 'b', 'c'][i % 3] as string
      const prediction = 2 + 1.5 * x - 0.25 * z
      const error = (((i * 29) % 13) - 6) / 3 + (group === 'c' ? 2.5 : 0)
      lines.push(
        `${i < 200 ? '2024-02-01' : '2024-02-02'} 09:00:00,${x},${z},${group},${prediction},${prediction + error}`,
      )
    }
    writeFileSync(join(folder, 'current.csv'), `${lines.join('\n')}\n`)
  })

  function service(): ExplainService {
    return new ExplainService(new ReportService(loadConfig({}, { homeDir: folder })))
  }

  function project(extra: Record<string, unknown>): ProjectFile {
    return validateProjectFile({ ...base, ...extra }, 'test project')
  }

  it('uses the coefficients the project file gives: exact, and x explains the second day', async () => {
    const definition = project({
      explain: {
        linear_model: { intercept: 2, coefficients: { x: 1.5, z: -0.25 } },
        sensitive_column: 'group',
        segment_column: 'group',
      },
    })
    const outcomes = await service().explainProject(
      definition,
      projectRequest(definition, join(folder, 'project.yaml')),
    )
    expect(outcomes.map((o) => o.window)).toEqual(['2024-02-01', '2024-02-02'])
    const second = outcomes[1]?.document?.document
    const shift = second?.shift
    expect(shift?.method).toBe('linear')
    expect(shift?.contributions[0]?.feature).toBe('x')
    const sum = (shift?.contributions ?? []).reduce((a, c) => a + c.contribution, 0)
    expect(Math.abs(sum - (shift?.observedShift ?? NaN))).toBeLessThan(1e-9 * Math.abs(sum))
    expect(second?.segments?.worst?.segment).toBe('c')
    const fairness = second?.fairness
    expect(fairness?.worst?.group).toBe('c')
    expect(fairness?.gap).toBeGreaterThan(1)
    expect(fairness?.ratio).toBeGreaterThan(1.5)
  })

  it('marks a surrogate explanation as an estimate when the file gives no coefficients', async () => {
    const definition = project({})
    const outcomes = await service().explainProject(
      definition,
      projectRequest(definition, join(folder, 'project.yaml')),
    )
    const shift = outcomes[1]?.document?.document.shift
    expect(shift?.method).toBe('surrogate')
    expect(shift?.isEstimate).toBe(true)
    // The prediction is exactly linear in x and z here, so the surrogate recovers it.
    expect(shift?.surrogateR2).toBeGreaterThan(0.999999)
    expect(shift?.contributions[0]?.feature).toBe('x')
    expect(shift?.contributions[0]?.coefficient).toBeCloseTo(1.5, 9)
  })

  it('refuses a project without a prediction column in one sentence', () => {
    const definition = project({})
    expect(() => projectExplainSpec(definition, { numericalFeatures: ['x', 'z'] })).toThrow(
      /no prediction column: set mapping.prediction/,
    )
  })
})
