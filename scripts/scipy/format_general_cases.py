"""Python's format(x, '.{p}g') on exact decimal ties and their neighbours, as a JSON fixture.

Python rounds the exact binary value correctly and breaks exact ties half-to-even (12.25 -> '12.2');
JavaScript's toFixed/toExponential break them upward. Evidently prints test descriptions with '.3g'.
    /usr/bin/python3 scripts/scipy/format_general_cases.py > test/fixtures/scipy/format-general-cases.json
"""
import json
import random
import sys


def main():
    rng = random.Random(20260128)
    values = [12.25, 12.35, 0.125, 0.375, 2.5, 3.5, 0.5, 1.5, 9.5, 99.5, 999.5, 9995.0, 1.25e-5, 2.5e-5,
              125000.0, 135000.0, 1234.5, 0.0625, 6.25, 7.25, -12.25, -2.5, -3.5, 1e22, 5e-324, 1.7976931348623157e308,
              26.00554, 0.013, 25211.0, 0.0001225, 4.5e15, 8.5]
    # Random exact ties: integers and dyadic fractions ending in 5 at the rounding digit.
    for _ in range(300):
        digits = rng.randint(1, 5)
        mantissa = rng.randint(10 ** digits, 10 ** (digits + 1) - 1) * 10 + 5
        shift = rng.randint(-3, 3)
        values.append(mantissa * 10.0 ** shift if shift >= 0 else mantissa / 10 ** -shift)
    for _ in range(200):
        values.append(rng.randint(1, 2 ** 20) / 2 ** rng.randint(1, 12))
    cases = []
    for value in values:
        for precision in (1, 2, 3, 4, 6):
            cases.append({"value": value, "precision": precision, "text": format(value, f".{precision}g")})
    json.dump({"python": sys.version.split()[0], "cases": cases}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
