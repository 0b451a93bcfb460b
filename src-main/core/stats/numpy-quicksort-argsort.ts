/** numpy's partitions at or below this length are finished by insertion sort (`SMALL_QUICKSORT`). */
const smallQuicksort = 15

/**
 * `numpy.argsort(values, kind="quicksort")` as numpy 1.24 computes it (`npysort/quicksort.cpp`
 * `aquicksort_`: median-of-three introsort, insertion sort on small partitions). Quicksort is not stable, so
 * the order it leaves among equal values is part of the result pandas builds on (e.g. which of several
 * equally common values `value_counts().index[0]` names); this reproduces it. Falls back to a heap sort when
 * the recursion gets too deep, as numpy does.
 * Complexity O(n log n).
 * @see https://github.com/numpy/numpy/blob/v1.24.0/numpy/core/src/npysort/quicksort.cpp
 * @example numpyQuicksortArgsort([3, 1, 2]) // Int32Array [1, 2, 0]
 */
export function numpyQuicksortArgsort(values: ArrayLike<number>): Int32Array {
  const n = values.length
  const tosort = new Int32Array(n)
  for (let i = 0; i < n; i++) tosort[i] = i
  if (n < 2) return tosort
  const v = (i: number): number => values[tosort[i] as number] as number
  const swap = (a: number, b: number): void => {
    const t = tosort[a] as number
    tosort[a] = tosort[b] as number
    tosort[b] = t
  }
  let pl = 0
  let pr = n - 1
  const stack: number[] = []
  const depths: number[] = []
  let depth = 2 * (31 - Math.clz32(n))
  for (;;) {
    if (depth < 0) {
      heapArgsort(values, tosort, pl, pr)
    } else {
      while (pr - pl > smallQuicksort) {
        let pm = pl + ((pr - pl) >> 1)
        if (v(pm) < v(pl)) swap(pm, pl)
        if (v(pr) < v(pm)) swap(pr, pm)
        if (v(pm) < v(pl)) swap(pm, pl)
        const pivot = v(pm)
        let pi = pl
        let pj = pr - 1
        swap(pm, pj)
        for (;;) {
          do pi++
          while (v(pi) < pivot)
          do pj--
          while (pivot < v(pj))
          if (pi >= pj) break
          swap(pi, pj)
        }
        swap(pi, pr - 1)
        pm = pi
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr)
          pr = pi - 1
        } else {
          stack.push(pl, pi - 1)
          pl = pi + 1
        }
        depths.push(--depth)
      }
      for (let i = pl + 1; i <= pr; i++) {
        const vi = tosort[i] as number
        const key = values[vi] as number
        let j = i
        while (j > pl && key < (values[tosort[j - 1] as number] as number)) {
          tosort[j] = tosort[j - 1] as number
          j--
        }
        tosort[j] = vi
      }
    }
    if (stack.length === 0) break
    pr = stack.pop() as number
    pl = stack.pop() as number
    depth = depths.pop() as number
  }
  return tosort
}

/** numpy's `aheapsort_` on `tosort[pl..pr]` (1-based heap over the slice). */
function heapArgsort(values: ArrayLike<number>, tosort: Int32Array, pl: number, pr: number): void {
  const n = pr - pl + 1
  const a = (k: number): number => tosort[pl + k - 1] as number
  const set = (k: number, x: number): void => {
    tosort[pl + k - 1] = x
  }
  const value = (x: number): number => values[x] as number
  for (let l = n >> 1; l > 0; --l) {
    const tmp = a(l)
    let i = l
    for (let j = l << 1; j <= n;) {
      if (j < n && value(a(j)) < value(a(j + 1))) j += 1
      if (value(tmp) < value(a(j))) {
        set(i, a(j))
        i = j
        j += j
      } else break
    }
    set(i, tmp)
  }
  for (let m = n; m > 1;) {
    const tmp = a(m)
    set(m, a(1))
    m -= 1
    let i = 1
    for (let j = 2; j <= m;) {
      if (j < m && value(a(j)) < value(a(j + 1))) j++
      if (value(tmp) < value(a(j))) {
        set(i, a(j))
        i = j
        j += j
      } else break
    }
    set(i, tmp)
  }
}
