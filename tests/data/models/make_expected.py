#!/usr/bin/python3
"""Reference outputs for the binding tests, computed with numpy from the weights stored in the models.

Independent of Chorus: it reads the initializers with onnx.numpy_helper and evaluates the graphs by hand.
Run: /usr/bin/python3 tests/data/models/make_expected.py   (writes tests/data/models/expected.json)
"""
import json
import os

import numpy as np
import onnx
from onnx import numpy_helper

here = os.path.dirname(os.path.abspath(__file__))


def weights(name):
    model = onnx.load(os.path.join(here, name))
    return {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}


def mlp_input(batch):
    # The same deterministic input the tests build: x[b, i] = ((b * 64 + i) * 7919 % 1000) / 1000 - 0.5
    idx = np.arange(batch * 64).reshape(batch, 64)
    return ((idx * 7919) % 1000) / 1000.0 - 0.5


def mlp(x):
    w = weights("mlp_64_32_10.onnx")
    h = np.maximum(x @ w["w1"].T + w["b1"], 0.0)
    return h @ w["w2"].T + w["b2"]


expected = {
    "mlp_64_32_10": {
        "input_rule": "x[b,i] = ((b*64+i)*7919 % 1000)/1000 - 0.5",
        "batch3_logits": mlp(mlp_input(3)).astype(np.float32).tolist(),
    }
}
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote expected.json")
