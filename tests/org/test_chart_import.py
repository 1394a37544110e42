"""matplotlib is loaded only by the scheduled cost job, never by the app serving requests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUILD_APP = """
import sys
import bot.app  # noqa: F401 - every listener module, as the server imports them
import bot.listeners  # noqa: F401
from bot.config import Settings
from bot.jobs.schedule import build_runner
from bot.services import Services
from bot.slack.notify import Notifier
from bot.store.database import Database
from bot.store.schema import ensure_schema

settings = Settings(slack_bot_token="xoxb-1", slack_signing_secret="s", data_dir=sys.argv[1])
database = Database(settings.resolved_database_url)
ensure_schema(database)
services = Services.build(settings, database)
build_runner(services, Notifier(lambda _workspace: None))
print(sorted(name for name in ("matplotlib", "numpy", "openai") if name in sys.modules))
"""


def test_building_the_app_and_its_scheduler_loads_no_plotting_library(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BUILD_APP, str(tmp_path / "data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
