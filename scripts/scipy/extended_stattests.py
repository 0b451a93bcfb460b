#!/usr/bin/python3
"""Expected scores for driftdesk's 10 extended stattests, computed the way Evidently 0.4.40 does.

Run with Debian's python (scipy 1.10, numpy 1.24, pandas 1.5):

    /usr/bin/python3 scripts/scipy/extended_stattests.py

It writes test/fixtures/scipy/extended-stattests.json (deterministic tests) and
test/fixtures/scipy/extended-stattests-permutation.json (empirical_mmd and TVD, whose p-values come
from numpy's legacy global RNG).

TVD cases carry three p-values: `ok`, Evidently's procedure with the categories summed in sorted
order (driftdesk's contract); `setOrderPValue`, Evidently's own set order under PYTHONHASHSEED=0; and
`exactTiesPValue`, the count with the statistic compared in exact integers. They differ only when a
permuted TVD ties the observed one in theory and the last bit of float rounding decides.

Evidently itself is not installable here, so each `evidently_*` function below restates the scoring
step of one Evidently file (tag v0.4.40, src/evidently/calculations/stattests/...) with the same
scipy/numpy calls, in the same order. The file is named in each docstring. Inputs are what Evidently's
stattest receives: NaN/inf-free pandas Series.

Python's string hashing is salted per process, and TVD's key order comes from a `set`, so the script
re-runs itself with PYTHONHASHSEED=0 to make the output reproducible byte for byte.
"""
import json
import math
import os
import sys
import warnings
from collections import Counter
from itertools import combinations

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.special import gammaln, kv  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "scipy")


# ---------------------------------------------------------------- numerical stattests


