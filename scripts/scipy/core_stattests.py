#!/usr/bin/python3
"""Expected drift scores for driftdesk's core stattests, computed the way Evidently 0.4.x computes them.

Run with Debian's interpreter (scipy 1.10.1, numpy 1.24, pandas 1.5):
    /usr/bin/python3 scripts/scipy/core_stattests.py > test/fixtures/scipy/core-stattests.json

Each Evidently stattest below is re-expressed with the same numpy/scipy calls its source makes
(evidently@v0.4.40: src/evidently/calculations/stattests/*.py); the formulas were read from that source.
Samples come from a MINSTD generator that the TypeScript tests reproduce bit for bit
(`generateSample` in src-main/core/drift/stattests/stattests-against-scipy.test.ts), so the fixture stays small while covering >10,000-value samples.

Python's string hashing is salted per process, and the categorical stattests take their category order
from a `set` (as Evidently does), which changes the float summation order in the last digits; so the script
re-runs itself with PYTHONHASHSEED=0 to make the output reproducible byte for byte.
"""
import json
import math
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
from scipy import stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402

# Debian's pandas finds python3-bottleneck and then sums np.std(Series) sequentially; a pip install of
# Evidently has no bottleneck, so pandas sums pairwise (the answer keys in ../shared/answers agree bit for bit
# with pairwise). Match the usual installation.
pd.set_option("compute.use_bottleneck", False)

MODULUS = 2147483647
MULTIPLIER = 48271


def generate(spec):
    """A literal list, {"range": {start, n}} (start, start+1, ...), or {"lcg": {...}}: MINSTD uniforms mapped
    to numbers or labels."""
    if isinstance(spec, list):
        return spec
    if "range" in spec:
        return [float(spec["range"]["start"] + i) for i in range(spec["range"]["n"])]
    g = spec["lcg"]
    state = g["seed"]
    terms = g.get("terms", 1)
    values = []
    for _ in range(g["n"]):
        total = 0.0
        for _ in range(terms):
            state = (state * MULTIPLIER) % MODULUS
            total = total + state / MODULUS
        if "labels" in g:
            labels = g["labels"]
            values.append(labels[math.floor(total / terms * len(labels))])
        elif "levels" in g:
            values.append(g["offset"] + g["scale"] * math.floor(total / terms * g["levels"]))
        else:
            values.append(g["offset"] + g["scale"] * total)
    return values


# ---- Evidently 0.4.x stattests, same numpy/scipy calls as its source ----

def binned(reference, current, feature_type, feel_zeroes):
    if feature_type == "num" and reference.nunique() > 20:
        bins = np.histogram_bin_edges(pd.concat([reference, current], axis=0).values, bins="sturges")
        ref = np.histogram(reference, bins)[0] / len(reference)
        cur = np.histogram(current, bins)[0] / len(current)
    else:
        keys = list(set(reference.dropna().unique()) | set(current.dropna().unique()))
        ref_counts = {**dict.fromkeys(keys, 0), **dict(reference.value_counts())}
        cur_counts = {**dict.fromkeys(keys, 0), **dict(current.value_counts())}
        ref = np.array([ref_counts[k] / len(reference) for k in keys])
        cur = np.array([cur_counts[k] / len(current) for k in keys])
    if feel_zeroes:
        for shares in (ref, cur):
            smallest = min(shares[shares != 0])
            np.place(shares, shares == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return ref, cur


def ks(reference, current, feature_type):
    return stats.ks_2samp(reference, current)[1]


def chisquare(reference, current, feature_type):
    keys = list(set(reference.dropna().unique()) | set(current.dropna().unique()))
    ref_counts = {**dict.fromkeys(keys, 0), **dict(reference.value_counts())}
    cur_counts = {**dict.fromkeys(keys, 0), **dict(current.value_counts())}
    k_norm = current.shape[0] / reference.shape[0]
    f_exp = [ref_counts[k] * k_norm for k in keys]
    f_obs = [cur_counts[k] for k in keys]
    return stats.chisquare(f_obs, f_exp)[1]


def z(reference, current, feature_type):
    if reference.nunique() == 1 and current.nunique() == 1 and reference.unique()[0] == current.unique()[0]:
        return 1
    first = sorted(set(list(reference.unique()) + list(current.unique())))[0]
    ref = reference.apply(lambda x: 0 if x == first else 1)
    cur = current.apply(lambda x: 0 if x == first else 1)
    n1, n2 = len(ref), len(cur)
    p1 = float(sum(ref)) / n1
    p2 = float(sum(cur)) / n2
    pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
    statistic = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return 2 * (1 - stats.norm.cdf(np.abs(statistic)))


def wasserstein(reference, current, feature_type):
    return stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)


