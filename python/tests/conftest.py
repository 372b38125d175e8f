"""Shared fixtures: the `orbit` CLI binary whose JSON the bindings must reproduce."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def _binary() -> Path:
    if "ORBIT_BIN" in os.environ:
        return Path(os.environ["ORBIT_BIN"])
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "orbit"
        if p.exists():
            return p
    pytest.exit("no `orbit` binary: run `cargo build -p orbit-cli` or set ORBIT_BIN", 2)


class Cli:
    def __init__(self, path: Path):
        self.path = path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run([str(self.path), *args], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"orbit {' '.join(args)} failed ({p.returncode}): {p.stderr}")
        return p

    def json(self, *args: str):
        return json.loads(self.run(*args, "--format", "json").stdout)

    def csv(self, *args: str):
        import io

        import pandas as pd

        return pd.read_csv(io.StringIO(self.run(*args, "--format", "csv").stdout))


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_binary())


@pytest.fixture(scope="session")
def world():
    import orbit

    return orbit.load()


def assert_same(a, b, path="$", tol=1e-12):
    """Equal documents, numbers to `tol` (absolute or relative)."""
    if isinstance(a, bool) or isinstance(b, bool):
        assert a == b, f"{path}: {a!r} != {b!r}"
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a):
            assert math.isnan(b), path
        else:
            assert math.isclose(a, b, rel_tol=tol, abs_tol=tol), f"{path}: {a!r} != {b!r}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))} differ"
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}", tol)
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]", tol)
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def assert_frame_matches_csv(frame, csv, tol=5.01e-4):
    """The binding's frame has the CLI CSV's columns and rows (the CSV may round)."""
    import numpy as np
    import pandas as pd

    assert list(frame.columns) == list(csv.columns)
    assert len(frame) == len(csv)
    for c in frame.columns:
        left, right = frame[c], csv[c]
        if not pd.api.types.is_numeric_dtype(right):
            # The CLI's backtest CSV writes a missing number as `-`.
            as_number = pd.to_numeric(right.replace("-", np.nan), errors="coerce")
            if as_number.notna().sum() == right.replace("-", np.nan).notna().sum():
                right = as_number
        if pd.api.types.is_numeric_dtype(right) and not pd.api.types.is_bool_dtype(right):
            l = pd.to_numeric(left, errors="coerce").astype(float).to_numpy()
            r = right.astype(float).to_numpy()
            assert np.allclose(l, r, atol=tol, rtol=0, equal_nan=True), c
        else:
            l = left.astype("string").fillna("")
            r = right.astype("string").fillna("")
            assert (l.str.lower() == r.str.lower()).all(), c
