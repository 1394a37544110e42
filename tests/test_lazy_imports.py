"""The openai SDK is imported only where a key is checked: it costs every start ~0.4 s and
~38 MiB. The server side is in ``test_serving.py`` (a key check in a worker imports it)."""

from __future__ import annotations

import subprocess
import sys

from tests.test_cli import ROOT


def test_asking_the_guide_does_not_import_openai() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "ask", "insufficient_quota"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "insufficient" in result.stdout.lower()
    # -X importtime: "import time: self [us] | cumulative | <indent>module", one per import
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert "bot.cli_keys" in imported  # the keys commands are wired, their checks not loaded
    assert "openai" not in imported
    # The learned ranker ships as weights: training's scikit-learn (and numpy) stay out of the app.
    assert not {"sklearn", "numpy"} & imported
    # jieba (~1.3 s) loads on the first CJK question, not when the index is built.
    assert "jieba" not in imported
