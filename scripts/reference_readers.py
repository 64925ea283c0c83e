#!/usr/bin/env python3
"""Reference vectors for ReproData's CSVReader and IDXReader, from numpy.

Writes small fixtures into Tests/ReproDataTests/Vectors/readers/ and their expected contents into
Tests/ReproDataTests/Vectors/readers.json:
- "arrays": IDX files of every type (u8, i8, i16, i32, f32, f64; 1-D to 3-D), written from numpy
  arrays with astype('>i2') and the like after the IDX header (00 00 type ndim, big-endian UInt32
  sizes); each with its dtype, shape and values (integers as JSON integers, floats as the exact
  float64 of each value);
- "idx": image/label file pairs, with the dataset IDXReader must make: featureShape (the images'
  shape without the first dimension), features as np.float32 (u8 pixels unscaled), labels, and the
  class count (given, or max label + 1);
- "csv": CSV files (header or not, label first / middle / last, LF and CRLF, a UTF-8 BOM, trailing
  blank lines, no final newline, spaces and tabs around fields), read by
  np.loadtxt(path, delimiter=",", skiprows=header, encoding="utf-8-sig", ndmin=2); features are
  the float64 values cast to np.float32, labels the label column as integers.
A gzip copy of one IDX pair and of one CSV file (gzip.compress with mtime=0) must read the same
as the plain files.

Everything is deterministic (fixed values and np.random.default_rng seeds, gzip mtime 0), so running
the script again writes the same bytes. The script also checks that every CSV feature numpy gives
equals the correctly rounded float32 of the field's decimal text (CSVReader's contract), so that
the float64-then-float32 rounding of numpy cannot differ from it on these files.
"""
import gzip
import json
import struct
from fractions import Fraction
from pathlib import Path

import numpy as np

VECTORS = Path(__file__).resolve().parent.parent / "Tests" / "ReproDataTests" / "Vectors"
OUT = VECTORS / "readers"

IDX_TYPES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}
NAMES = {np.uint8: "u8", np.int8: "i8", np.int16: "i16", np.int32: "i32", np.float32: "f32", np.float64: "f64"}