def evidently_anderson(ref, cur):
    """anderson_darling_stattest.py: anderson_ksamp([ref.values, cur.values])[2], drift when p < thr.

    (Releases before the ColumnType API wrapped the pair in np.array(...), which numpy >= 1.24
    refuses for samples of different lengths; v0.4.40 passes a list.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.anderson_ksamp([ref.values, cur.values]).significance_level)


def _cvm_exact_pvalue(s, m, n):
    """Xiao, Gordon and Yakovlev's lattice-path recursion, as Evidently's _pval_cvm_2samp_exact."""
    lcm = np.lcm(m, n)
    a = lcm // m
    b = lcm // n
    mn = m * n
    zeta = lcm**2 * (m + n) * (6 * s - mn * (4 * mn - 1)) // (6 * mn**2)
    combinations = math.factorial(m + n) / (math.factorial(m) * math.factorial(n))
    dtype = np.min_scalar_type(max(lcm**2 * (m + n), combinations))
    gs = [np.array([[0], [1]], dtype=dtype)] + [np.empty((2, 0), dtype=dtype) for _ in range(m)]
    for u in range(n + 1):
        next_gs = []
        tmp = np.empty((2, 0), dtype=dtype)
        for v, g in enumerate(gs):
            common, i0, i1 = np.intersect1d(tmp[0], g[0], return_indices=True)
            tmp = np.concatenate([np.stack([common, tmp[1, i0] + g[1, i1]]), np.delete(tmp, i0, 1), np.delete(g, i1, 1)], 1)
            tmp[0] += (a * v - b * u) ** 2
            next_gs.append(tmp)
        gs = next_gs
    value, freq = gs[m]
    return np.float64(np.sum(freq[value >= zeta]) / combinations)


def _cvm_cdf_inf(x):
    x = np.asarray(x)

    def term(x, k):
        u = np.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (np.pi**1.5 * np.sqrt(x))
        y = 4 * k + 1
        q = y**2 / (16 * x)
        return u * np.sqrt(y) * np.exp(-q) * kv(0.25, q)

    tot = np.zeros_like(x, dtype="float")
    cond = np.ones_like(x, dtype="bool")
    k = 0
    while np.any(cond):
        z = term(x[cond], k)
        tot[cond] = tot[cond] + z
        cond[cond] = np.abs(z) >= 1e-7
        k += 1
    return tot


def evidently_cramer_von_mises(ref, cur):
    """cramer_von_mises_stattest.py::_cvm_2samp(method="auto"), drift when p <= thr.

    Evidently's own copy of scipy 1.10's two-sample CvM: the exact distribution (Xiao et al.) when
    max(nx, ny) <= 20, otherwise the asymptotic Anderson (1962) limit distribution. (Evidently releases
    before the ColumnType API enumerated all splits and switched at 10; v0.4.40 has this version.)
    """
    xa = np.sort(np.asarray(ref))
    ya = np.sort(np.asarray(cur))
    if xa.size <= 1 or ya.size <= 1:
        raise ValueError("x and y must contain at least two observations.")
    nx, ny = len(xa), len(ya)
    method = "asymptotic" if max(nx, ny) > 20 else "exact"
    r = stats.rankdata(np.concatenate([xa, ya]), method="average")
    rx, ry = r[:nx], r[nx:]
    u = nx * np.sum((rx - np.arange(1, nx + 1)) ** 2)
    u += ny * np.sum((ry - np.arange(1, ny + 1)) ** 2)
    k, N = nx * ny, nx + ny
    t = u / (k * N) - (4 * k - 1) / (6 * N)
    if method == "exact":
        p = _cvm_exact_pvalue(u, nx, ny)
    else:
        et = (1 + 1 / N) / 6
        vt = (N + 1) * (4 * k * N - 3 * (nx**2 + ny**2) - 2 * k)
        vt = vt / (45 * N**2 * 4 * k)
        tn = 1 / 6 + (t - et) / np.sqrt(45 * vt)
        p = 1.0 if tn < 0.003 else max(0, 1.0 - _cvm_cdf_inf(tn))
    return float(p), method


def evidently_energy_distance(ref, cur):
    """energy_distance.py: scipy.stats.energy_distance(ref, cur), drift when d > thr (strict)."""
    return float(stats.energy_distance(ref, cur))


def evidently_epps_singleton(ref, cur):
    """epps_singleton_stattest.py: raises when iqr(union) == 0, else epps_singleton_2samp p, p < thr."""
    if stats.iqr(np.hstack((ref, cur))) == 0:
        raise ValueError(
            "Epps-Singleton testsinterquartile range (IQR) is zero. IQR of 0 means there is no variability in "
            "the middle 50% of your data, but the center of the distribution can be anywhere. Expected: your "
            "data sould have higher variability/variance."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.epps_singleton_2samp(ref, cur)[1])


def evidently_mann_whitney(ref, cur):
    """mann_whitney_urank_stattest.py: mannwhitneyu(x=ref, y=cur, alternative="less")[1], p < thr."""
    n1, n2 = len(ref), len(cur)
    xy = np.concatenate([ref.values, cur.values])
    ties = len(np.unique(xy)) != len(xy)
    method = "asymptotic" if (n1 > 8 and n2 > 8) or ties else "exact"
    return float(stats.mannwhitneyu(x=ref, y=cur, alternative="less")[1]), method


def evidently_t_test(ref, cur):
    """t_test.py: scipy.stats.ttest_ind(ref, cur)[1] (pooled variance, two-sided), p < thr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.ttest_ind(ref, cur)[1])


