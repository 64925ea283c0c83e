#!/usr/bin/env python3
"""Writes Tests/ReproRunsTests/Vectors/safetensors/*.safetensors and safetensors.json: files written
by Hugging Face's `safetensors` package (`pip install safetensors numpy`), which ReproRuns'
SafeTensorsFile must reproduce byte for byte, and a manifest that lists each file's tensors
(name, dtype, shape, data as hex) and metadata, so the Swift tests can rebuild them without Python.

Files whose dtypes numpy has are written with `safetensors.numpy.save_file`; the others (BF16,
the F8 types, and C64 through the raw API) with `safetensors.serialize_file` and `TensorSpec`.
Every case has at most one metadata key: Python writes metadata in hash-map order, which changes
from run to run, so only such files have one correct byte sequence (ReproRuns sorts the keys).

The values are fixed or come from numpy's PCG64 with fixed seeds, so running the script again
writes the same bytes for the same safetensors version (the manifest records the version used).
The script checks that `safetensors.deserialize` reads every file back to the manifest's contents.
"""
import ctypes
import hashlib
import json
import pathlib

import numpy as np
import safetensors
from safetensors import TensorSpec, deserialize, serialize_file
from safetensors.numpy import save_file

ROOT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "ReproRunsTests" / "Vectors"
OUT = ROOT / "safetensors"

DTYPE_NAMES = {np.float64: "F64", np.float32: "F32", np.float16: "F16", np.int64: "I64", np.uint64: "U64",
               np.int32: "I32", np.uint32: "U32", np.int16: "I16", np.uint16: "U16", np.int8: "I8",
               np.uint8: "U8", np.bool_: "BOOL", np.complex64: "C64"}


def float32_bits(bits):
    return np.array(bits, dtype=np.uint32).view(np.float32)


def float64_bits(bits):
    return np.array(bits, dtype=np.uint64).view(np.float64)


