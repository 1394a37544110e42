"""The operator's commands as a newcomer meets them, run as real processes: quiet (no Alembic
chatter), saying so when there is nothing, and ``keyring list`` telling which key protects
what."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.fakes.openai_server import FakeOpenAI
from tests.support.running_app import RunningApp

ROOT = Path(__file__).resolve().parents[1]


def bot(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL", "KEYRING_", "LOG_LEVEL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(ROOT), "ENV_FILE": "", **env},
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_commands_print_no_alembic_lines(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path)}
    upgraded = bot("db", "upgrade", **env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith("database at revision ")
    assert upgraded.stderr == ""
    for args in (("db", "current"), ("keys", "list", "--team", "T0001"), ("keyring", "add")):
        result = bot(*args, **env)
        assert result.returncode == 0, result.stderr
        assert "alembic.runtime" not in result.stderr
        assert "Context impl" not in result.stdout + result.stderr


def test_debug_still_shows_what_alembic_does(tmp_path: Path) -> None:
    result = bot("db", "upgrade", DATA_DIR=str(tmp_path), LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    assert "alembic.runtime.migration" in result.stderr


def test_keys_list_says_when_a_team_has_no_keys_yet(tmp_path: Path) -> None:
    assert bot("db", "upgrade", DATA_DIR=str(tmp_path)).returncode == 0
    listed = bot("keys", "list", "--team", "T0001", DATA_DIR=str(tmp_path))
    assert listed.returncode == 0
    assert listed.stdout.startswith("no keys yet for team T0001")
    assert "/openai-setup key" in listed.stdout
    as_json = bot("keys", "list", "--team", "T0001", "--json", DATA_DIR=str(tmp_path))
    assert as_json.stdout.strip() == "[]"  # machines still get an empty list


def _keyring_rows(output: str) -> dict[str, tuple[str, int, int, bool]]:
    rows = {}
    for line in output.splitlines()[1:]:
        key_id, state, counts = line.split("\t")
        match = re.match(r"(\d+) stored keys, (\d+) Slack token rows", counts)
        assert match, line
        rows[key_id] = (state, int(match[1]), int(match[2]), "can be retired" in counts)
    return rows


def test_keyring_list_shows_the_active_key_and_what_each_key_protects(app: RunningApp) -> None:
    env = {
        "DATABASE_URL": app.settings.resolved_database_url,
        "DATA_DIR": str(app.settings.data_dir),
    }
    key = FakeOpenAI.key_for("valid", "ring")
    app.submit_key("Prod API", key)
    app.slack.wait_for("views.update")
    app.submit_key("Staging", FakeOpenAI.key_for("valid", "ring2"))
    app.slack.wait_for("views.update", count=2)

    first = bot("keyring", "list", **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0].startswith("keyring ")
    ((old_id, old),) = _keyring_rows(first.stdout).items()
    assert old == ("active", 2, 0, False)

    assert bot("keyring", "add", **env).returncode == 0
    after_add = _keyring_rows(bot("keyring", "list", **env).stdout)
    assert after_add[old_id] == ("older", 2, 0, False)
    ((new_id, new),) = [(k, v) for k, v in after_add.items() if k != old_id]
    assert new == ("active", 0, 0, False)

    assert bot("keys", "rotate", **env).returncode == 0
    after_rotate = _keyring_rows(bot("keyring", "list", **env).stdout)
    assert after_rotate == {old_id: ("older", 0, 0, True), new_id: ("active", 2, 0, False)}
    listing = bot("keyring", "list", **env)
    assert key not in listing.stdout + listing.stderr


def test_keyring_list_without_a_keyring_says_so_and_makes_none(tmp_path: Path) -> None:
    assert bot("db", "upgrade", DATA_DIR=str(tmp_path)).returncode == 0
    listed = bot("keyring", "list", DATA_DIR=str(tmp_path))
    assert listed.returncode == 4
    assert "KEYRING_FILE" in listed.stderr and "Traceback" not in listed.stderr
    assert not (tmp_path / "keyring.json").exists()


def test_the_readme_documents_every_command_and_the_console_script() -> None:
    import argparse
    import tomllib

    from bot.cli import build_parser

    def commands(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append(f"{prefix} {name}")
                    found.extend(commands(sub, f"{prefix} {name}"))
        return found

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    every = commands(build_parser(), "python -m bot")
    assert "python -m bot keyring list" in every
    for command in every:
        assert f"\n{command} " in section, command
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"openai-setup": "bot.cli:main"}
    assert "`openai-setup`" in section
