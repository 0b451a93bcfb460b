"""Evidently 0.4.16's answers on ranges numpy cannot cut into finite-sized Sturges bins (review of issue 9).

`hellinger` on [0.30000000000000004]*10 vs [0.3]*10 and on [1e308]*10 vs itself: numpy 1.24 (Debian's, the one
Evidently 0.4.16 runs on here) returns non-increasing edges and the density histograms divide by a zero width, so
Evidently's score is NaN and drift_detected False ("no drift" without a score); numpy 2 raises "Too many bins for
data range" in histogram_bin_edges. The same inputs under the other binned stattests (jensenshannon, kl_div, psi)
have at most 20 distinct reference values, so Evidently buckets them by value and scores them normally.
Run from the repository root (see ../shared/ENVIRONMENT.md "Python"):
    PYTHONPATH=<evidently-0.4.16>/src OPENBLAS_CORETYPE=Prescott /usr/bin/python3 -W ignore \
        scripts/evidently/stattest_degenerate_bins.py > test/fixtures/evidently/stattest-degenerate-bins.json
Calls the stattest functions directly: a ColumnDriftMetric report fails on the 1e308 case for every stattest
(IndexError in its distribution plot's histogram), which hides the stattest's own answer.
"""
import json
import math

import evidently
import numpy as np
import pandas as pd
from evidently.calculations.stattests import (hellinger_stat_test, jensenshannon_stat_test, kl_div_stat_test,
                                              psi_stat_test)
from evidently.core import ColumnType

SAMPLES = [
    ("ulp-apart", [0.30000000000000004] * 10, [0.3] * 10),
    ("huge-constant", [1e308] * 10, [1e308] * 10),
]
TESTS = [hellinger_stat_test, jensenshannon_stat_test, kl_div_stat_test, psi_stat_test]


def main():
    cases = []
    for sample_id, reference, current in SAMPLES:
        for test in TESTS:
            result = test(pd.Series(reference), pd.Series(current), ColumnType.Numerical, None)
            score = float(result.drift_score)
            cases.append({
                "id": f"{sample_id}-{test.name}", "column": "x", "stattest": test.name, "column_type": "num",
                "reference": reference, "current": current,
                "evidently": {"drift_score": None if math.isnan(score) else score,
                              "drift_detected": bool(result.drifted)},
            })
    print(json.dumps({"generated_by": "scripts/evidently/stattest_degenerate_bins.py",
                      "evidently": evidently.__version__, "numpy": np.__version__, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
