#!/usr/bin/python3
"""Generates the TensorProto / SequenceProto / OptionalProto test files for TensorProtoReaderTests.

Run with Debian's Python, which has onnx 1.12 and numpy:

    /usr/bin/python3 tests/Chorus.Cli.Tests/Data/tensorproto/make_tensorprotos.py

Writes <case>.pb files and expected.json next to this script. Every expected value is computed
with numpy from the source values (little-endian bytes as hex), independently of the C# reader,
and cross-checked against onnx.numpy_helper on the re-parsed file.
"""

import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import OptionalProto, SequenceProto, TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA_ROOT = "/usr/share/libonnx-testdata/data"

# Real conformance files whose dims/data type are recorded (if the package is installed).
REAL_FILES = [
    "node/test_abs/test_data_set_0/input_0.pb",
    "node/test_abs/test_data_set_0/output_0.pb",
    "node/test_add_bcast/test_data_set_0/input_1.pb",
    "node/test_cast_FLOAT_to_FLOAT16/test_data_set_0/output_0.pb",
    "node/test_cast_FLOAT_to_STRING/test_data_set_0/output_0.pb",
    "node/test_and2d/test_data_set_0/input_0.pb",
    "node/test_argmax_default_axis_example/test_data_set_0/output_0.pb",
    "node/test_constantofshape_int_zeros/test_data_set_0/input_0.pb",
    "node/test_reduce_sum_empty_axes_input_noop_example/test_data_set_0/input_1.pb",
    "node/test_strnormalizer_export_monday_casesensintive_lower/test_data_set_0/input_0.pb",
]
REAL_SEQUENCE_FILES = [
    "node/test_sequence_insert_at_back/test_data_set_0/input_0.pb",
]
REAL_OPTIONAL_FILES = [
    "node/test_optional_has_element_empty/test_data_set_0/input_0.pb",
    "node/test_optional_get_element/test_data_set_0/input_0.pb",
]

cases = []


