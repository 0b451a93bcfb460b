import { describe, expect, it } from 'vitest'
import type { InspectedColumn } from '../../../src-main/shared/domain/projects'
import { definitionFromDraft, draftRoleProblems, splitPaths } from './project-draft-definition'

const column = (name: string, storage: InspectedColumn['storage']): InspectedColumn => ({
  name,
  storage,
  inReference: true,
  inCurrent: true,
  proposedRole: 'numerical',
  reason: '',
})
const columns = [
  column('ts', 'timestamp'),
  column('zeta', 'float'),
  column('alpha', 'integer'),
  column('city', 'string'),
  column('label', 'float'),
  column('prediction', 'float'),
]

describe('definitionFromDraft', () => {
  it('lists features sorted by name, as Evidently sorts the inferred ones, and leaves timestamps out', () => {
    const definition = definitionFromDraft({
      name: ' shop ',
      reference: ['/data/ref.parquet'],
      current: ['/data/a.parquet', '/data/b.parquet'],
      columns,
      roles: {
        ts: 'datetime',
        zeta: 'numerical',
        alpha: 'numerical',
        city: 'categorical',
        label: 'target',
        prediction: 'prediction',
      },
      windowColumn: 'ts',
      every: '1d ',
    })
    expect(definition).toEqual({
      name: 'shop',
      reference: '/data/ref.parquet',
      current: ['/data/a.parquet', '/data/b.parquet'],
      mapping: {
        target: 'label',
        prediction: 'prediction',
        numerical_features: ['alpha', 'zeta'],
        categorical_features: ['city'],
      },
      window: { column: 'ts', every: '1d' },
    })
  })

  it('drops an ignored column and writes a row window without a column', () => {
    const definition = definitionFromDraft({
      name: 'shop',
      reference: ['/r.csv'],
      current: ['/c.csv'],
      columns,
      roles: { zeta: 'ignored', alpha: 'categorical', city: 'categorical', ts: 'datetime' },
      windowColumn: null,
      every: 'rows:500',
    })
    expect(definition.mapping).toEqual({
      numerical_features: [],
      categorical_features: ['alpha', 'city'],
    })
    expect(definition.window).toEqual({ every: 'rows:500' })
  })
})

describe('draftRoleProblems', () => {
  it('flags a second target against its own column', () => {
    const problems = draftRoleProblems({
      name: 'shop',
      reference: ['/r.csv'],
      current: ['/c.csv'],
      columns,
      roles: { label: 'target', zeta: 'target', prediction: 'prediction' },
      windowColumn: null,
      every: 'all',
    })
    expect(problems).toEqual([
      {
        field: 'mapping.target',
        column: 'label',
        message: "'zeta' is already the target: only one column can be.",
      },
    ])
  })
})

describe('splitPaths', () => {
  it('takes one path per line, trimmed, without blank lines', () => {
    expect(splitPaths(' /a.csv \r\n\n/b c.csv\n')).toEqual(['/a.csv', '/b c.csv'])
  })
})