def evidently_empirical_mmd(ref, cur):
    """mmd_stattest.py::_mmd_stattest ("emperical_mmd"), p < thr.

    The kernel matrix uses the RBF kernel with sigma from the median heuristic on the reference
    block (np.percentile(..., interpolation="nearest")); the p-value is the share of 100 random
    permutations of the pooled kernel matrix whose MMD is >= the observed one. Evidently draws the
    permutations from numpy's global legacy RNG without seeding it; this script seeds it with 0 first,
    which is driftdesk's default.
    """
    x = ref.values.reshape(-1, 1)
    y = cur.values.reshape(-1, 1)

    def squared_distances(a, b):
        return (b**2).T - 2 * np.dot(a, b.T) + a**2

    def median_sigma(dist):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sigma = (0.5 * np.percentile(a=dist.flatten(), q=50, interpolation="nearest")) ** 0.5
        return (0.5 * 1) ** 0.5 if sigma == 0 else sigma

    def rbf(a, b, sigma):
        dist = squared_distances(a, b)
        own = median_sigma(dist)
        if sigma:
            own = sigma
        return np.exp(-(1.0 / (2.0 * own**2)) * dist), own

    kxx, sigma = rbf(x, x, None)
    kxy, _ = rbf(x, y, sigma)
    kyy, _ = rbf(y, y, sigma)
    kernel = np.concatenate((np.concatenate((kxx, kxy), axis=1), np.concatenate((kxy.T, kyy), axis=1)), axis=0)
    kernel = kernel - np.diag(np.diagonal(kernel))
    ny = y.shape[0]

    def mmd(matrix, permute):
        nx = matrix.shape[0] - ny
        if permute:
            index = np.random.permutation(matrix.shape[0])
            matrix = matrix[index][:, index]
        a = matrix[:-ny, :-ny]
        b = matrix[-ny:, -ny:]
        c = matrix[-ny:, :-ny]
        return 1 / (nx * (nx - 1)) * a.sum() + 1 / (ny * (ny - 1)) * b.sum() - 2.0 * c.mean()

    np.random.seed(0)
    observed = mmd(kernel, False)
    permuted = np.array([mmd(kernel, True) for _ in range(100)])
    # Permutations whose MMD equals the observed one in exact arithmetic are counted or not depending
    # on the last bit of np.exp (numpy's AVX512F exp differs from glibc's in ~1/4 of the cases), so
    # the p-value is only pinned down between these two bounds when such ties exist. driftdesk counts
    # every tie (pValueWithTies, the exact-arithmetic p-value); without ties all three agree.
    tolerance = 1e-12 * max(1.0, abs(observed))
    strict = float((permuted > observed + tolerance).mean())
    loose = float((permuted >= observed - tolerance).mean())
    return float((observed <= permuted).mean()), float(observed), float(sigma), strict, loose


# ---------------------------------------------------------------- categorical stattests


def _union_keys(ref, cur):
    return list(set(ref.dropna().unique()) | set(cur.dropna().unique()))


def evidently_fisher_exact(ref, cur):
    """fisher_exact_stattest.py + utils.generate_fisher2x2_contingency_table, p < thr."""
    if ref.isnull().values.any() or cur.isnull().values.any():
        raise ValueError("Null or inf values found in either reference_data or current_data.")
    if ref.nunique() > 2 or cur.nunique() > 2:
        raise ValueError("Expects binary data for both reference and current, but found unique categories > 2")
    if ref.shape[0] != cur.shape[0]:
        raise ValueError("reference_data and current_data are not of equal length")
    categories = set(ref.unique().tolist() + cur.unique().tolist())
    if len(categories) != 2:
        categories.add("placeholder")
    if len(categories) != 2:
        # Evidently maps the first two elements of the set and turns the rest into NaN, which
        # np.count_nonzero counts as "one": the answer then depends on Python's hash order.
        raise ValueError("more than two categories in the union: Evidently's answer depends on set order")
    mapping = dict(zip(list(categories), [0, 1]))
    r = ref.map(mapping).to_numpy()
    c = cur.map(mapping).to_numpy()
    table = np.array(
        [[np.count_nonzero(c), c.size - np.count_nonzero(c)], [np.count_nonzero(r), r.size - np.count_nonzero(r)]]
    )
    return float(stats.fisher_exact(table)[1]), table.tolist()


