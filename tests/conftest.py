"""Fixtures shared by every test: a clean environment, databases, the fake Slack, the app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack

if TYPE_CHECKING:
    from tests.support.running_app import RunningApp

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
APP_ENVIRONMENT = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_CUSTOM_HEADERS",
    "DATABASE_URL",
    "KEYRING_FILE",
    "KEY_ADMINS",
    "HOST",
    "PORT",
    "LOG_LEVEL",
    "LEAK_WATCH",
    "DATA_DIR",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests control the environment the app starts with (Bolt reads some variables itself)."""
    for name in APP_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    # `python -m bot` reads ./.env; a developer's own must not reach the apps tests start.
    monkeypatch.setenv("ENV_FILE", "")


def _postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_ready() -> bool:
    available = _postgres_available()
    if not available and os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} (CI needs it)")
    return available


@pytest.fixture
def postgres_url(postgres_ready: bool) -> Iterator[str]:
    """A fresh, empty schema in the test database, dropped afterwards."""
    if not postgres_ready:
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    base = POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}?options=-csearch_path%3D{schema}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Every storage-touching test runs on a real SQLite file and on a real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(slow_seconds=10.0) as fake:
        yield fake


@pytest.fixture
def app(
    slack: FakeSlack, fake_openai: FakeOpenAI, database_url: str, tmp_path: Path
) -> Iterator[RunningApp]:
    from tests.support.running_app import RunningApp, default_app_settings

    running = RunningApp(
        slack, database_url, **default_app_settings(fake_openai.base_url, tmp_path / "data")
    )
    yield running
    running.close()