def numpy_cases():
    rng = np.random.Generator(np.random.PCG64(20240611))
    yield "single_f32", {"weight": np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 42.0]], dtype=np.float32)}, None
    yield "mixed_dtypes", {
        "b.f32": np.array([1.5, -2.0, 3.25], dtype=np.float32),
        "a.u8": np.array([0, 1, 127, 255], dtype=np.uint8),
        "c.f64": np.array([np.pi, -np.e], dtype=np.float64),
        "z.i64": np.array([-(2 ** 63), 2 ** 63 - 1], dtype=np.int64),
        "y.i32": np.array([[-1, 2], [2 ** 31 - 1, -(2 ** 31)]], dtype=np.int32),
        "x.i16": np.array([-32768, 32767, 5], dtype=np.int16),
        "w.u16": np.array([65535, 1], dtype=np.uint16),
        "v.i8": np.array([-128, 127, 0], dtype=np.int8),
        "u.u32": np.array([4294967295, 7], dtype=np.uint32),
        "t.u64": np.array([2 ** 64 - 1], dtype=np.uint64),
        "s.f16": np.array([1.0, -0.5, 65504.0], dtype=np.float16),
        "r.bool": np.array([True, False, True], dtype=np.bool_),
    }, {"format": "np"}
    yield "shapes", {
        "scalar": np.array(2.5, dtype=np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "ones": np.full((1, 1, 1, 1), 7.0, dtype=np.float64),
        "empty_i64": np.zeros((0,), dtype=np.int64),
        "after_empty": np.array([1, 2, 3], dtype=np.float32),
    }, None
    yield "special_floats", {
        "f32": float32_bits([0x7FC00000, 0xFFC00001, 0x7F800001, 0x7F800000, 0xFF800000, 0x80000000,
                             0x00000001, 0x7F7FFFFF, 0x3EAAAAAB]),
        "f64": float64_bits([0x7FF8000000000000, 0xFFF8000000000123, 0x7FF0000000000000, 0xFFF0000000000000,
                             0x8000000000000000, 0x0000000000000001, 0x7FEFFFFFFFFFFFFF]),
    }, None
    yield "names", {
        'quote"back\\slash': np.array([1], dtype=np.uint8),
        "tab\there": np.array([2], dtype=np.uint8),
        "new\nline\r": np.array([3], dtype=np.uint8),
        "ctl\x01\x08\x0c\x1f\x7f": np.array([4], dtype=np.uint8),
        "slash/ok": np.array([5], dtype=np.uint8),
        "caf\u00e9": np.array([6], dtype=np.uint8),
        "\u20ac\U0001F600": np.array([7], dtype=np.uint8),
        "": np.array([8], dtype=np.uint8),
    }, {"note\n\u00e9": 'quote" and \\ and \u20ac'}
    yield "empty", {}, None
    yield "model_like", {
        "layers.0.weight": rng.standard_normal((4, 3), dtype=np.float32),
        "layers.0.bias": rng.standard_normal(4, dtype=np.float32),
        "layers.1.weight": rng.standard_normal((2, 4), dtype=np.float32),
        "layers.1.bias": rng.standard_normal(2, dtype=np.float32),
        "optimizer.step": np.array(120, dtype=np.int64),
        "optimizer.momentum.layers.0.weight": rng.standard_normal((4, 3)).astype(np.float64),
    }, {"format": "repro"}


def raw_case():
    """Dtypes numpy lacks, as raw bytes, through the package's own raw serializer."""
    return "raw_dtypes", {
        "bf16": ("BF16", [3], bytes([0x80, 0x3F, 0x00, 0xC0, 0xC0, 0x7F])),
        "e5m2": ("F8_E5M2", [2], bytes([0x3C, 0xBC])),
        "e4m3": ("F8_E4M3", [2], bytes([0x38, 0x7F])),
        "e8m0": ("F8_E8M0", [1], bytes([0x7F])),
        "e4m3fnuz": ("F8_E4M3FNUZ", [1], bytes([0x40])),
        "e5m2fnuz": ("F8_E5M2FNUZ", [1], bytes([0x40])),
        "c64": ("C64", [1], np.array([1 + 2j], dtype=np.complex64).tobytes()),
        "f32": ("F32", [1], np.array([1.0], dtype=np.float32).tobytes()),
    }, {"format": "raw"}


TORCH_DTYPE = {"BF16": "bfloat16", "F8_E5M2": "float8_e5m2", "F8_E4M3": "float8_e4m3fn", "F8_E8M0": "float8_e8m0fnu",
               "F8_E4M3FNUZ": "float8_e4m3fnuz", "F8_E5M2FNUZ": "float8_e5m2fnuz", "C64": "complex64", "F32": "float32"}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for name, tensors, metadata in numpy_cases():
        path = OUT / f"{name}.safetensors"
        save_file(tensors, str(path), metadata=metadata)
        entries = [{"name": key, "dtype": DTYPE_NAMES[value.dtype.type], "shape": list(value.shape),
                    "data": value.astype(value.dtype.newbyteorder("<")).tobytes().hex()}
                   for key, value in tensors.items()]
        cases.append((name, path, entries, metadata))

    name, raw, metadata = raw_case()
    buffers = {key: ctypes.create_string_buffer(data, len(data) or 1) for key, (_, _, data) in raw.items()}
    specs = {key: TensorSpec(dtype=TORCH_DTYPE[dtype], shape=shape, data_ptr=ctypes.addressof(buffers[key]),
                             data_len=len(data)) for key, (dtype, shape, data) in raw.items()}
    path = OUT / f"{name}.safetensors"
    serialize_file(specs, str(path), metadata=metadata)
    cases.append((name, path, [{"name": key, "dtype": dtype, "shape": shape, "data": data.hex()}
                               for key, (dtype, shape, data) in raw.items()], metadata))

    manifest = []
    for name, path, entries, metadata in cases:
        content = path.read_bytes()
        loaded = {key: value for key, value in deserialize(content)}
        assert sorted(loaded) == sorted(e["name"] for e in entries), name
        for entry in entries:
            got = loaded[entry["name"]]
            assert got["dtype"] == entry["dtype"] and list(got["shape"]) == entry["shape"], (name, entry["name"])
            assert bytes(got["data"]).hex() == entry["data"], (name, entry["name"])
        manifest.append({"name": name, "file": path.name, "length": len(content),
                         "sha256": hashlib.sha256(content).hexdigest(),
                         "metadata": metadata or {}, "tensors": entries})
    document = {"generator": "scripts/reference_safetensors.py", "safetensors": safetensors.__version__,
                "numpy": np.__version__, "cases": manifest}
    (ROOT / "safetensors.json").write_text(json.dumps(document, indent=1, ensure_ascii=True) + "\n")
    print(f"wrote {len(manifest)} files to {OUT} with safetensors {safetensors.__version__}")


if __name__ == "__main__":
    main()
