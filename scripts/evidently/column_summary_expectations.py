"""pandas' own numbers for Evidently's ColumnSummaryMetric on one CSV day (see export-synthetic-day.ts).

Reproduces calculations/data_quality.py::get_features_stats (Evidently 0.4): count, missing, nunique,
value_counts(dropna=False) top share, describe() mean/std/quartiles/min/max, each np.round(x, 2), plus the
unrounded describe() values. Run with Debian's python3 (pandas 1.5):
    /usr/bin/python3 scripts/evidently/column_summary_expectations.py /tmp/day.csv > fixture.json
"""
import json
import sys

import numpy as np
import pandas as pd


def jsonable(value):
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if np.isnan(value):
            return "NaN"
        if np.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    return value


def main(path):
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    columns = {}
    for name in frame.columns:
        series = frame[name]
        n = series.shape[0]
        counts = series.value_counts(dropna=False)
        entry = {
            "dtype": str(series.dtype),
            "number_of_rows": int(n),
            "count": int(series.count()),
            "missing": int(series.isnull().sum()),
            "unique": int(series.nunique()),
            "most_common_count": int(counts.iloc[0]) if len(counts) else 0,
            "most_common_percentage": jsonable(np.round(100 * counts.iloc[0] / n, 2)) if len(counts) else 0,
        }
        if pd.api.types.is_numeric_dtype(series) and series.count() > 0:
            described = series.describe()
            for key, label in [("mean", "mean"), ("std", "std"), ("min", "min"), ("p25", "25%"), ("p50", "50%"), ("p75", "75%"), ("max", "max")]:
                entry[key] = jsonable(np.round(described[label], 2))
                entry["raw_" + key] = jsonable(described[label])
        columns[name] = entry
    json.dump({"source": "synthetic green taxi 2022-02-02", "pandas": pd.__version__, "numpy": np.__version__, "columns": columns}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
