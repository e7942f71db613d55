#!/usr/bin/env python3
"""Train the three digit-classifier plugins (logistic regression, MLP, CNN) and export them to ONNX.

Run from the repository root with Debian's Python (which has torch, onnx, numpy and scikit-learn):

    /usr/bin/python3 plugins/train_digits.py

Inputs:  tests/data/digits/train.csv (training, the only data the weights see),
         tests/data/digits/validation.csv and test.csv (evaluation only: no early stopping, no model
         selection; every model trains for a fixed number of epochs).
Outputs: plugins/digits-logreg/model.onnx, plugins/digits-mlp/model.onnx, plugins/digits-cnn/model.onnx,
         plugins/digits-reference-metrics.json.

Optional: --conformance-dir DIR also writes one ONNX backend test case per model under DIR
(model.onnx + test_data_set_0/{input_0,output_0}.pb holding the whole test split and the torch outputs),
so the exported files can be checked in ONNX Runtime with `chorus conformance DIR`.

Everything is seeded (torch.manual_seed, a seeded torch.Generator for the mini-batch order), runs on one CPU
thread with torch.use_deterministic_algorithms(True), so the same torch version reproduces the same weights.
"""

import argparse
import io
import json
import os
import random

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper
from sklearn.metrics import accuracy_score, log_loss

SEED = 20261122
OPSET = 17  # the highest opset torch 1.13's exporter supports
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "tests", "data", "digits")
PLUGINS_DIR = os.path.join(ROOT, "plugins")
LABELS = [str(i) for i in range(10)]
SCALE = 1.0 / 16.0


# ----------------------------------------------------------------------------------------------- data


def load_split(name):
    """Return (pixels float32 [n, 64] divided by 16, labels int64 [n]) of one CSV split."""
    path = os.path.join(DATA_DIR, name + ".csv")
    with open(path) as f:
        header = f.readline().strip().split(",")
    assert header == ["p%d" % i for i in range(64)] + ["label"], path
    raw = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64)
    pixels = raw[:, :64].astype(np.float32) * np.float32(SCALE)
    return pixels, raw[:, 64]


# --------------------------------------------------------------------------------------------- models


class LogReg(nn.Module):
    """Multinomial logistic regression: Linear(64 -> 10) (softmax applied at export / evaluation)."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(64, 10)

    def forward(self, x):
        return self.linear(x)


class Mlp(nn.Module):
    """64 -> 64 -> 10 with ReLU; dropout between the layers during training only."""

    def __init__(self, dropout):
        super().__init__()
        self.hidden = nn.Linear(64, 64)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(64, 10)

    def forward(self, x):
        return self.out(self.dropout(torch.relu(self.hidden(x))))


class Cnn(nn.Module):
    """Conv(1->16,3,pad 1)+ReLU, Conv(16->32,3,pad 1)+ReLU, MaxPool 2, Flatten, Linear(512->64)+ReLU, Linear(64->10)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        x = torch.flatten(self.pool(x), 1)
        return self.fc2(torch.relu(self.fc1(x)))


class Exported(nn.Module):
    """What goes into model.onnx: the network's logits followed by Softmax over the classes (axis 1).

    For the MLP the class order is reversed by permuting the rows of the last Linear layer before export
    (reverse_last_layer), so the graph needs no Gather node.
    """

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.softmax(self.net(x), dim=1)


