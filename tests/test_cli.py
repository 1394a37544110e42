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


def test_ask_json_names_the_question_language_and_keeps_its_shape() -> None:
    payload = json.loads(run_bot("ask", "--json", "新key一直提示额度用尽怎么回事？").stdout)

    assert payload["language"] == "zh"
    assert payload["matches"][0]["id"] == "insufficient-quota"
    assert {"id", "title", "score", "step"} <= set(payload["matches"][0])
    assert json.loads(run_bot("ask", "--json", "my key leaked").stdout)["language"] == "en"


def test_ask_out_of_scope_is_honest() -> None:
    payload = json.loads(run_bot("ask", "--json", "how do I bake sourdough bread").stdout)
    assert payload["confident"] is False


def test_missing_credentials_exit_with_a_friendly_message(tmp_path: Path) -> None:
    # With no Slack setting at all the playground starts instead (tests/playground).
    env = {"PYTHONPATH": str(ROOT), "SLACK_BOT_TOKEN": "xoxb-1-2-half-set-up"}
    result = run_bot(cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "manifest.yml" in result.stderr
    assert "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    upgraded = run_bot("db", "upgrade", env={"DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    current = run_bot("db", "current", env={"DATABASE_URL": url})
    assert current.stdout.strip() == upgraded.stdout.split()[-1]


def test_bad_keyring_refuses_to_start_without_showing_it(tmp_path: Path) -> None:
    keyring = tmp_path / "keyring.json"
    secret_material = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    keyring.write_text('{"version": 1, "active": "k1", "keys": {"k1": "' + secret_material + '"}}')
    result = run_bot(
        env={
            "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
            "SLACK_SIGNING_SECRET": "s",
            "KEYRING_FILE": str(keyring),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    assert result.returncode == 4
    assert "KEYRING_FILE" in result.stderr
    assert secret_material not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_keyring_add_rotate_retire_and_list(tmp_path: Path) -> None:
    from bot.keys.keyring import Keyring

    env = {"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert run_bot("db", "upgrade", env=env).returncode == 0
    listed = run_bot("keys", "list", "--team", "T0001", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    assert not (tmp_path / "keyring.json").exists()  # listing needs no keyring
    added = run_bot("keyring", "add", env=env)
    assert added.returncode == 0, added.stderr
    keyring = Keyring.load(tmp_path / "keyring.json")
    (first,) = set(keyring.key_ids) - {keyring.active_id}
    rotated = run_bot("keys", "rotate", env=env)
    assert "rotated 0" in rotated.stdout
    retired = run_bot("keyring", "retire", first, env=env)
    assert retired.returncode == 0, retired.stderr
    assert first not in Keyring.load(tmp_path / "keyring.json").key_ids


def test_read_only_commands_create_no_secret_and_no_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {"DATA_DIR": str(data_dir)}
    listed = run_bot("keys", "list", "--team", "T0001", env=env)
    exported = run_bot("keys", "export", "--team", "T0001", "--project", "prod", env=env)
    for result in (listed, exported):
        assert result.returncode != 0
        assert "no database at" in result.stderr
        assert "Traceback" not in result.stderr
    assert not data_dir.exists()


def test_export_without_a_keyring_says_so_and_makes_none(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    assert run_bot("db", "upgrade", env=env).returncode == 0
    exported = run_bot("keys", "export", "--team", "T0001", "--project", "prod", env=env)
    assert exported.returncode == 4
    assert "KEYRING_FILE" in exported.stderr and "does not exist" in exported.stderr
    assert not (tmp_path / "keyring.json").exists()
