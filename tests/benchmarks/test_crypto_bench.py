"""The crypto benchmark still runs (tiny sizes: this checks it works, not how fast)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "crypto_bench.py"


def test_benchmark_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    namespace = runpy.run_path(str(BENCHMARK))
    namespace["main"](["--iterations", "20", "--repeats", "2"])
    output = capsys.readouterr().out
    for row in ("encrypt (ours)", "decrypt (ours)", "AESGCM.decrypt (bare)", "fingerprint"):
        assert row in output