def jensenshannon(reference, current, feature_type):
    ref, cur = binned(reference, current, feature_type, False)
    return distance.jensenshannon(ref, cur)


def psi(reference, current, feature_type):
    ref, cur = binned(reference, current, feature_type, True)
    value = 0
    for r, c in zip(ref, cur):
        value += (r - c) * np.log(r / c)
    return value


def kl_div(reference, current, feature_type):
    ref, cur = binned(reference, current, feature_type, True)
    return stats.entropy(ref, cur)


def hellinger(reference, current, feature_type):
    keys = list(set(reference.unique()) | set(current.unique()))
    total = 0.0
    if feature_type == "cat":
        ref = (reference.value_counts() / len(reference)).to_dict()
        cur = (current.value_counts() / len(current)).to_dict()
        for key in keys:
            total += math.sqrt(ref.get(key, 0) * cur.get(key, 0))
    else:
        bins = np.histogram_bin_edges(keys, bins="sturges")
        h1 = np.histogram(reference.values, bins=bins, density=True)[0]
        h2 = np.histogram(current.values, bins=bins, density=True)[0]
        # Evidently's width comes from the edges, not the data: 1 for a constant (numpy's [c-0.5, c+0.5]).
        width = (max(bins) - min(bins)) / (len(bins) - 1)
        for p1, p2 in zip(h1, h2):
            total += math.sqrt(p1 * p2) * width
    return math.sqrt(1 - np.clip(total, 0, 1))


TESTS = {
    # name: (function, allowed types, default threshold, drift rule)
    "ks": (ks, ["num"], 0.05, lambda s, t: s <= t),
    "chisquare": (chisquare, ["cat"], 0.05, lambda s, t: s < t),
    "z": (z, ["cat"], 0.05, lambda s, t: s < t),
    "wasserstein": (wasserstein, ["num"], 0.1, lambda s, t: s >= t),
    "jensenshannon": (jensenshannon, ["cat", "num"], 0.1, lambda s, t: s >= t),
    "psi": (psi, ["cat", "num"], 0.1, lambda s, t: s >= t),
    "kl_div": (kl_div, ["cat", "num"], 0.1, lambda s, t: s >= t),
    "hellinger": (hellinger, ["cat", "num"], 0.1, lambda s, t: s >= t),
}


def default_stattest(reference, current, feature_type):
    n_values = pd.concat([reference, current]).nunique()
    if reference.shape[0] <= 1000:
        if feature_type == "num" and n_values > 5:
            return "ks"
        return "chisquare" if n_values > 2 else "z"
    if feature_type == "num" and n_values > 5:
        return "wasserstein"
    return "jensenshannon"


def lcg(seed, n, scale=1.0, offset=0.0, **extra):
    return {"lcg": {"seed": seed, "n": n, "scale": scale, "offset": offset, **extra}}


