#!/usr/bin/env python3
"""Writes plugins/digits-knn/train.bin, the training set of the digits-knn plugin, from tests/data/digits/train.csv.

Format (all integers little-endian):

    offset  size  field
    0       4     magic "CKNN"
    4       4     uint32 format version (1)
    8       4     uint32 count: number of training samples
    12      65*n  count records, in the order of the CSV rows: 64 uint8 pixel counts (0-16, row-major 8x8),
                  then one uint8 label (0-9)

The file is exactly 12 + 65 * count bytes; the plugin rejects any other size. Plain file I/O only (no numpy), so any
python3 works:

    python3 plugins/digits-knn/make_train_bin.py            # writes train.bin
    python3 plugins/digits-knn/make_train_bin.py --check    # exits 1 if the committed train.bin differs
"""

import argparse
import csv
import os
import struct
import sys

MAGIC = b"CKNN"
FORMAT_VERSION = 1
PIXELS = 64
EXPECTED_HEADER = [f"p{i}" for i in range(PIXELS)] + ["label"]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_CSV = os.path.join(REPO, "tests", "data", "digits", "train.csv")
DEFAULT_OUT = os.path.join(HERE, "train.bin")


def build(csv_path):
    with open(csv_path, newline="", encoding="ascii") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header != EXPECTED_HEADER:
            sys.exit(f"{csv_path}: unexpected header (want p0..p63,label)")
        records = bytearray()
        count = 0
        for line, row in enumerate(reader, start=2):
            if len(row) != PIXELS + 1:
                sys.exit(f"{csv_path}:{line}: {len(row)} fields, want {PIXELS + 1}")
            values = [int(v) for v in row]
            if any(not 0 <= v <= 16 for v in values[:PIXELS]):
                sys.exit(f"{csv_path}:{line}: a pixel is outside 0-16")
            if not 0 <= values[PIXELS] <= 9:
                sys.exit(f"{csv_path}:{line}: label {values[PIXELS]} is outside 0-9")
            records += bytes(values)
            count += 1
    return MAGIC + struct.pack("<II", FORMAT_VERSION, count) + bytes(records), count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", default=DEFAULT_CSV, help="training CSV (default: tests/data/digits/train.csv)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output file (default: train.bin beside this script)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args()

    data, count = build(args.csv)
    if args.check:
        try:
            with open(args.out, "rb") as f:
                current = f.read()
        except OSError as e:
            sys.exit(f"{args.out}: {e.strerror}")
        if current != data:
            sys.exit(f"{args.out} differs from what {args.csv} gives; rerun without --check")
        print(f"{args.out}: up to date ({count} samples, {len(data)} bytes)")
        return
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"wrote {args.out}: {count} samples, {len(data)} bytes")


if __name__ == "__main__":
    main()
