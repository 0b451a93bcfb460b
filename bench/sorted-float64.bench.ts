import { sortedFloat64 } from '../src-main/core/stats/sorted-float64'

function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * `sortedFloat64` (radix sort from 4,096 values on) against `Float64Array.prototype.sort` at the sizes a
 * backfill meets: a 1k-row window, a 27k-row window (issue 11's 10 M rows over 365 days), a 100k reference.
 * Values are like a window column's: rounded decimals with ties, a few negatives. Medians of 15 rounds of CPU time (process.cpuUsage), which other processes on the machine disturb less than wall time.
 */
export default async function benchSortedFloat64(): Promise<void> {
  let seed = 7
  const random = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
    return seed / 4294967296
  }
  for (const size of [1_000, 3_000, 27_000, 100_000]) {
    const values = Float64Array.from(
      { length: size },
      () => Math.round((-Math.log(1 - random()) * 3 - 0.5) * 100) / 100,
    )
    const time = (sort: () => Float64Array): number => {
      const rounds: number[] = []
      for (let r = 0; r < 15; r++) {
        const repeat = Math.max(1, Math.floor(200_000 / size))
        const started = cpuMs()
        for (let k = 0; k < repeat; k++) sort()
        rounds.push((cpuMs() - started) / repeat)
      }
      return rounds.sort((a, b) => a - b)[7] as number
    }
    const native = time(() => Float64Array.from(values).sort())
    const radix = time(() => sortedFloat64(values))
    console.log(
      `  ${String(size).padStart(7)} values: native sort ${(native * 1000).toFixed(0)} µs, sortedFloat64 ${(radix * 1000).toFixed(0)} µs (${(native / radix).toFixed(1)}×)`,
    )
  }
  await Promise.resolve()
}
