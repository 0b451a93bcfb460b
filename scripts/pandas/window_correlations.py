#!/usr/bin/env python3
"""pandas' own numbers for driftdesk's `correlation` window metric: the fixture
test/fixtures/pandas/window-correlations.json, read by test/integration/window-correlation-pandas.test.ts.

Evidently 0.4's DatasetCorrelationsMetric is `df[num_columns].corr(kind)` for kind in pearson, spearman,
kendall (evidently/calculations/data_quality.py::_calculate_correlations): pandas' DataFrame.corr, each
pair on its pairwise complete rows (pandas masks with np.isfinite, so null, NaN and +-inf are left out),
Spearman on average ranks, Kendall as scipy.stats.kendalltau (tau-b), NaN below two rows or when a side is
constant. This script computes exactly that entry, `DataFrame({"x": x, "y": y}).corr(method).loc["x", "y"]`,
and scipy's pearsonr/spearmanr/kendalltau on the complete rows as a second opinion.

The inputs are generated here (seeded) and written into the fixture beside the expected values, so the
TypeScript side computes on exactly the same numbers. Floats are written by json (repr: shortest
round-trip), NaN and null as null, +-inf as the strings "Infinity" / "-Infinity". Run with Debian's python3
(pandas 1.5.3, numpy 1.24.2, scipy 1.10.1, the versions of the Evidently answer keys):
    /usr/bin/python3 scripts/pandas/window_correlations.py > test/fixtures/pandas/window-correlations.json
"""
import json
import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

METHODS = ["pearson", "spearman", "kendall"]
rng = np.random.default_rng(11)


def encode(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and math.isinf(v):
            out.append("Infinity" if v > 0 else "-Infinity")
        elif isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        else:
            out.append(float(v))
    return out


def number_or_null(v):
    v = float(v)
    return None if math.isnan(v) else v


def case(name, x, y, kind="float64"):
    frame = pd.DataFrame({"x": pd.Series(x, dtype=kind), "y": pd.Series(y, dtype="float64")})
    expected = {}
    scipy_check = {}
    with warnings.catch_warnings():
        # scipy warns on constant input (and returns NaN, as pandas does).
        warnings.simplefilter("ignore")
        for method in METHODS:
            expected[method] = number_or_null(frame.corr(method=method).loc["x", "y"])
        xs = frame["x"].astype("float64").to_numpy()
        ys = frame["y"].to_numpy()
        both = np.isfinite(xs) & np.isfinite(ys)
        if both.sum() >= 2:
            scipy_check = {
                "pearson": number_or_null(stats.pearsonr(xs[both], ys[both])[0])
                if np.ptp(xs[both]) > 0 and np.ptp(ys[both]) > 0
                else None,
                "spearman": number_or_null(stats.spearmanr(xs[both], ys[both])[0]),
                "kendall": number_or_null(stats.kendalltau(xs[both], ys[both])[0]),
            }
    return {
        "name": name,
        "kind": "bool" if kind == "boolean" else "float64",
        "x": encode(list(x)),
        "y": encode(list(y)),
        "completeRows": int(
            (np.isfinite(frame["x"].astype("float64")) & np.isfinite(frame["y"])).sum()
        ),
        "expected": expected,
        "scipy": scipy_check,
    }


def with_nulls(values, share):
    values = list(values)
    for i in range(len(values)):
        if rng.random() < share:
            values[i] = None
    return values


cases = []
# Continuous, correlated, around a large offset (a one-pass sum of squares would cancel).
x = rng.normal(1e6, 3.0, 400)
cases.append(case("continuous around 1e6", x, 0.7 * x + rng.normal(0, 2.0, 400)))
# Heavy ties in both columns: Spearman's average ranks and Kendall's tau-b corrections matter.
x = rng.integers(0, 6, 300).astype(float)
cases.append(case("integer ties", x, np.floor(x / 2) + rng.integers(0, 3, 300)))
# Nulls in each column independently: each pair is taken on its own complete rows.
x = rng.normal(0, 1, 250)
y = np.exp(x) + rng.normal(0, 0.5, 250)
cases.append(case("nulls on both sides", with_nulls(x, 0.2), with_nulls(y, 0.15)))
# NaN written as NaN (pandas reads it as missing) and infinities (np.isfinite leaves them out).
x = list(rng.normal(0, 1, 60))
y = list(rng.normal(0, 1, 60) + np.array(x))
x[3] = float("inf")
x[10] = float("nan")
y[20] = float("-inf")
cases.append(case("NaN and infinities", x, y))
# A monotone but non-linear relation: Spearman and Kendall exactly 1, Pearson below.
x = rng.uniform(-3, 3, 80)
cases.append(case("monotone non-linear", x, x**3))
# Perfectly anti-correlated with ties.
x = np.repeat(np.arange(10.0), 3)
cases.append(case("anti-correlated with ties", x, -2 * x + 5))
# A constant column: 0.1 fifty times (a two-pass mean of it is not 0.1): NaN for every method.
cases.append(case("constant column 0.1", [0.1] * 50, rng.normal(0, 1, 50)))
# Constant only on the complete rows: x varies where y is missing.
x = [5.0] * 30 + list(rng.normal(0, 1, 10))
y = list(rng.normal(0, 1, 30)) + [None] * 10
cases.append(case("constant on the complete rows", x, y))
# One complete row, and none.
cases.append(case("one complete row", [1.0, None, 3.0], [None, 2.0, 4.0]))
cases.append(case("no complete row", [1.0, None], [None, 2.0]))
# Two rows (the smallest defined case).
cases.append(case("two rows", [1.0, 2.0], [3.0, 1.0]))
# A boolean column against a number (pandas takes it as 0/1).
flags = rng.random(120) < 0.4
cases.append(case("boolean against numbers", list(flags), list(flags * 2.0 + rng.normal(0, 1, 120)), kind="boolean"))
# A larger sample with ties on one side only.
x = np.round(rng.gamma(2.0, 3.0, 5000), 1)
cases.append(case("5000 rows, rounded gamma", x, rng.normal(0, 1, 5000) + np.sqrt(x)))

print(
    json.dumps(
        {
            "generator": "scripts/pandas/window_correlations.py",
            "versions": {"pandas": pd.__version__, "numpy": np.__version__, "scipy": __import__("scipy").__version__},
            "cases": cases,
        },
        indent=1,
    )
)