def evidently_g_test(ref, cur):
    """g_stattest.py: power_divergence(f_obs=cur counts, f_exp=ref counts, "log-likelihood")[1], p < thr.

    f_exp is not rescaled, so scipy >= 1.9 raises unless both samples have the same size.
    """
    keys = _union_keys(ref, cur)
    ref_counts = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
    cur_counts = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
    f_exp = [ref_counts[k] for k in keys]
    f_obs = [cur_counts[k] for k in keys]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.power_divergence(f_obs, f_exp, lambda_="log-likelihood")[1])


def _tvd(ref, cur, order=None):
    keys = _union_keys(ref, cur) if order is None else order(_union_keys(ref, cur))
    ref_counts = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
    cur_counts = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
    r = list(ref_counts.values())
    c = list(cur_counts.values())
    return 0.5 * np.sum(np.abs(r / sum(r) - c / sum(c)))


def _tvd_exact_doubled(ref_counts, cur_counts, n_ref, n_cur):
    """2 * n_ref * n_cur * TVD as an integer: the same statistic without rounding."""
    keys = set(ref_counts) | set(cur_counts)
    return sum(abs(ref_counts.get(k, 0) * n_cur - cur_counts.get(k, 0) * n_ref) for k in keys)


def evidently_tvd(ref, cur, order=None):
    """tvd_stattest.py + utils.permutation_test(iterations=1000), p < thr.

    `order` re-orders the categories before the terms are summed: Evidently sums in `set` order, which
    for strings changes with the hash seed; driftdesk sums in sorted order (order=sorted).
    Also returns the p-value with the statistic compared in exact integer arithmetic, to show
    whether float rounding of tied statistics changed the count on this input.
    """
    observed = _tvd(ref, cur, order)
    np.random.seed(0)
    held = []
    held_exact = []
    combined = ref.tolist() + cur.tolist()
    n_ref, n_cur = len(ref), len(cur)
    observed_exact = _tvd_exact_doubled(Counter(ref.tolist()), Counter(cur.tolist()), n_ref, n_cur)
    for _ in range(1000):
        new_ref = np.random.choice(combined, n_ref, replace=False).tolist()
        count_new_ref = Counter(new_ref)
        new_cur = list((Counter(combined) - count_new_ref).elements())
        held.append(_tvd(pd.Series(new_ref), pd.Series(new_cur), order))
        held_exact.append(_tvd_exact_doubled(count_new_ref, Counter(new_cur), n_ref, n_cur))
    p = sum(observed <= abs(np.array(held))) / len(held)
    p_exact = sum(observed_exact <= h for h in held_exact) / len(held_exact)
    return float(p), float(p_exact), float(observed)


# ---------------------------------------------------------------- cases


def rounded(values, decimals=4):
    return [float(v) for v in np.round(np.asarray(values, dtype=float), decimals)]