# ------------------------------------------------------------------------------------------- training


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(net, X, y, epochs, batch_size, lr, weight_decay, seed):
    """Adam on mini-batches, cross-entropy loss, L2 weight decay on weights only (not on biases)."""
    decay = [p for n, p in net.named_parameters() if not n.endswith("bias")]
    no_decay = [p for n, p in net.named_parameters() if n.endswith("bias")]
    optimizer = torch.optim.Adam(
        [
            {"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=lr,
    )
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(seed)
    X_t = torch.from_numpy(X)
    y_t = torch.from_numpy(y)
    n = len(y)
    net.train()
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(net(X_t[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
    net.eval()
    return net


def reverse_last_layer(net):
    """Reverse the output rows of the final Linear layer, so output column j is class 9 - j."""
    with torch.no_grad():
        net.out.weight.copy_(net.out.weight.flip(0))
        net.out.bias.copy_(net.out.bias.flip(0))


# -------------------------------------------------------------------------------------------- members

MEMBERS = [
    {
        "id": "digits-logreg",
        "make": LogReg,
        "kwargs": {},
        "input": "pixels",
        "image": False,
        "labels": LABELS,
        "train": {"epochs": 200, "batch_size": 64, "lr": 0.01, "weight_decay": 1e-3},
    },
    {
        "id": "digits-mlp",
        "make": Mlp,
        "kwargs": {"dropout": 0.2},
        "input": "pixels",
        "image": False,
        "labels": LABELS[::-1],  # deliberately reversed: exercises the host's label alignment by name
        "train": {"epochs": 150, "batch_size": 32, "lr": 1e-3, "weight_decay": 1e-4},
    },
    {
        "id": "digits-cnn",
        "make": Cnn,
        "kwargs": {},
        "input": "image",
        "image": True,
        "labels": LABELS,
        "train": {"epochs": 40, "batch_size": 32, "lr": 1e-3, "weight_decay": 1e-4},
    },
]


def as_model_input(member, pixels):
    """The tensor the model takes: [n, 64] for the flat models, [n, 1, 8, 8] (row-major) for the CNN."""
    return pixels.reshape(-1, 1, 8, 8) if member["image"] else pixels


def export_onnx(member, exported, example):
    buffer = io.BytesIO()
    torch.onnx.export(
        exported,
        torch.from_numpy(example),
        buffer,
        export_params=True,
        opset_version=OPSET,
        do_constant_folding=True,
        input_names=[member["input"]],
        output_names=["probabilities"],
        dynamic_axes={member["input"]: {0: "batch"}, "probabilities": {0: "batch"}},
    )
    model = onnx.load_from_string(buffer.getvalue())
    model.graph.name = member["id"]
    model.doc_string = "Chorus plugin %s: digit classifier, class order %s" % (
        member["id"],
        ",".join(member["labels"]),
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def probabilities(exported, x):
    with torch.no_grad():
        return exported(torch.from_numpy(x)).numpy()


def canonical(member, probs):
    """Re-order the model's output columns to the class order 0..9, by label name."""
    column_of = {label: j for j, label in enumerate(member["labels"])}
    return probs[:, [column_of[label] for label in LABELS]]


def metrics(y, probs_canonical):
    p = probs_canonical.astype(np.float64)
    return {
        "accuracy": float(accuracy_score(y, p.argmax(axis=1))),
        "log_loss": float(log_loss(y, p, labels=list(range(10)))),
    }


def write_conformance_case(directory, member, model, x, probs):
    case = os.path.join(directory, "test_" + member["id"].replace("-", "_"))
    data = os.path.join(case, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    onnx.save(model, os.path.join(case, "model.onnx"))
    for name, array, tensor_name in (
        ("input_0.pb", x, member["input"]),
        ("output_0.pb", probs, "probabilities"),
    ):
        with open(os.path.join(data, name), "wb") as f:
            f.write(numpy_helper.from_array(array, name=tensor_name).SerializeToString())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conformance-dir", help="also write ONNX backend test cases here")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    splits = {name: load_split(name) for name in ("train", "validation", "test")}
    X_train, y_train = splits["train"]

    report = {
        "description": "Accuracy and log loss of each digit plugin, computed in Python from the torch models that "
        "were exported (softmax outputs, re-ordered by label name to classes 0..9, cast to float64) with "
        "sklearn.metrics.accuracy_score (prediction = first argmax) and sklearn.metrics.log_loss(labels=0..9). "
        "An independent cross-check for the .NET pipeline.",
        "generator": "plugins/train_digits.py",
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "sklearn": __import__("sklearn").__version__,
        "seed": SEED,
        "splits": {name: int(len(y)) for name, (_, y) in splits.items()},
        "members": {},
    }
    canonical_probs = {}

    for member in MEMBERS:
        seed_everything(SEED)
        net = member["make"](**member["kwargs"])
        hp = member["train"]
        train(net, as_model_input(member, X_train), y_train, seed=SEED, **hp)
        if member["labels"] != LABELS:
            assert member["labels"] == LABELS[::-1]
            reverse_last_layer(net)
        exported = Exported(net).eval()

        folder = os.path.join(PLUGINS_DIR, member["id"])
        os.makedirs(folder, exist_ok=True)
        model = export_onnx(member, exported, as_model_input(member, splits["validation"][0][:2]))
        path = os.path.join(folder, "model.onnx")
        onnx.save(model, path)
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))

        entry = {"labels": member["labels"], "hyperparameters": dict(hp, **member["kwargs"])}
        canonical_probs[member["id"]] = {}
        for name in ("validation", "test"):
            X, y = splits[name]
            probs = probabilities(exported, as_model_input(member, X))
            canonical_probs[member["id"]][name] = canonical(member, probs)
            entry[name] = metrics(y, canonical_probs[member["id"]][name])
            if name == "test" and args.conformance_dir:
                write_conformance_case(
                    args.conformance_dir, member, model, as_model_input(member, X), probs
                )
        X, y = splits["train"]
        entry["train"] = metrics(y, canonical(member, probabilities(exported, as_model_input(member, X))))
        report["members"][member["id"]] = entry
        print(
            "%-14s validation acc %.4f log loss %.4f | test acc %.4f log loss %.4f"
            % (
                member["id"],
                entry["validation"]["accuracy"],
                entry["validation"]["log_loss"],
                entry["test"]["accuracy"],
                entry["test"]["log_loss"],
            )
        )

    # The unweighted soft vote of the three members (mean of the label-aligned probabilities), as a
    # cross-check of the fusion stage's label alignment by name.
    report["soft_vote_unweighted"] = {}
    for name in ("validation", "test"):
        _, y = splits[name]
        mean = np.mean([canonical_probs[m["id"]][name].astype(np.float64) for m in MEMBERS], axis=0)
        report["soft_vote_unweighted"][name] = metrics(y, mean)
    print("soft vote      %s" % report["soft_vote_unweighted"])

    path = os.path.join(PLUGINS_DIR, "digits-reference-metrics.json")
    with open(path, "w", newline="\n") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    print("wrote %s" % path)


if __name__ == "__main__":
    main()
