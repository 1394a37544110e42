"""``scripts/install`` (behind ``scripts/run`` and ``scripts/test``) and
``scripts/start-postgres``, run for real. pip and the interpreter are stand-ins that record
what they were asked (a real install needs the network); the scripts' own logic is what runs:
when they install, what they say, and that a failed or outdated install is repaired."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from tests.support.app_process import free_port

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

# A stand-in interpreter: `-m venv DIR` makes DIR/bin/python (itself); `-m pip ...` is logged
# and fails when FAKE_PIP_FAILS is set; `-m bot ...` says it ran; `-c`, `--version` succeed.
FAKE_PYTHON = """#!/usr/bin/env bash
here=$(cd "$(dirname "$0")" && pwd)
case "$1" in
  --version) echo "Python 3.11.7" ;;
  -c) exit 0 ;;
  -m)
    case "$2" in
      venv) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
      pip)
        echo "pip ${*:3}" >> "$FAKE_LOG"
        if [ -n "${FAKE_PIP_FAILS:-}" ]; then echo "ERROR: no network" >&2; exit 1; fi ;;
      bot) echo "bot ran: ${*:3}" ;;
    esac ;;
esac
"""


def checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("install", "run"):
        shutil.copy(ROOT / "scripts" / name, repo / "scripts" / name)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copy(ROOT / ".python-version", repo / ".python-version")
    python = tmp_path / "bin" / "fake-python"
    python.parent.mkdir()
    python.write_text(FAKE_PYTHON)
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    return repo


def run(repo: Path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / "scripts" / script), *args],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ["PATH"],
            "PYTHON": str(repo.parent / "bin" / "fake-python"),
            "FAKE_LOG": str(repo.parent / "pip.log"),
            **env,
        },
        timeout=60,
        check=False,
    )


def pip_calls(repo: Path) -> list[str]:
    log = repo.parent / "pip.log"
    calls = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def test_first_run_says_it_installs_then_runs(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    first = run(repo, "run", "ask", "429")

    assert first.returncode == 0, first.stderr
    assert "installing dependencies into .venv (about a minute" in first.stderr
    assert "pip install --quiet --disable-pip-version-check -e ." in pip_calls(repo)
    assert first.stdout == "bot ran: ask 429\n"

    again = run(repo, "run")
    assert again.returncode == 0
    assert again.stderr == ""  # nothing to do, nothing said
    assert pip_calls(repo) == []


def test_a_failed_install_is_retried_on_the_next_run(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    failed = run(repo, "run", FAKE_PIP_FAILS="1")

    assert failed.returncode == 1
    assert "installing failed" in failed.stderr and "bot ran" not in failed.stdout
    assert not list((repo / ".venv").glob(".installed-*"))
    pip_calls(repo)

    repaired = run(repo, "run")
    assert repaired.returncode == 0, repaired.stderr
    assert "installing dependencies" in repaired.stderr
    assert any("-e ." in call for call in pip_calls(repo))
    assert repaired.stdout.startswith("bot ran")


def test_changed_dependencies_are_installed_before_the_app_runs(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    assert run(repo, "run").returncode == 0
    pip_calls(repo)
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"jieba>=0.42",', '"jieba>=0.42", "x>=1",'))

    updated = run(repo, "run")
    assert "pyproject.toml changed since the last install" in updated.stderr
    assert any("-e ." in call for call in pip_calls(repo))
    assert updated.stdout.startswith("bot ran")


def test_a_broken_venv_is_made_again(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").symlink_to(tmp_path / "gone" / "python3.11")

    result = run(repo, "run")
    assert result.returncode == 0, result.stderr
    assert "the .venv folder is broken" in result.stderr
    assert result.stdout.startswith("bot ran")


def test_the_dev_install_serves_the_app_too(tmp_path: Path) -> None:
    repo = checkout(tmp_path)
    dev = run(repo, "install", "dev")
    assert dev.returncode == 0, dev.stderr
    assert any(call.endswith("-e .[dev]") for call in pip_calls(repo))

    assert run(repo, "run").stderr == ""
    assert pip_calls(repo) == []


def test_start_postgres_uses_a_reachable_test_postgres_url_as_it_is(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "start-postgres")],
        capture_output=True,
        text=True,
        env={**os.environ, "TEST_POSTGRES_URL": POSTGRES_ADMIN_URL},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_start_postgres_names_an_unreachable_test_postgres_url_and_starts_nothing() -> None:
    url = f"postgresql://tester:s3cretpw@127.0.0.1:{free_port()}/test"
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "start-postgres")],
        capture_output=True,
        text=True,
        env={**os.environ, "TEST_POSTGRES_URL": url},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TEST_POSTGRES_URL does not answer" in lines[0]
    assert "s3cretpw" not in result.stderr
