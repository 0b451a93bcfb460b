import { describe, expect, it } from 'vitest'
import type { ProjectFile } from '../../core/project/project-schema'
import { formatWindowMetric } from '../../core/quality/window-column-metric'
import { storedProjectBackfillRequest } from './pipeline-handlers'

/**
 * Issue #11 review, the panel's path: a stored project listing one metric twice (`mean` of a twice, a
 * correlation with and without `method: pearson`) asks the backfill for it once, as the CLI does; two
 * would put one key twice in the window's upsert, which PostgreSQL refuses for every window.
 */
describe('storedProjectBackfillRequest', () => {
  it('asks for each stored metric once', () => {
    const definition: ProjectFile = {
      name: 'shop',
      reference: '/data/reference.csv',
      current: '/data/current.csv',
      metrics: [
        { column: 'a', metric: 'mean' },
        { column: 'a', metric: 'correlation', with: 'b' },
        { column: 'a', metric: 'mean' },
        { column: 'a', metric: 'correlation', with: 'b', method: 'pearson' },
        { column: 'a', metric: 'correlation', with: 'b', method: 'kendall' },
        { column: 'b', metric: 'correlation', with: 'a' },
      ],
    } as ProjectFile
    expect(storedProjectBackfillRequest(definition, false).metrics.map(formatWindowMetric)).toEqual(
      ['mean:a', 'correlation:a:b:pearson', 'correlation:a:b:kendall', 'correlation:b:a:pearson'],
    )
  })
})
