"""The playground, started in-process on an ephemeral port in ``--offline`` mode with its own
data folder (SQLite database and keyring), and headless Chromium from Debian's packages."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.config import Settings
from bot.playground.run import Playground, start

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# --headless comes from launch(headless=True); Playwright refuses --user-data-dir in args and
# takes the fresh profile folder as launch_persistent_context's first argument instead.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).with_name("screenshots")


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[Playground]:
    settings = Settings(
        data_dir=tmp_path / "data",
        openai_timeout_seconds=1.0,
        key_admins="",
        # One test checks every test key in a row: room for that.
        key_checks_per_person_per_hour=1000,
        projects_per_person_per_hour=1000,
    )
    running = start(settings, offline=True, port=0)
    thread = threading.Thread(target=running.page_server.serve, daemon=True)
    thread.start()
    yield running
    running.close()
    thread.join(timeout=30)


def _chromium_or_skip() -> None:
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright is not installed (pip install -e '.[dev]')"
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {problem}")
    pytest.skip(problem)


@pytest.fixture
def page(playground: Playground, tmp_path: Path) -> Iterator[Page]:
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(10_000)
            page.goto(playground.url)
            yield page
        finally:
            context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """``screenshot("what")`` writes screenshots/<test name>/NN-what.png."""
    folder = SCREENSHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = 0

    def take(what: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{what}.png"
        page.screenshot(path=str(path))
        return path

    return take
