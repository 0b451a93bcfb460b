#!/usr/bin/env python3
"""Per-window quantiles as Evidently 0.4's ColumnQuantileMetric computes them.

ColumnQuantileMetric(column_name, quantile=q) is `data.current_data[column_name].quantile(q)`
(evidently/metrics/data_quality/column_quantile_metric.py): pandas' Series.quantile, numpy's default
linear interpolation over the non-null values.

Input: a CSV with a header `window,value` (an empty value is a null). Output (stdout): JSON
{"quantiles": [q...], "windows": {window: {"rows": n, "values": {str(q): value or null}}}} with floats
printed by repr (shortest round-trip), so a reader gets the very doubles pandas computed.

Usage: python3 scripts/pandas/window_quantiles.py INPUT.csv Q [Q ...]
Made with Debian's python3-pandas 1.5.3 / numpy 1.24.2 (the versions of the Evidently answer keys).
"""
import json
import math
import sys

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    quantiles = [float(q) for q in sys.argv[2:]]
    frame = pd.read_csv(path, dtype={"window": str, "value": "float64"}, keep_default_na=True)
    windows = {}
    for window, group in frame.groupby("window", sort=True):
        series = group["value"]
        values = {}
        for q in quantiles:
            value = series.quantile(q)
            values[repr(q)] = None if math.isnan(value) else float(value)
        windows[window] = {"rows": int(len(series)), "values": values}
    json.dump({"quantiles": quantiles, "windows": windows}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
