"""The command line, run as a real subprocess: ``python -m bot ...``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_bot(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL", "KEYRING_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd or ROOT,
        timeout=60,
        check=False,
    )


def test_ask_prints_the_answer() -> None:
    result = run_bot("ask", "Billing hard limit reached")
    assert result.returncode == 0
    assert "Billing" in result.stdout


def test_ask_json_gives_ids_titles_scores() -> None:
    result = run_bot("ask", "--json", '{"error": {"code": "insufficient_quota"}}')
    payload = json.loads(result.stdout)
    assert payload["confident"] is True
    first = payload["matches"][0]
    assert {"id", "title", "score"} <= set(first)
    assert first["reason"] == "code"


def test_ask_out_of_scope_is_honest() -> None:
    payload = json.loads(run_bot("ask", "--json", "how do I bake sourdough bread").stdout)
    assert payload["confident"] is False


def test_no_credentials_exits_with_a_friendly_message(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert "manifest.yml" in result.stderr
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgraded = run_bot("db", "upgrade", env={"DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    current = run_bot("db", "current", env={"DATABASE_URL": url})
    assert current.stdout.strip() == upgraded.stdout.split()[-1]