SAMPLES = [
    # (id, column type, reference, current, stattests to run)
    ("num-n1-vs-n1", "num", [1.0], [2.0]),
    ("num-n1-vs-n3", "num", [0.5], [0.1, 0.7, 2.5]),
    ("num-n2-vs-n2", "num", [1.0, 2.0], [1.5, 3.0]),
    ("num-n3-vs-n2", "num", [3.0, 1.0, 2.0], [2.0, 2.5]),
    ("num-ties-5-levels", "num", lcg(11, 200, 1.0, 0.0, levels=5), lcg(12, 150, 1.0, 1.0, levels=5)),
    ("num-ties-same", "num", lcg(13, 300, 0.5, 0.0, levels=4), lcg(14, 300, 0.5, 0.0, levels=4)),
    ("num-constant-equal", "num", [3.0] * 50, [3.0] * 40),
    ("num-constant-different", "num", [3.0] * 50, [4.0] * 40),
    ("num-constant-reference", "num", [2.0] * 30, lcg(15, 25, 2.0, 1.0)),
    ("num-binary", "num", lcg(16, 120, 1.0, 0.0, levels=2), lcg(17, 80, 1.0, 0.0, levels=2)),
    ("num-three-values", "num", lcg(18, 400, 1.0, 0.0, levels=3), lcg(19, 200, 1.0, 0.0, levels=3)),
    ("num-small-shift", "num", lcg(20, 500, 10.0, 0.0, terms=3), lcg(21, 300, 10.0, 0.4, terms=3)),
    ("num-equal-sizes", "num", lcg(22, 800, 1.0, 0.0, terms=2), lcg(23, 800, 1.0, 0.05, terms=2)),
    ("num-equal-sizes-same", "num", lcg(24, 600, 1.0, 0.0), lcg(25, 600, 1.0, 0.0)),
    ("num-exact-10000-vs-3000", "num", lcg(26, 10000, 5.0, 0.0, terms=3), lcg(27, 3000, 5.0, 0.02, terms=3)),
    ("num-exact-7-vs-10000", "num", lcg(28, 7, 1.0, 0.0), lcg(29, 10000, 1.0, 0.3)),
    # n1 = n2 = 10000 and D = 0.001: the exact sum returns 1.0000000000000002, so scipy falls back to asymptotic.
    ("num-exact-fallback-to-asymptotic", "num", {"range": {"start": 0, "n": 10000}}, {"range": {"start": 10, "n": 10000}}),
    ("num-asymptotic-12000-vs-2000", "num", lcg(30, 12000, 5.0, 0.0, terms=3), lcg(31, 2000, 5.0, 0.03, terms=3)),
    ("num-asymptotic-far", "num", lcg(32, 12000, 1.0, 0.0), lcg(33, 2000, 1.0, 0.5)),
    ("num-asymptotic-near", "num", lcg(34, 15000, 1.0, 0.0), lcg(35, 9000, 1.0, 0.003)),
    ("num-asymptotic-small-current-100", "num", lcg(36, 10001, 1.0, 0.0), lcg(37, 100, 1.0, 0.05)),
    ("num-asymptotic-small-current-far", "num", lcg(38, 12000, 1.0, 0.0), lcg(39, 60, 1.0, 0.35)),
    ("num-asymptotic-small-current-mid", "num", lcg(40, 11000, 1.0, 0.0), lcg(41, 130, 1.0, 0.15)),
    ("num-asymptotic-small-current-200", "num", lcg(54, 10500, 1.0, 0.0), lcg(55, 200, 1.0, 0.0)),
    ("num-large-reference", "num", lcg(42, 25000, 30.0, 0.0, terms=3), lcg(43, 2500, 30.0, 2.0, terms=3)),
    ("num-le20-uniques", "num", lcg(44, 3000, 1.0, 0.0, levels=15), lcg(45, 1000, 1.0, 3.0, levels=15)),
    ("num-le20-uniques-small", "num", lcg(46, 300, 2.0, 1.0, levels=20), lcg(47, 100, 2.0, 1.0, levels=20)),
    ("num-21-uniques", "num", lcg(48, 2000, 1.0, 0.0, levels=21), lcg(49, 700, 1.0, 0.0, levels=21)),
    ("num-only-in-current", "num", lcg(50, 1500, 1.0, 0.0, levels=10), lcg(51, 400, 1.0, 5.0, levels=10)),
    ("num-location-codes-cat", "cat", lcg(52, 2000, 1.0, 1.0, levels=8), lcg(53, 500, 1.0, 3.0, levels=8)),
    ("num-negative-and-zero", "num", [-0.0, 0.0, -1.5, 2.25, -3.0, 4.5, 0.0], [0.0, -0.0, 1.5, -2.25]),
    ("cat-abc", "cat", lcg(60, 300, labels=["a", "b", "c"]), lcg(61, 200, labels=["a", "b", "b", "c"])),
    ("cat-only-in-current", "cat", lcg(62, 400, labels=["x", "y"]), lcg(63, 300, labels=["x", "y", "z"])),
    ("cat-only-in-reference", "cat", lcg(64, 500, labels=["p", "q", "r", "s"]), lcg(65, 250, labels=["p", "q"])),
    ("cat-binary", "cat", lcg(66, 90, labels=["no", "yes"]), lcg(67, 70, labels=["no", "yes", "yes"])),
    ("cat-constant-equal", "cat", ["k"] * 20, ["k"] * 10),
    ("cat-constant-different", "cat", ["k"] * 20, ["m"] * 10),
    ("cat-many-labels-large", "cat", lcg(68, 5000, labels=list("abcdefghij")), lcg(69, 800, labels=list("abcdefghijkl"))),
    ("cat-sort-order", "cat", ["b", "a", "B", "c"], ["c", "B", "B", "a"]),
    ("cat-single-value-each", "cat", ["u"], ["v"]),
]

