"""Evidently 0.4.16's own output on a small generated prediction log that is neither taxi nor `fair` data:
string categories (one only in current), a boolean, a small-integer column, nulls in numbers and text, a
small reference (< 1000 rows, so K-S / chi-square / Z tests) and tiny windows (40, 12 and 3 rows). The
fixture for test/integration/own-data-synthetic-evidently.test.ts, checking Evidently's semantics on data
driftdesk was not tuned to.

Run with Debian's python3 (pandas 1.5.3, numpy 1.24, scipy 1.10, scikit-learn 1.2) and Evidently 0.4.16 from
source (ENVIRONMENT.md, Python section):
    PYTHONHASHSEED=0 PYTHONPATH=<evidently-0.4.16>/src /usr/bin/python3 scripts/evidently/own_data_synthetic.py OUT_DIR
writes OUT_DIR/reference.csv, OUT_DIR/current.csv and OUT_DIR/reports/<window>/<name>.json, each
{"window", "current_rows", "as_dict"} with non-finite floats as "NaN"/"Infinity"/"-Infinity".
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd

from evidently import ColumnMapping
from evidently.metric_preset import DataDriftPreset, DataQualityPreset, RegressionPreset
from evidently.report import Report
from evidently.test_preset import DataDriftTestPreset
from evidently.test_suite import TestSuite

warnings.filterwarnings("ignore")


def make(rng, n, cities, shift):
    x = rng.normal(10 + shift, 3, n).round(3)
    count = rng.integers(0, 40, n)
    level = rng.integers(1, 4, n)
    city = rng.choice(cities, n)
    flag = rng.random(n) < 0.4 + shift / 10
    target = (0.5 * x + level + rng.normal(0, 1, n)).round(2)
    prediction = (0.5 * x + level + shift).round(4)
    frame = pd.DataFrame(
        {"x": x, "count": count, "level": level, "city": city, "flag": flag, "target": target, "prediction": prediction}
    )
    return frame


def strict(value):
    """as_dict() as strict JSON, the way the fair key was written: numpy scalars as Python numbers,
    non-finite floats as strings, dict keys through str() (None -> "None", -inf -> "-inf")."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return str(value)
    return value


def main(out):
    rng = np.random.default_rng(2024)
    reference = make(rng, 300, ["Lima", "Riga", "Oslo"], 0.0)
    reference.loc[rng.choice(300, 12, replace=False), "x"] = np.nan
    current = make(rng, 55, ["Lima", "Riga", "Oslo", "Nairobi"], 1.0)
    current.loc[rng.choice(55, 6, replace=False), "x"] = np.nan
    current.loc[rng.choice(55, 4, replace=False), "city"] = None
    sizes = [40, 12, 3]
    days = ["2024-05-01", "2024-05-02", "2024-05-03"]
    ts = []
    for day, size in zip(days, sizes):
        ts += [pd.Timestamp(day) + pd.Timedelta(minutes=7 * i) for i in range(size)]
    current.insert(0, "ts", ts)
    os.makedirs(out, exist_ok=True)
    reference.to_csv(os.path.join(out, "reference.csv"), index=False)
    current.to_csv(os.path.join(out, "current.csv"), index=False)
    reference = pd.read_csv(os.path.join(out, "reference.csv"))
    current = pd.read_csv(os.path.join(out, "current.csv"), parse_dates=["ts"])
    mapping = ColumnMapping(
        target="target",
        prediction="prediction",
        numerical_features=["x", "count", "level"],
        categorical_features=["city", "flag"],
    )
    windows = {"all": current}
    for day in days:
        start = pd.Timestamp(day)
        windows[day] = current[(current.ts >= start) & (current.ts < start + pd.Timedelta(days=1))]
    for name, frame in windows.items():
        frame = frame.drop(columns=["ts"]).reset_index(drop=True)
        runs = {
            "data_drift": (Report(metrics=[DataDriftPreset()]), mapping),
            "data_quality": (Report(metrics=[DataQualityPreset()]), mapping),
            "regression": (Report(metrics=[RegressionPreset()]), mapping),
            "data_drift_tests": (TestSuite(tests=[DataDriftTestPreset()]), mapping),
            "data_drift_nomapping": (Report(metrics=[DataDriftPreset()]), None),
        }
        if name == "all":
            # Evidently orders these ColumnSummaryMetrics by Python's hash-seeded set order (run with
            # PYTHONHASHSEED=0 for a stable file); the test matches them by column name.
            runs["data_quality_nomapping"] = (Report(metrics=[DataQualityPreset()]), None)
        folder = os.path.join(out, "reports", name)
        os.makedirs(folder, exist_ok=True)
        for file, (run, column_mapping) in runs.items():
            try:
                if column_mapping is None:
                    run.run(reference_data=reference.copy(), current_data=frame.copy())
                else:
                    run.run(reference_data=reference.copy(), current_data=frame.copy(), column_mapping=column_mapping)
                as_dict = run.as_dict()
                if "tests" in as_dict:
                    as_dict = {"tests": as_dict["tests"], "summary": as_dict["summary"]}
                else:
                    as_dict = {"metrics": as_dict["metrics"]}
                record = {"window": name, "current_rows": len(frame), "as_dict": strict(as_dict)}
            except Exception as error:  # recorded: the key says Evidently itself could not compute it
                record = {"window": name, "current_rows": len(frame), "error": f"{type(error).__name__}: {error}"}
            with open(os.path.join(folder, f"{file}.json"), "w") as handle:
                json.dump(record, handle, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1])
