"""Evidently 0.4.16's own answers for the `stattest` command's odd inputs (issue 9).

Runs Evidently itself (from its source, see ../shared/ENVIRONMENT.md "Python") on small cases: categories named
like Object.prototype members, two identical constant numerical columns under Hellinger, and columns given
without a type (Evidently infers it from the dtype with its default ColumnMapping()). Each case is written in
the `stattest --input` format with the result Evidently gives:
    PYTHONPATH=<evidently-0.4.16>/src OPENBLAS_CORETYPE=Prescott PYTHONHASHSEED=0 \
        VENV/bin/python scripts/evidently/stattest_odd_input_cases.py > test/fixtures/evidently/stattest-odd-input.json

Values are written so that JSON keeps pandas' dtype: the float cases use non-whole numbers (a JSON reader
in JavaScript cannot tell 2.0 from 2).
"""
import json
import math

import evidently
import pandas as pd
from evidently.metrics import ColumnDriftMetric
from evidently.report import Report

CASES = [
    # (id, column, reference, current, stattest or None for Evidently's choice, column type given or None)
    ("prototype-names", "x", ["toString", "constructor", "valueOf", "__proto__", "a", "a"],
     ["a", "a", "a", "a", "a", "toString"], "chisquare", "cat"),
    ("prototype-names-psi", "x", ["hasOwnProperty", "valueOf", "valueOf", "b"],
     ["valueOf", "b", "b", "b"], "psi", "cat"),
    ("hellinger-equal-constants", "x", [3.0] * 50, [3.0] * 40, "hellinger", "num"),
    ("hellinger-equal-large-constants", "x", [1e9] * 7, [1e9] * 3, "hellinger", "num"),
    ("hellinger-different-constants", "x", [3.0] * 50, [4.0] * 40, "hellinger", "num"),
    ("infer-floats", "x", [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], None, None),
    ("infer-few-ints", "x", [1, 2, 2, 3, 3, 3], [1, 1, 2, 3, 3, 3], None, None),
    ("infer-many-ints", "x", [1, 2, 3, 4, 5, 6, 7], [2, 3, 4, 5, 6, 7, 8], None, None),
    ("infer-ints-with-null", "x", [1, 2, None, 3], [1, None, 3], None, None),
    ("infer-null-in-reference-only", "x", [1, 2, None, 3], [1, 2, 3], None, None),
    ("infer-strings", "x", ["a", "b", "a"], ["a", "b", "b"], None, None),
    ("infer-booleans", "x", [True, False, True], [True, True, True], None, None),
    ("infer-target", "target", [0.1, 0.2, 0.3], [0.4, 0.5], None, None),
    ("infer-prediction-outside-unit", "prediction", [0.1, 0.2], [2.5, 0.3], None, None),
    ("infer-prediction-booleans", "prediction", [True, False], [True], None, None),
]


def run(column, reference, current, stattest):
    report = Report(metrics=[ColumnDriftMetric(column_name=column, stattest=stattest)])
    report.run(reference_data=pd.DataFrame({column: reference}), current_data=pd.DataFrame({column: current}))
    result = report.as_dict()["metrics"][0]["result"]
    score = float(result["drift_score"])
    return {
        "column_type": result["column_type"],
        "stattest_name": result["stattest_name"],
        "threshold": float(result["stattest_threshold"]),
        "drift_score": None if math.isnan(score) else score,
        "drift_detected": bool(result["drift_detected"]),
    }


def main():
    cases = []
    for case_id, column, reference, current, stattest, column_type in CASES:
        case = {"id": case_id, "column": column, "stattest": stattest or "default",
                "reference": reference, "current": current}
        if column_type is not None:
            case["column_type"] = column_type
        case["expected"] = run(column, reference, current, stattest)
        cases.append(case)
    print(json.dumps({"generated_by": "scripts/evidently/stattest_odd_input_cases.py",
                      "evidently": evidently.__version__, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
