"""numpy 1.24's argsort(kind="quicksort") on arrays full of ties, the fixture for numpy-quicksort-argsort.ts.

Quicksort is not stable, so which of several equal values comes first is numpy's own partitioning; pandas'
value_counts().index[0] (Evidently's most_common) inherits it. Run with Debian's numpy 1.24.2 (the answer
keys' version): /usr/bin/python3 scripts/numpy/argsort_quicksort.py > test/fixtures/numpy/argsort-quicksort.json
"""
import json
import sys

import numpy as np

assert np.__version__.startswith("1.24"), np.__version__
rng = np.random.default_rng(1)
cases = []
for n in [5, 16, 17, 20, 40, 100, 383, 1000, 2000]:
    for k in [1, 2, 3, 5]:
        a = rng.integers(1, k + 1, size=n)
        cases.append({"values": a.tolist(), "order": np.argsort(a, kind="quicksort").tolist()})
ones = np.ones(50, dtype=np.int64)
cases.append({"values": ones.tolist(), "order": np.argsort(ones, kind="quicksort").tolist()})
json.dump({"numpy": np.__version__, "cases": cases}, sys.stdout)