def numeric_cases():
    rs = np.random.RandomState(20240601)
    cases = [
        ("tiny-no-ties-shifted", rounded(rs.normal(0, 1, 8)), rounded(rs.normal(0.8, 1, 7))),
        ("tiny-with-ties", [1.0, 2.0, 2.0, 3.0, 4.0], [2.0, 3.0, 3.0, 5.0, 6.0, 7.0]),
        ("tiny-identical-values", [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]),
        ("two-and-two", [0.5, 1.5], [1.0, 2.0]),
        ("small-exact-mannw-unequal", rounded(rs.normal(0, 1, 4)), rounded(rs.normal(0, 1, 30))),
        ("small-no-ties-ten", rounded(rs.normal(0, 1, 10)), rounded(rs.normal(0.3, 1, 9))),
        ("exact-cvm-twenty-nineteen", rounded(rs.normal(0, 1, 20)), rounded(rs.normal(0.6, 1, 19))),
        ("exact-cvm-ties", rs.randint(0, 6, 14).astype(float).tolist(), rs.randint(1, 7, 17).astype(float).tolist()),
        ("exact-cvm-unequal", rounded(rs.normal(0, 1, 3)), rounded(rs.normal(0.5, 2, 20))),
        ("medium-same-distribution", rounded(rs.normal(5, 2, 60)), rounded(rs.normal(5, 2, 50))),
        ("medium-shifted", rounded(rs.normal(0, 1, 80)), rounded(rs.normal(0.5, 1, 70))),
        ("medium-poisson-ties", rs.poisson(3, 100).astype(float).tolist(), rs.poisson(3.6, 90).astype(float).tolist()),
        ("medium-lognormal-scale", rounded(rs.lognormal(0, 1, 150)), rounded(rs.lognormal(0, 1.4, 120))),
        ("large-normal", rounded(rs.normal(10, 3, 1500)), rounded(rs.normal(10.2, 3.3, 1200))),
        ("large-exponential-ties", rounded(rs.exponential(2, 2500), 1), rounded(rs.exponential(2.2, 2000), 1)),
        ("constant-equal", [5.0] * 20, [5.0] * 15),
        ("constant-different", [1.0] * 12, [2.0] * 12),
        ("mostly-constant", [3.0] * 18 + [1.0, 7.0], [3.0] * 15 + [2.0, 9.0, 4.0]),
        ("reversed-order-shift", rounded(rs.normal(1, 1, 40)), rounded(rs.normal(0, 1, 45))),
        # m = n in 5..9: Evidently's exact CvM keeps its path counts in float16
        ("exact-cvm-float16-eight", rounded(rs.normal(0, 1, 8)), rounded(rs.normal(0.7, 1, 8))),
        ("exact-cvm-float16-nine-ties", rs.randint(0, 5, 9).astype(float).tolist(), rs.randint(1, 6, 9).astype(float).tolist()),
    ]
    return cases


def categorical_cases():
    rs = np.random.RandomState(7)

    def draw(categories, probabilities, n):
        return rs.choice(categories, n, p=probabilities).tolist()

    return [
        ("binary-same-equal-length", draw(["a", "b"], [0.4, 0.6], 40), draw(["a", "b"], [0.4, 0.6], 40)),
        ("binary-shifted-equal-length", draw(["yes", "no"], [0.3, 0.7], 60), draw(["yes", "no"], [0.6, 0.4], 60)),
        ("binary-unequal-length", draw(["a", "b"], [0.5, 0.5], 30), draw(["a", "b"], [0.5, 0.5], 20)),
        ("single-category-both", ["a"] * 10, ["a"] * 10),
        ("disjoint-single-categories", ["a"] * 8, ["b"] * 8),
        ("three-categories-unequal", draw(["x", "y", "z"], [0.2, 0.3, 0.5], 200), draw(["x", "y", "z"], [0.25, 0.25, 0.5], 150)),
        ("three-categories-equal", draw(["x", "y", "z"], [0.2, 0.3, 0.5], 120), draw(["x", "y", "z"], [0.3, 0.3, 0.4], 120)),
        ("new-category-in-current", draw(["a", "b"], [0.5, 0.5], 50), draw(["a", "b", "c"], [0.4, 0.4, 0.2], 50)),
        ("category-missing-in-current", draw(["a", "b", "c"], [0.3, 0.3, 0.4], 45), draw(["a", "b"], [0.5, 0.5], 45)),
        ("binary-tiny", ["a", "b", "a"], ["b", "b", "a"]),
        ("ten-categories-large", draw(list("abcdefghij"), [0.1] * 10, 2000), draw(list("abcdefghij"), [0.12] * 5 + [0.08] * 5, 2000)),
        ("binary-large-equal-length", draw(["0", "1"], [0.5, 0.5], 1500), draw(["0", "1"], [0.47, 0.53], 1500)),
        ("four-categories-small", draw(["p", "q", "r", "s"], [0.25] * 4, 12), draw(["p", "q", "r", "s"], [0.1, 0.2, 0.3, 0.4], 9)),
    ]


