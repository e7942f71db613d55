#!/usr/bin/env python3
"""Split scikit-learn's copy of the UCI handwritten digits into train / validation / test CSV files.

Run with Debian's Python (which has scikit-learn and numpy installed):

    /usr/bin/python3 tests/data/digits/make_split.py

The data set is bundled with scikit-learn (sklearn/datasets/data/digits.csv.gz), so no
network access is needed. The split is stratified and seeded, so running this script again
writes byte-identical files (for the same scikit-learn version).

Split, with SEED = 20261122 in both calls and stratify=y:
    1. train_test_split(all, test_size=0.2)        -> rest (80 %) / test (20 %)
    2. train_test_split(rest, test_size=0.25)      -> train (60 %) / validation (20 %)
Rows of every file are sorted by their index in load_digits() (ascending), so the order
does not depend on how train_test_split shuffles.
"""

import os

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20261122
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
HEADER = ",".join(["p%d" % i for i in range(64)] + ["label"])


def split_indices(y):
    """Return (train, validation, test) index arrays into load_digits(), each sorted ascending."""
    all_idx = np.arange(len(y))
    rest_idx, test_idx = train_test_split(
        all_idx, test_size=0.2, random_state=SEED, stratify=y
    )
    train_idx, val_idx = train_test_split(
        rest_idx, test_size=0.25, random_state=SEED, stratify=y[rest_idx]
    )
    return np.sort(train_idx), np.sort(val_idx), np.sort(test_idx)


def write_csv(path, pixels, labels):
    with open(path, "w", newline="\n") as f:
        f.write(HEADER + "\n")
        for row, label in zip(pixels, labels):
            f.write(",".join(str(int(v)) for v in row) + ",%d\n" % int(label))


def main():
    digits = load_digits()
    X = digits.data
    y = digits.target
    assert X.shape == (1797, 64) and y.shape == (1797,)
    # The pixel values are counts 0..16 stored as floats; check that they are integral.
    assert np.all(X == np.round(X)) and X.min() == 0 and X.max() == 16

    train_idx, val_idx, test_idx = split_indices(y)
    # The three parts must partition the data set.
    together = np.concatenate([train_idx, val_idx, test_idx])
    assert len(together) == len(y) and len(np.unique(together)) == len(y)

    for name, idx in (("train", train_idx), ("validation", val_idx), ("test", test_idx)):
        path = os.path.join(OUT_DIR, name + ".csv")
        write_csv(path, X[idx].astype(np.int64), y[idx])
        counts = np.bincount(y[idx], minlength=10)
        print(
            "wrote %s: %d rows, class counts %s"
            % (path, len(idx), " ".join("%d:%d" % (c, n) for c, n in enumerate(counts)))
        )


if __name__ == "__main__":
    main()
