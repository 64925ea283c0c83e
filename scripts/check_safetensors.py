#!/usr/bin/env python3
"""Proves that a safetensors file written by Repro is readable by Python's `safetensors`.

    python3 scripts/check_safetensors.py FILE... [--expect EXPECTED.txt] [--require-package] [--spec-reader]

For each FILE it loads the file with `safetensors.deserialize` (the package's own reader) and prints
one line per metadata entry and one per tensor, sorted by name:

    file swift_written.safetensors
    metadata "format" "repro"
    tensor "layers.0.weight" F32 [4, 3] 48 bytes sha256=…

Names and metadata are printed as JSON strings. When the file has at most one metadata entry it also
re-serializes the loaded tensors with the package (`safetensors.serialize`) and checks that the bytes
are the file's own — Repro's writer promises Python's bytes exactly (with more entries Python's
metadata order is not deterministic, so only the contents are compared).

With --expect, the printed text (without the `file` lines) must equal EXPECTED.txt, else the exit
status is 1. `swift test --filter SafeTensorsPythonCheckTests` writes such a pair into
$REPRO_SAFETENSORS_CHECK_DIR (default: $TMPDIR or /tmp, then repro-safetensors-check/):

    python3 scripts/check_safetensors.py /tmp/repro-safetensors-check/swift_written.safetensors \\
        --expect /tmp/repro-safetensors-check/swift_written.expected.txt --require-package

Without the package (`pip install safetensors`) the script falls back to a small reader written from
the format's specification and says so on standard error; --require-package makes that an error
(exit 2), --spec-reader forces the fallback. Exit status: 0 all good, 1 a check failed, 2 bad usage
or an unreadable file.
"""
import argparse
import ctypes
import hashlib
import json
import struct
import sys

DTYPE_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "F8_E4M3FNUZ": 1,
               "F8_E5M2FNUZ": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4,
               "C64": 8, "F64": 8, "I64": 8, "U64": 8}
SPEC_NAMES = {"BOOL": "bool", "U8": "uint8", "I8": "int8", "F8_E5M2": "float8_e5m2", "F8_E4M3": "float8_e4m3fn",
              "F8_E8M0": "float8_e8m0fnu", "F8_E4M3FNUZ": "float8_e4m3fnuz", "F8_E5M2FNUZ": "float8_e5m2fnuz",
              "I16": "int16", "U16": "uint16", "F16": "float16", "BF16": "bfloat16", "I32": "int32", "U32": "uint32",
              "F32": "float32", "C64": "complex64", "F64": "float64", "I64": "int64", "U64": "uint64"}


def spec_read(content):
    """(metadata, {name: (dtype, shape, bytes)}) by the format's specification; ValueError when malformed."""
    if len(content) < 8:
        raise ValueError("shorter than the 8-byte header length")
    (length,) = struct.unpack("<Q", content[:8])
    if 8 + length > len(content):
        raise ValueError(f"header length {length} beyond the end of the file")

    def no_duplicates(pairs):
        keys = [key for key, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("a key appears twice")
        return dict(pairs)

    header = json.loads(content[8:8 + length].decode("utf-8"), object_pairs_hook=no_duplicates)
    metadata = header.pop("__metadata__", None) or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("metadata values must be strings")
    buffer = content[8 + length:]
    tensors, spans = {}, []
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        count = 1
        for dimension in shape:
            count *= dimension
        if count * DTYPE_SIZES[dtype] != end - begin or not 0 <= begin <= end <= len(buffer):
            raise ValueError(f"tensor {name!r}: shape and data_offsets disagree")
        tensors[name] = (dtype, list(shape), bytes(buffer[begin:end]))
        spans.append((begin, end))
    covered = 0
    for begin, end in sorted(spans):
        if begin != covered:
            raise ValueError("data_offsets leave a gap or overlap")
        covered = end
    if covered != len(buffer):
        raise ValueError("data buffer not fully covered")
    return metadata, tensors


def package_read(content):
    from safetensors import deserialize
    import safetensors
    tensors = {name: (info["dtype"], list(info["shape"]), bytes(info["data"])) for name, info in deserialize(content)}
    (length,) = struct.unpack("<Q", content[:8])
    metadata = json.loads(content[8:8 + length]).get("__metadata__") or {}
    return metadata, tensors


def package_serialize(metadata, tensors):
    from safetensors import TensorSpec, serialize
    buffers = {name: ctypes.create_string_buffer(data, len(data) or 1) for name, (_, _, data) in tensors.items()}
    specs = {name: TensorSpec(dtype=SPEC_NAMES[dtype], shape=shape, data_ptr=ctypes.addressof(buffers[name]),
                              data_len=len(data)) for name, (dtype, shape, data) in tensors.items()}
    return bytes(serialize(specs, metadata or None))


def describe(metadata, tensors):
    lines = [f"metadata {json.dumps(key)} {json.dumps(value)}" for key, value in sorted(metadata.items())]
    for name in sorted(tensors):
        dtype, shape, data = tensors[name]
        lines.append(f"tensor {json.dumps(name)} {dtype} {shape} {len(data)} bytes "
                     f"sha256={hashlib.sha256(data).hexdigest()}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--expect", help="text the output (without 'file' lines) must equal")
    parser.add_argument("--require-package", action="store_true", help="fail when safetensors is not installed")
    parser.add_argument("--spec-reader", action="store_true", help="use the specification reader, not the package")
    args = parser.parse_args()

    use_package = not args.spec_reader
    if use_package:
        try:
            import safetensors
            print(f"# reading with safetensors {safetensors.__version__}", file=sys.stderr)
        except ImportError:
            if args.require_package:
                print("error: the safetensors package is not installed (pip install safetensors)", file=sys.stderr)
                return 2
            print("# safetensors is not installed: reading with the specification reader", file=sys.stderr)
            use_package = False

    failed = False
    described = []
    for path in args.files:
        try:
            with open(path, "rb") as handle:
                content = handle.read()
            metadata, tensors = (package_read if use_package else spec_read)(content)
        except Exception as error:  # the package raises its own SafetensorError
            print(f"error: {path}: cannot be read: {error}", file=sys.stderr)
            return 2
        print(f"file {path}")
        lines = describe(metadata, tensors)
        print("\n".join(lines))
        described += lines
        if use_package and len(metadata) <= 1:
            same = package_serialize(metadata, tensors) == content
            print(f"# {path}: python re-serialization gives {'the same' if same else 'DIFFERENT'} bytes",
                  file=sys.stderr)
            failed |= not same
    if args.expect:
        with open(args.expect, encoding="utf-8") as handle:
            expected = handle.read().splitlines()
        if expected != described:
            print("error: the output differs from --expect:", file=sys.stderr)
            for line in expected:
                if line not in described:
                    print(f"  expected: {line}", file=sys.stderr)
            for line in described:
                if line not in expected:
                    print(f"  got:      {line}", file=sys.stderr)
            failed = True
        else:
            print(f"# output equals {args.expect}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
