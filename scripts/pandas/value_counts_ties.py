"""pandas 1.5's value_counts(dropna=False).index[0] on seeded samples where several values tie for the highest
count (numbers with NaN, and strings with None): the fixture for pandasMostCommon in column-value-counts.ts.

Evidently's ColumnSummaryMetric prints that value as most_common. Run with Debian's pandas 1.5.3 / numpy 1.24:
    /usr/bin/python3 scripts/pandas/value_counts_ties.py > test/fixtures/numpy/value-counts-ties.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd

rng = np.random.default_rng(5)
cases = []
while len(cases) < 40:
    n = int(rng.integers(5, 400))
    distinct = int(rng.integers(2, max(3, n // 2)))
    values = rng.integers(0, distinct, size=n).astype(float)
    if rng.random() < 0.5:
        values[rng.integers(0, n, size=max(1, n // 8))] = np.nan
    as_text = rng.random() < 0.3
    series = pd.Series(
        [None if math.isnan(v) else f"c{int(v)}" for v in values] if as_text else values,
        dtype=object if as_text else float,
    )
    counts = series.value_counts(dropna=False)
    if (counts == counts.iloc[0]).sum() < 2:
        continue
    top = counts.index[0]
    cases.append(
        {
            "kind": "string" if as_text else "float64",
            "values": [None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in series.tolist()],
            "most_common": None if (top is None or (isinstance(top, float) and math.isnan(top))) else top,
            "count": int(counts.iloc[0]),
        }
    )
json.dump({"pandas": pd.__version__, "numpy": np.__version__, "cases": cases}, sys.stdout)