def json_safe(value):
    """JSON has no NaN or infinity: write them as the strings "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value


def run(fn, *args):
    try:
        return {"ok": fn(*args)}
    except Exception as error:  # noqa: BLE001 - every error is recorded as an expected error
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def main():
    deterministic = []
    for name, ref, cur in numeric_cases():
        r, c = pd.Series(ref), pd.Series(cur)
        expected = {}
        for test, fn in [
            ("anderson", evidently_anderson),
            ("cramer_von_mises", evidently_cramer_von_mises),
            ("ed", evidently_energy_distance),
            ("es", evidently_epps_singleton),
            ("mannw", evidently_mann_whitney),
            ("t_test", evidently_t_test),
        ]:
            result = run(fn, r, c)
            if "ok" in result and isinstance(result["ok"], tuple):
                result = {"ok": result["ok"][0], "method": result["ok"][1]}
            expected[test] = result
        deterministic.append({"name": name, "columnType": "num", "reference": ref, "current": cur, "expected": expected})
    for name, ref, cur in categorical_cases():
        r, c = pd.Series(ref), pd.Series(cur)
        expected = {}
        fisher = run(evidently_fisher_exact, r, c)
        if "ok" in fisher:
            fisher = {"ok": fisher["ok"][0], "table": fisher["ok"][1]}
        expected["fisher_exact"] = fisher
        expected["g_test"] = run(evidently_g_test, r, c)
        deterministic.append({"name": name, "columnType": "cat", "reference": ref, "current": cur, "expected": expected})

    permutation = []
    for name, ref, cur in numeric_cases():
        if len(ref) + len(cur) > 3000:
            continue
        r, c = pd.Series(ref), pd.Series(cur)
        result = run(evidently_empirical_mmd, r, c)
        if "ok" in result:
            p, mmd, sigma, strict, loose = result["ok"]
            result = {"ok": p, "mmd": mmd, "sigma": sigma, "pValueWithoutTies": strict, "pValueWithTies": loose}
        permutation.append({"name": name, "test": "empirical_mmd", "reference": ref, "current": cur, "expected": result})
    for name, ref, cur in categorical_cases():
        r, c = pd.Series(ref), pd.Series(cur)
        result = run(evidently_tvd, r, c, sorted)
        if "ok" in result:
            set_order = evidently_tvd(r, c)
            result = {
                "ok": result["ok"][0],
                "observedTvd": result["ok"][2],
                "setOrderPValue": set_order[0],
                "exactTiesPValue": result["ok"][1],
            }
        permutation.append({"name": name, "test": "TVD", "reference": ref, "current": cur, "expected": result})

    # numpy's legacy RNG as driftdesk must reproduce it
    rng = np.random.RandomState(0)
    raw = rng._bit_generator.random_raw(5).tolist()
    np.random.seed(0)
    permutations = [np.random.permutation(n).tolist() for n in (1, 2, 7, 10, 33)]
    np.random.seed(0)
    samples = np.random.random_sample(3).tolist()

    meta = {
        "generator": "scripts/scipy/extended_stattests.py",
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__},
        "evidently": "v0.4.40 src/evidently/calculations/stattests (formulas restated, not imported)",
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "extended-stattests.json"), "w") as handle:
        json.dump(json_safe({"meta": meta, "cases": deterministic}), handle, allow_nan=False)
        handle.write("\n")
    with open(os.path.join(OUT_DIR, "extended-stattests-permutation.json"), "w") as handle:
        json.dump(
            json_safe(
                {
                    "meta": meta,
                    "numpyLegacy": {"seed": 0, "rawUint32": raw, "permutations": permutations, "randomSample": samples},
                    "cases": permutation,
                }
            ),
            handle,
            allow_nan=False,
        )
        handle.write("\n")


if __name__ == "__main__":
    main()
