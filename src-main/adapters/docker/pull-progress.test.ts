import { describe, expect, it } from 'vitest'
import { twoLayerPullEvents } from '../../../test/fakes/fake-docker-api'
import type { ImagePullState } from './pull-progress'
import {
  initialImagePullState,
  reduceImagePull,
  summarizeImagePull,
  summarizePull,
} from './pull-progress'

const image = 'docker.io/library/postgres:15.10-bookworm'

function fold(
  events: ReturnType<typeof twoLayerPullEvents>,
  start = initialImagePullState(image),
): ImagePullState {
  return events.reduce(reduceImagePull, start)
}

describe('reduceImagePull', () => {
  it('sums compressed bytes over layers while downloading', () => {
    const events = twoLayerPullEvents(image).slice(0, 5)
    const summary = summarizeImagePull(fold(events))
    expect(summary).toEqual({
      image,
      phase: 'pulling',
      layers: 2,
      layersDone: 0,
      bytesDone: 150,
      bytesTotal: 400,
    })
  })

  it('counts a layer fully downloaded at "Download complete" and ignores extraction byte counts', () => {
    const events = twoLayerPullEvents(image).slice(0, 7)
    const summary = summarizeImagePull(fold(events))
    expect(summary.bytesDone).toBe(200)
    expect(summary.bytesTotal).toBe(400)
  })

  it('ends done with every layer and byte accounted for', () => {
    const summary = summarizeImagePull(fold(twoLayerPullEvents(image)))
    expect(summary).toEqual({
      image,
      phase: 'done',
      layers: 2,
      layersDone: 2,
      bytesDone: 400,
      bytesTotal: 400,
    })
  })

  it('treats "Already exists" layers as done with nothing to download', () => {
    const state = fold([
      { status: 'Already exists', id: 'base' },
      { status: 'Downloading', id: 'top', progressDetail: { current: 10, total: 40 } },
    ])
    expect(summarizeImagePull(state)).toMatchObject({
      layers: 2,
      layersDone: 1,
      bytesDone: 10,
      bytesTotal: 40,
    })
  })

  it('records an error that arrives inside the stream and ignores later events', () => {
    const failed = fold([
      { status: 'Downloading', id: 'a', progressDetail: { current: 5, total: 10 } },
      {
        error: 'toomanyrequests: rate limit',
        errorDetail: { message: 'toomanyrequests: You have reached your pull rate limit.' },
      },
      { status: 'Pull complete', id: 'a' },
    ])
    expect(failed.phase).toBe('failed')
    expect(failed.error).toBe('toomanyrequests: You have reached your pull rate limit.')
    expect(summarizeImagePull(failed).layersDone).toBe(0)
  })

  it('does not mutate the previous state', () => {
    const before = initialImagePullState(image)
    const after = reduceImagePull(before, {
      status: 'Downloading',
      id: 'a',
      progressDetail: { current: 1, total: 2 },
    })
    expect(before.layers).toEqual({})
    expect(after).not.toBe(before)
  })
})

describe('summarizePull', () => {
  it('adds bytes across images and keeps images already present at zero', () => {
    const pulled = fold(twoLayerPullEvents(image))
    const present = initialImagePullState('docker.io/library/adminer:4.8.1-standalone', 'present')
    const progress = summarizePull([pulled, present])
    expect(progress.bytesDone).toBe(400)
    expect(progress.bytesTotal).toBe(400)
    expect(progress.images.map((item) => item.phase)).toEqual(['done', 'present'])
  })
})
