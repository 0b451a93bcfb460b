import { describe, expect, it } from 'vitest'
import { JobSlot } from './job-slot'

describe('JobSlot', () => {
  it('holds the started job until the job releases it', () => {
    const slot = new JobSlot()
    let release: () => void = () => undefined
    const jobId = slot.fill((done) => {
      release = done
      return 'job-1'
    })
    expect(jobId).toBe('job-1')
    expect(slot.jobId).toBe('job-1')
    release()
    expect(slot.jobId).toBeNull()
  })

  it('stays free when the job released it before start returned', () => {
    const slot = new JobSlot()
    slot.fill((done) => {
      done()
      return 'job-2'
    })
    expect(slot.jobId).toBeNull()
  })

  it('ignores a late release from an earlier job once another holds the slot', () => {
    const slot = new JobSlot()
    let releaseFirst: () => void = () => undefined
    slot.fill((done) => {
      releaseFirst = done
      return 'job-1'
    })
    releaseFirst()
    slot.fill(() => 'job-2')
    releaseFirst()
    expect(slot.jobId).toBe('job-2')
  })
})