def le_hex(arr: np.ndarray) -> str:
    """Little-endian bytes of arr (row-major) as hex."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and sys.byteorder == "big"):
        arr = arr.byteswap().view(arr.dtype.newbyteorder("<"))
    return arr.tobytes().hex()


def tensor_expectation(name, data_type, dims, data=None, strings=None):
    count = int(np.prod(dims, dtype=np.int64)) if len(dims) else 1
    e = {"kind": "tensor", "name": name, "data_type": data_type, "dims": list(dims), "element_count": count}
    if strings is not None:
        e["strings_hex"] = [s.hex() for s in strings]
        e["data_hex"] = ""
    else:
        e["data_hex"] = le_hex(data)
        e["strings_hex"] = None
    return e


def write(file_name, proto_bytes):
    with open(os.path.join(HERE, file_name), "wb") as f:
        f.write(proto_bytes)


def check_tensor_roundtrip(file_name, expectation):
    """Re-parse the written file with onnx and make sure numpy_helper agrees with the expectation."""
    t = TensorProto()
    with open(os.path.join(HERE, file_name), "rb") as f:
        t.ParseFromString(f.read())
    assert t.name == expectation["name"], file_name
    assert t.data_type == expectation["data_type"], file_name
    assert list(t.dims) == expectation["dims"], file_name
    if t.data_type in (TensorProto.COMPLEX64, TensorProto.COMPLEX128) and not t.HasField("raw_data"):
        # onnx 1.12's to_array cannot convert typed complex fields; rebuild from the (re, im) pairs.
        parts = np.array(t.float_data if t.data_type == TensorProto.COMPLEX64 else t.double_data,
                         dtype=np.float32 if t.data_type == TensorProto.COMPLEX64 else np.float64)
        assert le_hex(parts) == expectation["data_hex"], file_name
        return
    if t.data_type == TensorProto.STRING:
        # Compare the raw bytes (to_array would insist on UTF-8).
        assert [s.hex() for s in t.string_data] == expectation["strings_hex"], file_name
        return
    arr = numpy_helper.to_array(t)
    if t.data_type == TensorProto.BFLOAT16:
        bits = (arr.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
        assert le_hex(bits) == expectation["data_hex"], file_name
    else:
        assert le_hex(arr) == expectation["data_hex"], (file_name, le_hex(arr), expectation["data_hex"])


def add_tensor(file_name, tensor, expectation):
    write(file_name, tensor.SerializeToString())
    check_tensor_roundtrip(file_name, expectation)
    cases.append(dict(expectation, file=file_name))


def typed(file_name, data_type, dims, vals, np_dtype):
    name = file_name[:-3]
    t = helper.make_tensor(name, data_type, dims, vals, raw=False)
    assert not t.HasField("raw_data")
    add_tensor(file_name, t, tensor_expectation(name, data_type, dims, np.array(vals, dtype=np_dtype).reshape(dims)))


def raw(file_name, arr):
    name = file_name[:-3]
    t = numpy_helper.from_array(arr, name)
    assert t.HasField("raw_data")
    add_tensor(file_name, t, tensor_expectation(name, t.data_type, list(arr.shape), arr))


# --- hand-written wire format (for encodings onnx's Python serializer never emits) ---

def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire):
    return varint((field << 3) | wire)


def ld(field, payload):
    return tag(field, 2) + varint(len(payload)) + payload


# --- typed fields (raw=False) ---
typed("float_typed.pb", TensorProto.FLOAT, [2, 3], [1.0, -2.5, 3.25, 0.0, 1e-30, 65504.0], np.float32)
typed("int32_typed.pb", TensorProto.INT32, [4], [-1, 0, 2147483647, -2147483648], np.int32)
typed("int64_typed.pb", TensorProto.INT64, [3], [-1, 2**62, -(2**63)], np.int64)
typed("int8_typed.pb", TensorProto.INT8, [5], [-128, -1, 0, 1, 127], np.int8)
typed("uint8_typed.pb", TensorProto.UINT8, [3], [0, 128, 255], np.uint8)
typed("int16_typed.pb", TensorProto.INT16, [2, 2], [-32768, -2, 3, 32767], np.int16)
typed("uint16_typed.pb", TensorProto.UINT16, [3], [0, 40000, 65535], np.uint16)
typed("uint32_typed.pb", TensorProto.UINT32, [3], [0, 1, 4294967295], np.uint32)
typed("uint64_typed.pb", TensorProto.UINT64, [3], [0, 2**63, 2**64 - 1], np.uint64)
typed("double_typed.pb", TensorProto.DOUBLE, [2, 2], [1.0, -1e300, 3.141592653589793, 0.5], np.float64)
typed("bool_typed.pb", TensorProto.BOOL, [2, 3], [True, False, True, True, False, False], np.bool_)
typed("float16_typed.pb", TensorProto.FLOAT16, [4], [1.0, -2.5, 65504.0, 0.0001], np.float16)
typed("complex64_typed.pb", TensorProto.COMPLEX64, [2], [1 + 2j, -3.5 + 0.25j], np.complex64)
typed("complex128_typed.pb", TensorProto.COMPLEX128, [2], [1 + 2j, -3.5e200 + 0.25j], np.complex128)
typed("scalar_typed.pb", TensorProto.FLOAT, [], [3.5], np.float32)
typed("empty_typed.pb", TensorProto.FLOAT, [0], [], np.float32)

# BFLOAT16 has no numpy dtype: expected bits are the top 16 bits of the (exactly representable) float32 values.
bf_vals = [1.0, -2.0, 3.140625, 0.0]
bf_t = helper.make_tensor("bfloat16_typed", TensorProto.BFLOAT16, [4], bf_vals, raw=False)
bf_bits = (np.array(bf_vals, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
add_tensor("bfloat16_typed.pb", bf_t, tensor_expectation("bfloat16_typed", TensorProto.BFLOAT16, [4], bf_bits))

# STRING
strings = [b"hello", b"", "h\u00e9llo \u2603".encode("utf-8"), b"\x00\xff"]
st = helper.make_tensor("string_typed", TensorProto.STRING, [2, 2], strings)
add_tensor("string_typed.pb", st, tensor_expectation("string_typed", TensorProto.STRING, [2, 2], strings=strings))
st0 = helper.make_tensor("string_scalar", TensorProto.STRING, [], [b"one"])
add_tensor("string_scalar.pb", st0, tensor_expectation("string_scalar", TensorProto.STRING, [], strings=[b"one"]))

# --- raw_data (numpy_helper.from_array) ---
raw("float_raw.pb", np.arange(24, dtype=np.float32).reshape(2, 3, 4) * np.float32(0.5) - np.float32(3))
raw("int64_raw.pb", np.array([[-5, 7], [2**40, -(2**40)]], dtype=np.int64))
raw("int8_raw.pb", np.array([-128, -7, 0, 9, 127], dtype=np.int8))
raw("uint64_raw.pb", np.array([0, 1, 2**64 - 1], dtype=np.uint64))
raw("double_raw.pb", np.array([[1.5, -2.25], [1e-300, 7.0]], dtype=np.float64))
raw("bool_raw.pb", np.array([[True, False], [False, True]], dtype=np.bool_))
raw("float16_raw.pb", np.array([0.5, -1.0, 2.0, 60000.0, -0.0], dtype=np.float16))
raw("scalar_raw.pb", np.array(7, dtype=np.int64))
raw("empty_raw.pb", np.zeros((2, 0, 3), dtype=np.float32))

# --- encodings the Python serializer never emits ---
# Unpacked int64_data and packed dims, plus unknown fields of every wire type and a doc_string.
payload = b""
payload += ld(1, varint(2) + varint(2))  # dims packed: [2, 2]
payload += tag(2, 0) + varint(TensorProto.INT64)
for v in [5, -6, 2**50, -(2**33)]:
    payload += tag(7, 0) + varint(v)  # int64_data unpacked
payload += ld(8, b"int64_unpacked")
payload += tag(100, 0) + varint(123456789)  # unknown varint
payload += tag(101, 1) + b"\x01" * 8  # unknown fixed64
payload += ld(102, b"unknown bytes")  # unknown length-delimited
payload += tag(103, 5) + b"\x02" * 4  # unknown fixed32
payload += tag(104, 3) + tag(1, 0) + varint(9) + ld(2, b"x") + tag(104, 4)  # unknown group
payload += ld(12, b"a doc string")
write("int64_unpacked.pb", payload)
e = tensor_expectation("int64_unpacked", TensorProto.INT64, [2, 2], np.array([5, -6, 2**50, -(2**33)], dtype=np.int64))
check_tensor_roundtrip("int64_unpacked.pb", e)
cases.append(dict(e, file="int64_unpacked.pb"))

# Unpacked float_data (wire type 5 per element), dims unpacked, data_type after the data.
fvals = np.array([1.5, -0.0, 1e10], dtype=np.float32)
payload = tag(1, 0) + varint(3)
for fv in fvals:
    payload += tag(4, 5) + fv.astype("<f4").tobytes()
payload += tag(2, 0) + varint(TensorProto.FLOAT)
payload += ld(8, b"float_unpacked")
write("float_unpacked.pb", payload)
e = tensor_expectation("float_unpacked", TensorProto.FLOAT, [3], fvals)
check_tensor_roundtrip("float_unpacked.pb", e)
cases.append(dict(e, file="float_unpacked.pb"))

# Unpacked double_data (wire type 1) and int32_data split across a packed and an unpacked run.
dvals = np.array([2.5, -7.0], dtype=np.float64)
payload = tag(1, 0) + varint(2) + tag(2, 0) + varint(TensorProto.DOUBLE)
for dv in dvals:
    payload += tag(10, 1) + dv.astype("<f8").tobytes()
payload += ld(8, b"double_unpacked")
write("double_unpacked.pb", payload)
e = tensor_expectation("double_unpacked", TensorProto.DOUBLE, [2], dvals)
check_tensor_roundtrip("double_unpacked.pb", e)
cases.append(dict(e, file="double_unpacked.pb"))

ivals = [-3, 4, 70000, -70000]
payload = tag(1, 0) + varint(4) + tag(2, 0) + varint(TensorProto.INT32)
payload += ld(5, varint(ivals[0]) + varint(ivals[1]))
payload += tag(5, 0) + varint(ivals[2]) + tag(5, 0) + varint(ivals[3])
payload += ld(8, b"int32_mixed")
write("int32_mixed.pb", payload)
e = tensor_expectation("int32_mixed", TensorProto.INT32, [4], np.array(ivals, dtype=np.int32))
check_tensor_roundtrip("int32_mixed.pb", e)
cases.append(dict(e, file="int32_mixed.pb"))

# --- SequenceProto / OptionalProto ---
seq_a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
seq_b = np.array([5, 6, 7], dtype=np.int64)
seq = numpy_helper.from_list([seq_a, seq_b], name="seq_two")
write("sequence_two_tensors.pb", seq.SerializeToString())
cases.append({
    "file": "sequence_two_tensors.pb", "kind": "sequence", "name": "seq_two", "elem_type": SequenceProto.TENSOR,
    "elements": [tensor_expectation("", TensorProto.FLOAT, [2, 2], seq_a), tensor_expectation("", TensorProto.INT64, [3], seq_b)],
})

seq_empty = numpy_helper.from_list([], name="seq_empty", dtype=SequenceProto.TENSOR)
write("sequence_empty.pb", seq_empty.SerializeToString())
cases.append({"file": "sequence_empty.pb", "kind": "sequence", "name": "seq_empty", "elem_type": SequenceProto.TENSOR, "elements": []})

inner1 = np.array([1], dtype=np.int32)
inner2 = np.array([2, 3], dtype=np.int32)
seq_nested = numpy_helper.from_list([[inner1], [inner2, inner1]], name="seq_nested")
write("sequence_nested.pb", seq_nested.SerializeToString())
assert [len(x) for x in numpy_helper.to_list(seq_nested)] == [1, 2]
cases.append({
    "file": "sequence_nested.pb", "kind": "sequence", "name": "seq_nested", "elem_type": SequenceProto.SEQUENCE,
    "elements": [
        {"kind": "sequence", "name": "", "elem_type": SequenceProto.TENSOR,
         "elements": [tensor_expectation("", TensorProto.INT32, [1], inner1)]},
        {"kind": "sequence", "name": "", "elem_type": SequenceProto.TENSOR,
         "elements": [tensor_expectation("", TensorProto.INT32, [2], inner2), tensor_expectation("", TensorProto.INT32, [1], inner1)]},
    ],
})

opt_val = np.array([[7.5, -1.0, 0.25]], dtype=np.float32)
opt = numpy_helper.from_optional(opt_val, name="opt_with")
write("optional_with_value.pb", opt.SerializeToString())
assert np.array_equal(numpy_helper.to_optional(opt), opt_val)
cases.append({
    "file": "optional_with_value.pb", "kind": "optional", "name": "opt_with", "elem_type": OptionalProto.TENSOR,
    "value": tensor_expectation("", TensorProto.FLOAT, [1, 3], opt_val),
})

opt_empty = numpy_helper.from_optional(None, name="opt_empty", dtype=OptionalProto.TENSOR)
write("optional_empty.pb", opt_empty.SerializeToString())
assert not opt_empty.HasField("tensor_value")
cases.append({"file": "optional_empty.pb", "kind": "optional", "name": "opt_empty", "elem_type": OptionalProto.TENSOR, "value": None})

opt_undef = numpy_helper.from_optional(None)
write("optional_empty_undefined.pb", opt_undef.SerializeToString())
cases.append({"file": "optional_empty_undefined.pb", "kind": "optional", "name": "", "elem_type": OptionalProto.UNDEFINED, "value": None})

opt_seq = numpy_helper.from_optional([seq_b, seq_b * 2], name="opt_seq")
write("optional_sequence.pb", opt_seq.SerializeToString())
cases.append({
    "file": "optional_sequence.pb", "kind": "optional", "name": "opt_seq", "elem_type": OptionalProto.SEQUENCE,
    "value": {"kind": "sequence", "name": "", "elem_type": SequenceProto.TENSOR,
              "elements": [tensor_expectation("", TensorProto.INT64, [3], seq_b), tensor_expectation("", TensorProto.INT64, [3], seq_b * 2)]},
})

# --- files the reader must reject (InvalidDataException whose message contains the given text) ---
errors = []

ext = helper.make_tensor("external", TensorProto.FLOAT, [2], [0.0, 0.0], raw=False)
del ext.float_data[:]
ext.data_location = TensorProto.EXTERNAL
for key, value in (("location", "weights.bin"), ("offset", "0"), ("length", "8")):
    entry = ext.external_data.add()
    entry.key = key
    entry.value = value
write("error_external_data.pb", ext.SerializeToString())
errors.append({"file": "error_external_data.pb", "kind": "tensor", "message_contains": "external"})

ext_loc_only = TensorProto(name="external_location_only", data_type=TensorProto.FLOAT, dims=[1], data_location=TensorProto.EXTERNAL)
write("error_data_location_external.pb", ext_loc_only.SerializeToString())
errors.append({"file": "error_data_location_external.pb", "kind": "tensor", "message_contains": "EXTERNAL"})

seg = helper.make_tensor("segmented", TensorProto.FLOAT, [2], [1.0, 2.0], raw=False)
seg.segment.begin = 0
seg.segment.end = 2
write("error_segment.pb", seg.SerializeToString())
errors.append({"file": "error_segment.pb", "kind": "tensor", "message_contains": "segment"})

bad_raw = numpy_helper.from_array(np.zeros((2, 3), dtype=np.float32), "raw_too_short")
del bad_raw.dims[:]
bad_raw.dims.extend([2, 4])
write("error_raw_length.pb", bad_raw.SerializeToString())
errors.append({"file": "error_raw_length.pb", "kind": "tensor", "message_contains": "raw_data is 24 byte(s)"})

bad_typed = helper.make_tensor("typed_too_long", TensorProto.INT64, [2], [1, 2], raw=False)
bad_typed.int64_data.append(3)
write("error_typed_count.pb", bad_typed.SerializeToString())
errors.append({"file": "error_typed_count.pb", "kind": "tensor", "message_contains": "int64_data has 3 value(s)"})

wrong_field = helper.make_tensor("wrong_field", TensorProto.FLOAT, [2], [1, 2], raw=False)
del wrong_field.float_data[:]
wrong_field.int64_data.extend([1, 2])
write("error_wrong_field.pb", wrong_field.SerializeToString())
errors.append({"file": "error_wrong_field.pb", "kind": "tensor", "message_contains": "int64_data"})

no_type = TensorProto(name="no_type", dims=[1], float_data=[1.0])
write("error_no_data_type.pb", no_type.SerializeToString())
errors.append({"file": "error_no_data_type.pb", "kind": "tensor", "message_contains": "data_type"})

missing_data = TensorProto(name="missing_data", dims=[3], data_type=TensorProto.FLOAT)
write("error_missing_data.pb", missing_data.SerializeToString())
errors.append({"file": "error_missing_data.pb", "kind": "tensor", "message_contains": "float_data has 0 value(s)"})

map_seq = SequenceProto(name="seq_of_maps", elem_type=SequenceProto.MAP)
map_entry = map_seq.map_values.add()
map_entry.key_type = TensorProto.INT64
map_entry.keys.append(1)
map_entry.values.CopyFrom(numpy_helper.from_list([np.array([1.0], dtype=np.float32)]))
write("error_sequence_of_maps.pb", map_seq.SerializeToString())
errors.append({"file": "error_sequence_of_maps.pb", "kind": "sequence", "message_contains": "map_values"})

# --- real conformance files (only checked when libonnx-testdata is installed) ---
real = []
if os.path.isdir(TESTDATA_ROOT):
    for rel in REAL_FILES:
        t = onnx.load_tensor(os.path.join(TESTDATA_ROOT, rel))
        entry = {"path": rel, "kind": "tensor", "name": t.name, "data_type": t.data_type, "dims": list(t.dims),
                 "raw_data": t.HasField("raw_data")}
        if t.data_type == TensorProto.STRING:
            entry["strings_hex"] = [v.hex() for v in t.string_data]
        else:
            entry["data_sha256"] = hashlib.sha256(bytes.fromhex(le_hex(numpy_helper.to_array(t)))).hexdigest()
        real.append(entry)
    for rel in REAL_SEQUENCE_FILES:
        s = SequenceProto()
        with open(os.path.join(TESTDATA_ROOT, rel), "rb") as f:
            s.ParseFromString(f.read())
        real.append({"path": rel, "kind": "sequence", "name": s.name, "elem_type": s.elem_type,
                     "element_dims": [list(t.dims) for t in s.tensor_values],
                     "element_data_types": [t.data_type for t in s.tensor_values]})
    for rel in REAL_OPTIONAL_FILES:
        o = OptionalProto()
        with open(os.path.join(TESTDATA_ROOT, rel), "rb") as f:
            o.ParseFromString(f.read())
        has = o.HasField("tensor_value") or o.HasField("sequence_value") or o.HasField("optional_value")
        real.append({"path": rel, "kind": "optional", "name": o.name, "elem_type": o.elem_type, "has_value": has})

expected = {
    "generator": "make_tensorprotos.py (onnx %s, numpy %s)" % (onnx.__version__, np.__version__),
    "cases": cases,
    "errors": errors,
    "libonnx_testdata_root": TESTDATA_ROOT,
    "libonnx_testdata": real,
}
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
print("wrote %d cases, %d error files, %d real-file expectations" % (len(cases), len(errors), len(real)))
