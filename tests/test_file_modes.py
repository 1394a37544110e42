"""What the app writes to disk is for its own user only: 0700 folders, 0600 files."""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support.app_process import ROOT
from tests.support.running_app import RunningApp, default_app_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_python_m_bot_creates_private_files_under_a_permissive_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "keyring", "add"],
        env={"DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        umask=0o022,
    )
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "openai-setup.sqlite3") == 0o600
    assert mode(data_dir / "keyring.json") == 0o600


@pytest.fixture
def app_in_fresh_folder(
    slack: FakeSlack, fake_openai: FakeOpenAI, tmp_path: Path
) -> Iterator[tuple[RunningApp, Path]]:
    """The app on a SQLite file in a folder that does not exist yet, with umask 022."""
    import os

    data_dir = tmp_path / "fresh" / "data"
    previous = os.umask(0o022)
    try:
        running = RunningApp(
            slack,
            f"sqlite:///{data_dir / 'app.sqlite3'}",
            **default_app_settings(fake_openai.base_url, data_dir),
        )
    finally:
        os.umask(previous)
    yield running, data_dir
    running.close()


def test_sqlite_file_and_its_wal_and_shm_are_private(
    app_in_fresh_folder: tuple[RunningApp, Path],
) -> None:
    app, data_dir = app_in_fresh_folder
    assert app.action("guide_mark_done", "1").status == 200  # a write: WAL and SHM exist now
    app.slack.wait_for("response_url")
    files = {path.name: mode(path) for path in data_dir.iterdir()}
    assert {"app.sqlite3", "app.sqlite3-wal", "app.sqlite3-shm"} <= set(files)
    assert all(file_mode == 0o600 for file_mode in files.values()), files
    assert mode(data_dir) == 0o700
