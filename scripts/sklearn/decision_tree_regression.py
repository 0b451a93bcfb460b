"""scikit-learn's DecisionTreeRegressor on continuous data, the independent check of ml-cart (the nanny of
driftdesk's performance estimation, src-main/core/estimate/cart-loss-regressor.ts).

ml-cart and sklearn grow the same CART tree when every x and y value is distinct: both try every
midpoint between consecutive sorted values of each feature, both choose the split with the smallest sum
of the children's squared errors, both stop at max_depth, and ml-cart's "a node of minNumSamples rows or
fewer is a leaf" is sklearn's min_samples_split = minNumSamples + 1. (With tied x or y values the two
differ: ml-cart only tries a split where adjacent y values differ, and breaks ties between equal gains
by feature order, sklearn by its random feature permutation; hence distinct continuous values here.)

Run with Debian's python3-sklearn:
/usr/bin/python3 scripts/sklearn/decision_tree_regression.py > test/fixtures/sklearn/decision-tree-regression.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeRegressor

rng = np.random.default_rng(13)
cases = []
for n, depth, min_num_samples in [(300, 3, 20), (600, 5, 40), (1000, 6, 100)]:
    x = rng.uniform(0, 1, size=(n, 3))
    # A loss-like target: a step in x0, a slope in x1, noise; x2 is irrelevant.
    y = np.abs((1 + 2 * (x[:, 0] > 0.5) + x[:, 1]) * rng.standard_normal(n))
    x_test = rng.uniform(0, 1, size=(200, 3))
    tree = DecisionTreeRegressor(
        max_depth=depth, min_samples_split=min_num_samples + 1, random_state=0
    ).fit(x, y)
    cases.append(
        {
            "maxDepth": depth,
            "minNumSamples": min_num_samples,
            "x": x.tolist(),
            "y": y.tolist(),
            "xTest": x_test.tolist(),
            "predicted": tree.predict(x_test).tolist(),
            "leaves": int(tree.get_n_leaves()),
        }
    )
json.dump({"sklearn": sklearn.__version__, "cases": cases}, sys.stdout)