CUSTOM_THRESHOLDS = {"num-small-shift": 0.01, "cat-abc": 0.2, "num-large-reference": 0.05}


def main():
    samples = {}
    cases = []
    for sample_id, column_type, reference_spec, current_spec in SAMPLES:
        samples[sample_id] = {"column_type": column_type, "reference": reference_spec, "current": current_spec}
        reference_values = generate(reference_spec)
        current_values = generate(current_spec)
        dtype = object if isinstance(reference_values[0], str) else float
        reference = pd.Series(reference_values, dtype=dtype)
        current = pd.Series(current_values, dtype=dtype)
        names = ["default"] + [n for n in TESTS if column_type in TESTS[n][1] or n in ("z", "chisquare")]
        for name in names:
            chosen = default_stattest(reference, current, column_type) if name == "default" else name
            func, _, default_threshold, rule = TESTS[chosen]
            threshold = CUSTOM_THRESHOLDS.get(sample_id, default_threshold)
            with np.errstate(all="ignore"):
                score = float(func(reference.copy(), current.copy(), column_type))
            cases.append({
                "id": f"{sample_id}/{name}",
                "sample": sample_id,
                "stattest": name,
                "threshold": threshold if sample_id in CUSTOM_THRESHOLDS else None,
                "expected": {
                    "stattest": chosen,
                    "threshold": threshold,
                    "drift_score": None if math.isnan(score) else score,
                    "drift_detected": bool(rule(score, threshold)),
                },
            })
    kolmogorov_grid = []
    for n in [1, 2, 5, 10, 50, 100, 140, 141, 200, 1000, 5000, 20000, 150000]:
        for x in [0.0, 0.001, 0.01, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.95, 0.999, 1.0]:
            kolmogorov_grid.append([n, x, float(stats.kstwo.sf(x, n))])
    json.dump(
        {
            "generated_by": "scripts/scipy/core_stattests.py",
            "versions": {"scipy": scipy.__version__, "numpy": np.__version__, "pandas": pd.__version__},
            "kstwo_sf": kolmogorov_grid,
            "samples": samples,
            "cases": cases,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
