#!/usr/bin/env python3
"""Regenerates every reference vector under Tests/*/Vectors.

Runs each scripts/reference_*.py in turn. Needs numpy (2.4 was used) and, for the counter-based
key vectors, JAX (`pip install jax`). `swift test` itself never needs Python: the vectors are
committed, and a diff after regenerating means the reference or the encoding changed.
"""
import pathlib
import runpy
import sys

HERE = pathlib.Path(__file__).resolve().parent

for script in sorted(HERE.glob("reference_*.py")):
    print(f"== {script.name}", flush=True)
    sys.argv = [str(script)]
    runpy.run_path(str(script), run_name="__main__")
