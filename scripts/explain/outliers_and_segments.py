"""pandas/numpy/scipy's own numbers for driftdesk's outlier shares and segment metrics (issue #13): the
fixture test/fixtures/explain/outliers-and-segments.json, read by
test/integration/explain-outliers-pandas.test.ts and test/integration/explain-segments-pandas.test.ts.

The inputs are generated here (seeded) and written into the fixture beside the expected values, so the
TypeScript side computes on exactly the same numbers. Run with Debian's python3 (pandas 1.5, numpy 1.24,
scipy 1.10):
    /usr/bin/python3 scripts/explain/outliers_and_segments.py > test/fixtures/explain/outliers-and-segments.json

Outliers: Tukey fences from np.quantile(reference.dropna(), [0.25, 0.75]) (numpy's default 'linear'),
shares over the window's non-null values, strictly outside the fences / the reference's [min, max].
Segments: DataFrame.groupby on the hour of day (dt.hour), the weekday (dt.dayofweek) or the value;
MAE/RMSE over rows with a known target; drift = scipy.stats.wasserstein_distance(ref, cur) /
max(np.std(ref), 0.001) (Evidently's normed Wasserstein) per segment.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.stats import wasserstein_distance

rng = np.random.default_rng(13)


def nullable(values):
    return [None if (v is None or (isinstance(v, float) and np.isnan(v))) else float(v) for v in values]


def outlier_case(name, reference, window):
    ref = pd.Series(reference, dtype=float)
    cur = pd.Series(window, dtype=float)
    clean = ref.dropna().to_numpy()
    q1, q3 = np.quantile(clean, [0.25, 0.75])
    iqr = q3 - q1
    lower, upper = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    values = cur.dropna()
    outside_fences = int(((values < lower) | (values > upper)).sum())
    outside_range = int(((values < clean.min()) | (values > clean.max())).sum())
    ref_outside = int(((clean < lower) | (clean > upper)).sum())
    return {
        "name": name,
        "reference": nullable(reference),
        "window": nullable(window),
        "expected": {
            "q1": float(q1),
            "q3": float(q3),
            "lowerFence": float(lower),
            "upperFence": float(upper),
            "referenceMin": float(clean.min()),
            "referenceMax": float(clean.max()),
            "values": int(values.shape[0]),
            "outsideFences": outside_fences,
            "outsideFencesShare": outside_fences / values.shape[0] if values.shape[0] else None,
            "outsideRange": outside_range,
            "outsideRangeShare": outside_range / values.shape[0] if values.shape[0] else None,
            "referenceOutsideFencesShare": ref_outside / clean.shape[0],
        },
    }


def with_nulls(values, share):
    values = values.astype(float)
    values[rng.random(values.shape[0]) < share] = np.nan
    return values


outliers = [
    outlier_case("lognormal fares", with_nulls(rng.lognormal(2.5, 0.6, 1500), 0.02), with_nulls(rng.lognormal(2.6, 0.8, 800), 0.05)),
    outlier_case("heavy tails", rng.standard_t(3, 1500) * 4 + 10, rng.standard_t(2, 500) * 5 + 11),
    outlier_case("integer counts", rng.integers(1, 3, 2000), np.concatenate([rng.integers(1, 7, 300), [0.0, 9.0]])),
    outlier_case("odd sizes", rng.normal(0, 1, 7), rng.normal(0.5, 2, 11)),
    outlier_case("ties at the fences", np.array([1, 2, 2, 3, 3, 3, 4, 4, 5, 10], dtype=float), np.array([-2, -0.5, 7, 7.0000001, 5, np.nan])),
]


def segment_case(name, by, ref_keys, ref_pred, cur_keys, cur_pred, cur_target):
    ref = pd.DataFrame({"key": ref_keys, "prediction": ref_pred})
    cur = pd.DataFrame({"key": cur_keys, "prediction": cur_pred, "target": cur_target})
    if by == "hour":
        ref_label = pd.to_datetime(ref["key"], unit="us").dt.hour.map(lambda h: f"{h:02d}")
        cur_label = pd.to_datetime(cur["key"], unit="us").dt.hour.map(lambda h: f"{h:02d}")
    elif by == "weekday":
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        ref_label = pd.to_datetime(ref["key"], unit="us").dt.dayofweek.map(lambda d: names[d])
        cur_label = pd.to_datetime(cur["key"], unit="us").dt.dayofweek.map(lambda d: names[d])
    else:
        ref_label = ref["key"].astype(str)
        cur_label = cur["key"].astype(str)
    ref = ref.assign(label=ref_label)
    cur = cur.assign(label=cur_label, error=cur["prediction"] - cur["target"])
    expected = {}
    ref_groups = dict(tuple(ref.groupby("label")))
    for label, group in cur.groupby("label"):
        labelled = group.dropna(subset=["error"])
        ref_group = ref_groups.get(label)
        entry = {
            "rows": int(group.shape[0]),
            "referenceRows": 0 if ref_group is None else int(ref_group.shape[0]),
            "meanPrediction": float(group["prediction"].mean()),
            "referenceMeanPrediction": None if ref_group is None else float(ref_group["prediction"].mean()),
            "labelledRows": int(labelled.shape[0]),
            "mae": float(labelled["error"].abs().mean()) if labelled.shape[0] else None,
            "rmse": float(np.sqrt((labelled["error"] ** 2).mean())) if labelled.shape[0] else None,
            "predictionDrift": None
            if ref_group is None
            else float(
                wasserstein_distance(ref_group["prediction"], group["prediction"])
                / max(np.std(ref_group["prediction"].to_numpy()), 0.001)
            ),
        }
        expected[label] = entry
    return {
        "name": name,
        "by": by,
        "reference": {"keys": [k if isinstance(k, str) else int(k) for k in ref_keys], "predictions": [float(p) for p in ref_pred]},
        "window": {
            "keys": [k if isinstance(k, str) else int(k) for k in cur_keys],
            "predictions": [float(p) for p in cur_pred],
            "targets": nullable(cur_target),
        },
        "expected": expected,
    }


def timestamps(n, start, days):
    base = int(pd.Timestamp(start).value // 1000)
    return base + rng.integers(0, days * 86_400_000_000, n)


def predictions_for(keys, offset):
    hours = ((keys // 3_600_000_000) % 24).astype(float)
    return 12 + 0.3 * hours + rng.normal(offset, 4, keys.shape[0])


ref_ts = timestamps(2000, "2022-01-01", 31)
cur_ts = timestamps(1200, "2022-02-02", 1)
cur_pred = predictions_for(cur_ts, 1.0)
cur_target = with_nulls(cur_pred + rng.normal(0, 5, cur_ts.shape[0]) + (cur_ts // 3_600_000_000 % 24 == 8) * 6, 0.1)
week_ts = timestamps(1000, "2022-02-07", 7)
week_pred = predictions_for(week_ts, -0.5)
groups = np.array(["a", "b", "c"])
ref_groups = groups[rng.integers(0, 3, 3000)]
cur_groups = groups[rng.integers(0, 3, 700)]
segments = [
    segment_case("hour of day", "hour", ref_ts, predictions_for(ref_ts, 0), cur_ts, cur_pred, cur_target),
    segment_case(
        "weekday", "weekday", ref_ts, predictions_for(ref_ts, 0), week_ts, week_pred,
        week_pred + rng.normal(0, 3, week_ts.shape[0]),
    ),
    segment_case(
        "categorical with a biased group", "value", ref_groups, rng.normal(10, 2, 3000), cur_groups,
        rng.normal(10.5, 2, 700), with_nulls(rng.normal(10, 2, 700) + (cur_groups == "c") * 3, 0.2),
    ),
]

json.dump(
    {"pandas": pd.__version__, "numpy": np.__version__, "outliers": outliers, "segments": segments},
    sys.stdout,
)
