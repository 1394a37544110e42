"""Fixtures for OAuth (multi-workspace) tests: the app in OAuth mode on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack

if TYPE_CHECKING:
    from tests.support.oauth_app import RunningOAuthApp


@pytest.fixture
def oauth_app(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> Iterator[RunningOAuthApp]:
    from tests.support.oauth_app import RunningOAuthApp
    from tests.support.running_app import default_app_settings

    running = RunningOAuthApp(
        slack, database_url, **default_app_settings(fake_openai.base_url, tmp_path / "data")
    )
    yield running
    running.close()
