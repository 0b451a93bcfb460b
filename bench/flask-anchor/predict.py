"""The anchor for `npm run bench -- prediction`: the course's deployment-module web service
(mlops-zoomcamp 04-deployment/web-service/predict.py), Flask + scikit-learn, run under gunicorn as the
course runs it. The course loads a pickled (DictVectorizer, LinearRegression); here the same pair is
fitted at start from the training rows the bench writes (TRAIN_ROWS: JSON lines of PULocationID,
DOLocationID, trip_distance, duration), because Debian has no pandas/pyarrow to read the Parquet file.
Like the course's service it logs nothing: driftdesk's service also commits every prediction to
PostgreSQL before answering, so this anchor does strictly less work per request.
"""
import json
import os

from flask import Flask, jsonify, request
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LinearRegression


def prepare_features(ride):
    features = {}
    features['PU_DO'] = '%s_%s' % (ride['PULocationID'], ride['DOLocationID'])
    features['trip_distance'] = ride['trip_distance']
    return features


def fit(path):
    dicts, target = [], []
    with open(path, encoding='utf-8') as rows:
        for line in rows:
            row = json.loads(line)
            dicts.append(prepare_features(row))
            target.append(row['duration'])
    dv = DictVectorizer()
    model = LinearRegression()
    model.fit(dv.fit_transform(dicts), target)
    return dv, model


dv, model = fit(os.environ['TRAIN_ROWS'])
app = Flask('duration-prediction')


def predict(features):
    X = dv.transform(features)
    preds = model.predict(X)
    return float(preds[0])


@app.route('/predict', methods=['POST'])
def predict_endpoint():
    ride = request.get_json()
    features = prepare_features(ride)
    pred = predict(features)
    result = {'duration': pred}
    return jsonify(result)
