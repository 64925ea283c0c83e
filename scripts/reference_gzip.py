#!/usr/bin/env python3
"""Writes Tests/ReproDataTests/Vectors/gzip/*.gz and gzip.json: gzip files made by CPython's gzip and
zlib modules, and the length and sha256 of each one's decompressed payload.

The payloads are deterministic (random.Random with fixed seeds) and every file is written with
mtime 0, so running the script again writes the same bytes for the same zlib. The cases cover
levels 0, 1, 6 and 9, the fixed-Huffman, Huffman-only and RLE strategies, an empty and a 1-byte
payload, repetitive data, back-references at distances near 32 KiB, incompressible bytes, a member
with FNAME set, one with FTEXT, FEXTRA, FNAME, FCOMMENT and FHCRC all set, and two concatenated
members. The script checks that each file decompresses (with gzip.decompress) to its payload.
"""
import gzip
import hashlib
import io
import json
import random
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ReproDataTests" / "Vectors" / "gzip"


def text(seed, size):
    """Word salad of about `size` bytes, lines of 5-12 words."""
    rng = random.Random(seed)
    words = ["tensor", "seed", "gradient", "batch", "epoch", "loss", "reproducible", "bitwise", "kernel",
             "matmul", "dropout", "shuffle", "digits", "the", "a", "of", "and", "is", "42", "0.001"]
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12))) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()


def random_bytes(seed, size):
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(size))


def gzip_with(payload, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    """A gzip member from zlib's raw deflate with the given level and strategy (header with mtime 0)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    body = compressor.compress(payload) + compressor.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\xff"
    return header + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def gzip_all_flags(payload):
    """A member with FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT set (CPython's gzip writes only FNAME)."""
    extra = b"Rp\x04\x00repr"
    header = (b"\x1f\x8b\x08" + bytes([1 | 2 | 4 | 8 | 16]) + struct.pack("<I", 0) + b"\x00\x03"
              + struct.pack("<H", len(extra)) + extra + b"notes.txt\x00" + b"a comment\x00")
    header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(payload) + compressor.flush()
    return header + body + struct.pack("<II", zlib.crc32(payload), len(payload))


def gzip_named(payload, name):
    buffer = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buffer, mtime=0) as file:
        file.write(payload)
    return buffer.getvalue()


def main():
    prose = text(1, 40_000)
    block = random_bytes(2, 32_768)
    far = block + block[:2_000] + block[30_000:32_768]  # back-references at distances 32768 and 2768
    first, second = text(3, 3_000), b"second member\n" * 50
    cases = [
        ("empty", b"", gzip.compress(b"", mtime=0)),
        ("one_byte", b"x", gzip.compress(b"x", mtime=0)),
        ("text_level0", prose, gzip.compress(prose, compresslevel=0, mtime=0)),
        ("text_level1", prose, gzip.compress(prose, compresslevel=1, mtime=0)),
        ("text_level6", prose, gzip.compress(prose, compresslevel=6, mtime=0)),
        ("text_level9", prose, gzip.compress(prose, compresslevel=9, mtime=0)),
        ("text_fixed", prose[:8_000], gzip_with(prose[:8_000], strategy=zlib.Z_FIXED)),
        ("text_huffman_only", prose[:8_000], gzip_with(prose[:8_000], strategy=zlib.Z_HUFFMAN_ONLY)),
        ("text_rle", prose[:8_000], gzip_with(prose[:8_000], strategy=zlib.Z_RLE)),
        ("repetitive", b"ab" * 50_000 + b"\x00" * 100_000, gzip.compress(b"ab" * 50_000 + b"\x00" * 100_000,
                                                                          compresslevel=9, mtime=0)),
        ("far_distance", far, gzip.compress(far, compresslevel=9, mtime=0)),
        ("random", random_bytes(4, 5_000), gzip.compress(random_bytes(4, 5_000), mtime=0)),
        ("named", prose[:2_000], gzip_named(prose[:2_000], "notes.txt")),
        ("all_flags", prose[:1_000], gzip_all_flags(prose[:1_000])),
        ("two_members", first + second, gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0)),
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, payload, compressed in cases:
        if gzip.decompress(compressed) != payload:
            raise SystemExit(f"{name}: gzip.decompress does not give the payload back")
        (OUT / f"{name}.gz").write_bytes(compressed)
        manifest.append({"name": name, "file": f"{name}.gz", "length": len(payload),
                         "sha256": hashlib.sha256(payload).hexdigest()})
    (OUT.parent / "gzip.json").write_text(json.dumps({"zlib": zlib.ZLIB_RUNTIME_VERSION, "cases": manifest},
                                                     indent=1) + "\n")
    total = sum((OUT / entry["file"]).stat().st_size for entry in manifest)
    print(f"wrote {len(manifest)} files, {total} bytes, to {OUT}")


if __name__ == "__main__":
    main()