def idx_bytes(array):
    """The IDX encoding of `array`: magic, big-endian sizes, big-endian values."""
    header = bytes([0, 0, IDX_TYPES[array.dtype.type], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def json_values(array):
    """Integers as ints; floats as the exact float64 of each value (float32 widens exactly)."""
    if array.dtype.kind in "iu":
        return [int(v) for v in array.reshape(-1)]
    return [float(v) for v in array.reshape(-1).astype(np.float64)]


def idx_arrays():
    rng = np.random.default_rng(20240601)
    images_u8 = rng.integers(0, 256, size=(5, 3, 2), dtype=np.uint8)
    images_u8[0, 0, 0], images_u8[4, 2, 1] = 0, 255
    i8 = np.array([[-128, 127, 0], [-1, 1, 64], [5, -5, 100], [-100, 3, -3]], dtype=np.int8)
    i16 = np.array([[[-32768, 32767, 0], [1, -1, 300]], [[-300, 12345, -12345], [2, 4, 8]]], dtype=np.int16)
    i32 = np.array([[-2**31, 2**31 - 1], [16777217, -16777219], [7, 0]], dtype=np.int32)
    f32 = rng.standard_normal((3, 2, 2)).astype(np.float32)
    f32[0, 0, 0], f32[1, 1, 1], f32[2, 0, 1] = -0.0, np.float32(1e-40), np.finfo(np.float32).max
    f64 = np.array([[0.1, 1 / 3, 1e-40], [3.4e38, -2.5, 1e-50]], dtype=np.float64)
    return {
        "images_u8.idx": images_u8,
        "labels_u8.idx": np.array([3, 0, 2, 1, 3], dtype=np.uint8),
        "images_i8.idx": i8,
        "labels_i16.idx": np.array([1, 0, 4, 2], dtype=np.int16),
        "images_i16.idx": i16,
        "labels_i8.idx": np.array([0, 1], dtype=np.int8),
        "images_i32.idx": i32,
        "labels_i32.idx": np.array([2, 2, 0], dtype=np.int32),
        "images_f32.idx": f32,
        "labels_f32.idx": np.array([1.0, 0.0, 5.0], dtype=np.float32),
        "images_f64.idx": f64,
        "labels_f64.idx": np.array([1.0, 1.0], dtype=np.float64),
    }


IDX_PAIRS = [  # images, labels, classCount given
    ("images_u8.idx", "labels_u8.idx", None),
    ("images_u8.idx.gz", "labels_u8.idx.gz", None),
    ("images_u8.idx", "labels_u8.idx.gz", 10),
    ("images_i8.idx", "labels_i16.idx", None),
    ("images_i16.idx", "labels_i8.idx", 3),
    ("images_i32.idx", "labels_i32.idx", None),
    ("images_f32.idx", "labels_f32.idx", None),
    ("images_f64.idx", "labels_f64.idx", None),
]

# name -> (bytes, labelColumn ("first", "last" or a 0-based index), header ("auto", "present", "absent"))
CSV_FILES = {
    "header_last.csv": (b"a,b,c,label\n"
                        b" 1.5,-2, 3e-2 ,0\n"
                        b".5,\t7.,+4,2\n"
                        b"0.1,1e-40,16777217,1.0\n"
                        b"0.1234567890123,-0,3.4028234663852886e38,3e0\n", "last", "auto"),
    "noheader_first.csv": (b"2,0,0.25,255\n"
                           b"0,1,-0.75,128\n"
                           b"1,16,1E2,0\n"
                           b"2,3,2.5e-3,17", "first", "auto"),
    "middle_crlf.csv": (b"x0,x1,y,x2,x3\r\n"
                        b"1,2,1,3,4\r\n"
                        b"5,6,0,7,8\r\n"
                        b"-1,-2,3,-3,-4\r\n"
                        b"\r\n"
                        b"\r\n", 2, "auto"),
    "bom.csv": (b"\xef\xbb\xbf" b"1,2,3\n"
                b"0.5,1.5,1\n"
                b"2.5,3.5,0\n", "last", "present"),
    "blank_tail.csv": (b"10,20,1\n"
                       b"30,40,0\n"
                       b"\n"
                       b"\n", "last", "absent"),
}

CSV_CASES = [  # file, classCount given
    ("header_last.csv", None),
    ("header_last.csv.gz", None),
    ("noheader_first.csv", None),
    ("noheader_first.csv", 5),
    ("middle_crlf.csv", None),
    ("bom.csv", None),
    ("blank_tail.csv", 2),
]


def nearest_float32(text):
    """The float32 nearest the decimal `text`, ties to even, computed exactly with fractions."""
    exact = Fraction(text.strip())
    guess = np.float32(float(exact))
    with np.errstate(over="ignore"):
        neighbours = [np.nextafter(guess, np.float32(np.inf)), np.nextafter(guess, np.float32(-np.inf))]
    candidates = [c for c in [guess, *neighbours] if np.isfinite(c)]
    best = min(candidates, key=lambda c: (abs(Fraction(float(c)) - exact), int(c.view(np.uint32)) & 1))
    return np.float32(-0.0) if best == 0 and text.strip().startswith("-") else best


def label_index(column, width):
    return 0 if column == "first" else width - 1 if column == "last" else column


def check_against_exact_rounding(raw, column, header, features):
    """Every feature numpy gives must be the correctly rounded float32 of its text."""
    lines = [line for line in raw.decode("utf-8-sig").splitlines() if line.strip()]
    rows = [line.split(",") for line in lines[1 if header else 0:]]
    index = label_index(column, len(rows[0]))
    exact = [nearest_float32(field) for row in rows for i, field in enumerate(row) if i != index]
    got = features.reshape(-1)
    if [float(v) for v in exact] != [float(v) for v in got] or any(np.signbit(exact) != np.signbit(got)):
        raise SystemExit(f"numpy's float32 features differ from the correctly rounded ones: {got} vs {exact}")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    arrays = idx_arrays()
    files = {name: idx_bytes(array) for name, array in arrays.items()}
    files["images_u8.idx.gz"] = gzip.compress(files["images_u8.idx"], mtime=0)
    files["labels_u8.idx.gz"] = gzip.compress(files["labels_u8.idx"], mtime=0)
    files.update({name: raw for name, (raw, _, _) in CSV_FILES.items()})
    files["header_last.csv.gz"] = gzip.compress(CSV_FILES["header_last.csv"][0], mtime=0)
    for name, data in files.items():
        (OUT / name).write_bytes(data)

    manifest = {"arrays": [], "idx": [], "csv": []}
    for name, array in arrays.items():
        manifest["arrays"].append({"file": name, "dtype": NAMES[array.dtype.type], "shape": list(array.shape),
                                   "values": json_values(array)})
    for images, labels, class_count in IDX_PAIRS:
        image_array = arrays[images.removesuffix(".gz")]
        label_array = arrays[labels.removesuffix(".gz")]
        label_values = [int(v) for v in label_array]
        manifest["idx"].append({
            "images": images, "labels": labels, "classCount": class_count,
            "featureShape": list(image_array.shape[1:]),
            "features": json_values(image_array.astype(np.float32)),
            "labelValues": label_values,
            "expectedClassCount": class_count if class_count is not None else max(label_values) + 1,
        })
    for name, class_count in CSV_CASES:
        raw, column, header = CSV_FILES[name.removesuffix(".gz")]
        text = raw.decode("utf-8-sig")
        has_header = header == "present" or (header == "auto" and any(c.isalpha() for c in text.splitlines()[0]))
        data = np.loadtxt(OUT / name, delimiter=",", skiprows=1 if has_header else 0, encoding="utf-8-sig", ndmin=2)
        index = label_index(column, data.shape[1])
        labels = data[:, index]
        if not np.array_equal(labels, np.round(labels)) or labels.min() < 0:
            raise SystemExit(f"{name}: labels must be non-negative integers")
        features = np.delete(data, index, axis=1).astype(np.float32)
        check_against_exact_rounding(raw, column, has_header, features)
        label_values = [int(v) for v in labels]
        manifest["csv"].append({
            "file": name, "labelColumn": column, "header": header, "classCount": class_count,
            "featureShape": [features.shape[1]],
            "features": json_values(features),
            "labelValues": label_values,
            "expectedClassCount": class_count if class_count is not None else max(label_values) + 1,
        })
    (VECTORS / "readers.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"wrote {len(files)} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
