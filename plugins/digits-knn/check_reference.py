#!/usr/bin/python3
"""Checks the built digits-knn library against independent implementations (needs numpy and scikit-learn: Debian's
/usr/bin/python3 on the dev image).

1. scikit-learn's KNeighborsClassifier (brute force, Euclidean, uniform weights) on the raw 0-16 pixels, k = 5: its
   accuracy on validation.csv and test.csv, the numbers in PROVENANCE.md.
2. A numpy version of the plugin's exact rule (squared Euclidean distances, the k nearest by a stable sort so ties go
   to the lower training index, (votes + smoothing) / (k + 10 * smoothing)), compared with what libdigits_knn returns
   through ctypes for every validation and test sample, for k in 1, 5, 9.

    /usr/bin/python3 plugins/digits-knn/check_reference.py

Build the library first (cmake, see PROVENANCE.md); on Windows/macOS pass --library.
"""

import argparse
import ctypes
import json
import os
import sys

import numpy as np
from sklearn.neighbors import KNeighborsClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "data", "digits"))


def load(name):
    table = np.loadtxt(os.path.join(DATA, name), delimiter=",", skiprows=1, dtype=np.int64)
    return table[:, :64].astype(np.float64), table[:, 64]


def reference_scores(train_x, train_y, x, k, smoothing):
    distances = ((x[:, None, :] - train_x[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argsort(distances, axis=1, kind="stable")[:, :k]
    votes = np.zeros((len(x), 10))
    for row, neighbours in enumerate(nearest):
        for label in train_y[neighbours]:
            votes[row, label] += 1
    return (votes + smoothing) / (k + 10 * smoothing)


def plugin_scores(library, x, k, smoothing):
    instance = ctypes.c_void_p()
    config = json.dumps({"k": k, "smoothing": smoothing}).encode()
    rc = library.chorus_plugin_create(config, HERE.encode(), ctypes.byref(instance))
    if rc != 0:
        sys.exit(f"create failed ({rc}): {library.chorus_plugin_last_error(None).decode()}")
    samples = np.ascontiguousarray(x, dtype=np.float32)
    out = np.zeros((len(x), 10), dtype=np.float32)
    written = ctypes.c_int64()
    rc = library.chorus_plugin_run(instance, samples.ctypes.data_as(ctypes.c_void_p), len(x), samples.size,
                                   out.ctypes.data_as(ctypes.c_void_p), out.size, ctypes.byref(written))
    if rc != 0:
        sys.exit(f"run failed ({rc}): {library.chorus_plugin_last_error(instance).decode()}")
    library.chorus_plugin_destroy(instance)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--library", default=os.path.join(HERE, "libdigits_knn.so"))
    args = parser.parse_args()

    library = ctypes.CDLL(args.library)
    library.chorus_plugin_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)]
    library.chorus_plugin_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                                          ctypes.c_void_p, ctypes.c_int64, ctypes.POINTER(ctypes.c_int64)]
    library.chorus_plugin_last_error.argtypes = [ctypes.c_void_p]
    library.chorus_plugin_last_error.restype = ctypes.c_char_p
    library.chorus_plugin_destroy.argtypes = [ctypes.c_void_p]

    train_x, train_y = load("train.csv")
    failed = False
    for name in ("validation.csv", "test.csv"):
        x, y = load(name)
        knn = KNeighborsClassifier(n_neighbors=5, algorithm="brute").fit(train_x, train_y)
        sk_correct = int((knn.predict(x) == y).sum())
        print(f"{name}: scikit-learn KNeighborsClassifier(k=5) accuracy {sk_correct / len(y):.4f} ({sk_correct}/{len(y)})")
        for k in (1, 5, 9):
            expected = reference_scores(train_x, train_y, x, k, 0.5)
            got = plugin_scores(library, x, k, 0.5)
            worst = float(np.abs(got - expected).max())
            correct = int((got.argmax(axis=1) == y).sum())
            ok = worst < 1e-6
            failed |= not ok
            print(f"{name}: k={k} plugin accuracy {correct / len(y):.4f} ({correct}/{len(y)}), "
                  f"max |plugin - numpy reference| = {worst:.2e} {'ok' if ok else 'MISMATCH'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
