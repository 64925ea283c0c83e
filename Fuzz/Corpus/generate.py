#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus, Fuzz/Corpus/<target>/, from scratch.

    python3 Fuzz/Corpus/generate.py PATH/TO/repro

Small valid inputs for each target, plus a few that exercise an option or a corner of the format.
The run files (checkpoints, model.safetensors, metrics.csv, eval.csv, manifest.json, run.json) are
written by two short `repro train` runs (the binary given); the rest is built here with the standard
library only. gzip output is made reproducible (mtime 0, no file name). Files already there are
replaced; commit the result.
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    directory = os.path.join(HERE, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def gz(data, level=9):
    return gzip.compress(data, compresslevel=level, mtime=0)


def gzip_with_header_fields(data):
    """One gzip member with FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT set (RFC 1952 §2.3)."""
    header = bytes([0x1F, 0x8B, 8, 0x1F]) + struct.pack("<I", 0) + bytes([0, 3])
    header += struct.pack("<H", 4) + b"AB\x00\x00" + b"data.csv\x00" + b"a comment\x00"
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def idx(type_byte, shape, values):
    formats = {0x08: "B", 0x09: "b", 0x0B: "h", 0x0C: "i", 0x0D: "f", 0x0E: "d"}
    return (bytes([0, 0, type_byte, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape)
            + struct.pack(">%d%s" % (len(values), formats[type_byte]), *values))


def idx_pair(mode, images, labels):
    """The fuzz-idx dataset input: mode byte, images length (big-endian u16), images, labels."""
    return bytes([mode]) + struct.pack(">H", len(images)) + images + labels


def safetensors(tensors, metadata=None):
    """A safetensors file laid out as Repro and Python write it: tensors as (name, dtype, shape, bytes)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def csv_seeds():
    plain = b"1.5,2,0\n-3e-2,.5,1\n7.,+4,2\n"
    write("fuzz-csv", "plain.csv", b"\x00" + plain)
    write("fuzz-csv", "header.csv", b"\x10" + b"x,y,label\n1,2,3\n4,5,6\n")
    write("fuzz-csv", "bom-crlf-first.csv", b"\x01" + b"\xef\xbb\xbf0,1.0,2.5\r\n1,\t+4 ,7.\r\n\n  \n")
    write("fuzz-csv", "index1-auto-header.csv", b"\x06" + b"a,label,b\n1,0,2\n3,1,4e-3\n")
    write("fuzz-csv", "absent-classes10.csv", b"\xa0" + b"0.25,9\n1e-45,3.0\n")
    write("fuzz-csv", "small.csv.gz", b"\x80" + gz(plain))
    rows = b"".join(b"%d.%03d,%d,%de-%d,%d\n" % (i, i * 37 % 1000, i * i, i % 7, i % 3, i % 10) for i in range(60))
    write("fuzz-csv", "dynamic.csv.gz", b"\x00" + gz(rows))


def idx_seeds():
    write("fuzz-idx", "u8.idx", b"\x00" + idx(0x08, [2, 3], [0, 1, 2, 253, 254, 255]))
    write("fuzz-idx", "i8.idx", b"\x00" + idx(0x09, [2, 2], [-128, -1, 0, 127]))
    write("fuzz-idx", "i16.idx", b"\x00" + idx(0x0B, [3], [-32768, 1, 32767]))
    write("fuzz-idx", "i32.idx", b"\x00" + idx(0x0C, [2], [-(2**31), 2**31 - 1]))
    write("fuzz-idx", "f32.idx", b"\x00" + idx(0x0D, [2, 1], [0.5, -1e30]))
    write("fuzz-idx", "f64.idx", b"\x00" + idx(0x0E, [2], [1e300, -0.0]))
    write("fuzz-idx", "u8.idx.gz", b"\x00" + gz(idx(0x08, [1, 2, 2], [9, 8, 7, 6])))
    write("fuzz-idx", "dataset-u8.pair", idx_pair(0x01, idx(0x08, [2, 2, 2], list(range(8))), idx(0x08, [2], [0, 1])))
    write("fuzz-idx", "dataset-f32-classes10.pair",
          idx_pair(0x05, idx(0x0D, [3, 2], [0, 1, 2, 3, 4, 5]), idx(0x0D, [3], [0, 9, 2])))
    write("fuzz-idx", "dataset-gz-f64.pair",
          idx_pair(0x01, gz(idx(0x0B, [2, 1], [-7, 300])), idx(0x0E, [2], [1, 0])))


def gzip_seeds():
    text = b"step,loss\n" + b"".join(b"%d,%f\n" % (i, 1 / (i + 1)) for i in range(40))
    write("fuzz-gzip", "fixed.gz", gz(b"hello, hello, hello\n"))
    write("fuzz-gzip", "dynamic.gz", gz(text))
    write("fuzz-gzip", "stored.gz", gz(b"stored block data", level=0))
    write("fuzz-gzip", "empty.gz", gz(b""))
    write("fuzz-gzip", "header-fields.gz", gzip_with_header_fields(b"1,2,3\n4,5,6\n"))
    write("fuzz-gzip", "two-members.gz", gz(b"first member\n") + gz(b"second\n", level=1))


def run_seeds(repro):
    scratch = tempfile.mkdtemp(prefix="repro-corpus-")
    try:
        sgd, adam = os.path.join(scratch, "sgd"), os.path.join(scratch, "adam")
        common = ["--quiet", "--max-steps", "4", "--checkpoint-every", "3"]
        subprocess.run([repro, "train", "--seed", "42", "--hidden", "2", "--out", sgd] + common, check=True)
        subprocess.run([repro, "train", "--seed", "7", "--hidden", "1", "--optimizer", "adam", "--out", adam] + common,
                       check=True)

        def read(*path):
            with open(os.path.join(*path), "rb") as f:
                return f.read()

        for name, run in [("sgd", sgd), ("adam", adam)]:
            checkpoint = read(run, "checkpoints", "step-00000003.safetensors")
            write("fuzz-checkpoint", "%s-step-3.safetensors" % name, checkpoint)
        write("fuzz-safetensors", "model.safetensors", read(sgd, "model.safetensors"))
        write("fuzz-safetensors", "checkpoint-adam.safetensors", read(adam, "checkpoints", "step-00000003.safetensors"))
        write("fuzz-runfiles", "metrics.csv", read(sgd, "metrics.csv"))
        write("fuzz-runfiles", "eval.csv", read(sgd, "eval.csv"))
        write("fuzz-runfiles", "manifest.json", read(sgd, "manifest.json"))
        write("fuzz-runfiles", "run.json", read(adam, "run.json"))
        header = read(sgd, "checkpoints", "step-00000003.safetensors")
        length = struct.unpack("<Q", header[:8])[0]
        loader = json.loads(json.loads(header[8:8 + length])["__metadata__"]["repro"])["loader"]
        write("fuzz-runfiles", "loader-state.json", json.dumps(loader, sort_keys=True).encode())
    finally:
        shutil.rmtree(scratch)
    write("fuzz-runfiles", "metrics-nonfinite.csv", b"step,loss,lr\n0,nan,0.1\n2,inf,1e-05\n10,-inf,2.5e+20\n")


def safetensors_seeds():
    tensors = [
        ("b", "F64", [2], struct.pack("<2d", 1.5, -0.0)),
        ("a", "F32", [2, 2], struct.pack("<4f", 0, 1, float("nan"), float("inf"))),
        ("i", "I64", [1], struct.pack("<q", -5)),
        ("j", "I32", [], struct.pack("<i", 7)),
        ("h", "I16", [1], struct.pack("<h", -2)),
        ("u", "U16", [1], struct.pack("<H", 65535)),
        ("w", "U32", [1], struct.pack("<I", 1)),
        ("x", "U64", [1], struct.pack("<Q", 2)),
        ("c", "I8", [2], b"\x80\x7f"),
        ("e", "U8", [0, 3], b""),
        ("f", "BF16", [1], b"\x80\x3f"),
        ("g", "BOOL", [2], b"\x00\x01"),
    ]
    write("fuzz-safetensors", "every-dtype.safetensors", safetensors(tensors, {"k\u00e9y": "v\"\\\n"}))
    write("fuzz-safetensors", "empty.safetensors", safetensors([]))
    write("fuzz-safetensors", "escaped-name.safetensors",
          safetensors([("\u00e9\U0001F600\t", "F16", [1], b"\x00\x3c")], {"repro": "{}"}))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for target in ["fuzz-csv", "fuzz-idx", "fuzz-gzip", "fuzz-safetensors", "fuzz-checkpoint", "fuzz-runfiles"]:
        shutil.rmtree(os.path.join(HERE, target), ignore_errors=True)
    csv_seeds()
    idx_seeds()
    gzip_seeds()
    safetensors_seeds()
    run_seeds(os.path.abspath(sys.argv[1]))


if __name__ == "__main__":
    main()
