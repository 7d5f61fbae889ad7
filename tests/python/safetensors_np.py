"""A reference safetensors reader and writer that uses only numpy, json and struct.

The real `safetensors` Python package cannot be installed where these tests run (PyPI is not
reachable), so this module follows the published format specification exactly
(https://github.com/huggingface/safetensors, "Format"):

  * 8 bytes: N, an unsigned little-endian 64-bit integer, the size of the header;
  * N bytes: a UTF-8 JSON object {name: {"dtype": str, "shape": [int], "data_offsets": [begin, end]}},
    with an optional "__metadata__" entry mapping str to str; the header may be padded with spaces;
  * the rest of the file: the byte buffer; offsets are relative to its start, little-endian,
    C order, and the tensors must cover it exactly with no holes or overlaps.

Like the Rust implementation, the writer orders data by dtype (larger alignment first), then name,
and pads the header with spaces to a multiple of 8 bytes. The header keys are written in a
different (insertion) order from the data on purpose, so readers cannot assume the two agree.

Usage (for the .NET tests):
  python3 safetensors_np.py write-fixture OUT   write a fixed set of tensors (see fixture())
  python3 safetensors_np.py dump IN             validate IN and print its content as JSON
"""
import json
import struct
import sys

import numpy as np

# Element sizes and numpy types. numpy has no bfloat16, so BF16 travels as its raw uint16 bits.
DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
MAX_HEADER = 100_000_000


def save(path, tensors, metadata=None):
    """tensors: {name: (dtype_string, ndarray)}; metadata: {str: str} or None."""
    order = sorted(tensors, key=lambda n: (-DTYPES[tensors[n][0]].itemsize, n))
    offsets, blobs, pos = {}, [], 0
    for name in order:
        dtype, array = tensors[name]
        data = np.ascontiguousarray(array, dtype=DTYPES[dtype]).tobytes()
        offsets[name] = (pos, pos + len(data))
        blobs.append(data)
        pos += len(data)
    header = {}
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in tensors:  # insertion order, not data order
        dtype, array = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(np.shape(array)), "data_offsets": list(offsets[name])}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load(path):
    """Returns ({name: (dtype_string, ndarray)}, metadata) and raises ValueError on any spec violation."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError("file shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER or 8 + n > len(raw):
        raise ValueError(f"header length {n} is invalid for a {len(raw)}-byte file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("__metadata__ must map strings to strings")
    buffer = raw[8 + n:]
    spans, tensors = [], {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        numel = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end < begin or end - begin != numel * DTYPES[dtype].itemsize:
            raise ValueError(f"tensor {name}: offsets {begin},{end} do not match shape {shape} of {dtype}")
        spans.append((begin, end, name))
        tensors[name] = (dtype, np.frombuffer(buffer[begin:end], dtype=DTYPES[dtype]).reshape(shape))
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            raise ValueError(f"tensor {name}: data starts at {begin}, expected {pos} (hole or overlap)")
        pos = end
    if pos != len(buffer):
        raise ValueError(f"tensors cover {pos} bytes but the buffer has {len(buffer)}")
    return tensors, metadata


def fixture():
    """Deterministic tensors the .NET test recomputes independently."""
    return {
        "weight": ("F32", (np.arange(6, dtype=np.float32) * 0.5 - 1).reshape(2, 3)),
        "bias": ("F64", np.array([1.0 / 3, -2.5e-300], dtype=np.float64)),
        "half": ("F16", np.array([0.5, -2.0, 65504.0], dtype=np.float16)),
        "bf16": ("BF16", np.array([0x3F80, 0xC000], dtype=np.uint16)),  # bits of 1.0 and -2.0
        "steps": ("I64", np.array([[-(2 ** 40)], [7]], dtype=np.int64)),
        "idx": ("I32", np.array([-1, 0, 2 ** 31 - 1], dtype=np.int32)),
        "short": ("I16", np.array([-32768, 12345], dtype=np.int16)),
        "tiny": ("I8", np.array([-128, 127], dtype=np.int8)),
        "pixels": ("U8", np.arange(8, dtype=np.uint8).reshape(2, 2, 2) * 30),
        "mask": ("BOOL", np.array([True, False, True])),
        "scalar": ("F32", np.array(42.0, dtype=np.float32)),
        "empty": ("F32", np.zeros((0, 4), dtype=np.float32)),
    }


def dump(path):
    tensors, metadata = load(path)
    out = {"metadata": metadata, "tensors": {}}
    for name, (dtype, array) in tensors.items():
        out["tensors"][name] = {"dtype": dtype, "shape": list(array.shape), "values": array.ravel().tolist()}
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write-fixture", "dump"):
        sys.exit(__doc__)
    if sys.argv[1] == "write-fixture":
        save(sys.argv[2], fixture(), {"format": "pt", "producer": "safetensors_np.py"})
    else:
        dump(sys.argv[2])
