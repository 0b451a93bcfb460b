"""pandas Series.describe() mean/std for small samples whose 2-decimal rounding depends on summation order.

Evidently's ColumnSummaryMetric prints np.round(describe()["mean"|"std"], 2). pandas sums in the ORIGINAL row
order with numpy's pairwise summation, NaN rows filled with 0 (nanops.nanmean / nanvar). bottleneck is turned
off because Evidently does not install it (pandas would otherwise take bottleneck's naive nanstd).
The script searches seeded samples for ones where summing the sorted values left to right changes the rounded
mean or std, and prints them with pandas' values as a JSON fixture:
    /usr/bin/python3 scripts/scipy/describe_mean_std.py > test/fixtures/scipy/describe-mean-std.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd

pd.set_option("compute.use_bottleneck", False)


def naive_sorted(values):
    finite = sorted(v for v in values if not math.isnan(v))
    n = len(finite)
    total = 0.0
    for v in finite:
        total += v
    mean = total / n
    squares = 0.0
    for v in finite:
        squares += (v - mean) * (v - mean)
    return mean, math.sqrt(squares / (n - 1))


def main():
    rng = np.random.RandomState(20260128)
    cases = []
    tries = 0
    while len(cases) < 12 and tries < 200000:
        tries += 1
        n = int(rng.randint(9, 300))
        # Two-decimal amounts like fares: decimal values are inexact in binary, so order matters.
        values = np.round(rng.uniform(0, 60, n), 2)
        if len(cases) % 2 == 1:
            values[rng.rand(n) < 0.15] = np.nan
        series = pd.Series(values)
        described = series.describe()
        mean, std = float(described["mean"]), float(described["std"])
        old_mean, old_std = naive_sorted(values.tolist())
        if np.round(mean, 2) != np.round(old_mean, 2) or np.round(std, 2) != np.round(old_std, 2):
            cases.append({
                "values": [None if math.isnan(v) else v for v in values.tolist()],
                "mean": mean,
                "std": std,
                "rounded_mean": float(np.round(mean, 2)),
                "rounded_std": float(np.round(std, 2)),
            })
    json.dump({"pandas": pd.__version__, "numpy": np.__version__, "use_bottleneck": False,
               "searched": tries, "cases": cases}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
