"""Fixtures for the keys package: a keyring and a binding context for the crypto core, and for
the key service a fresh database (SQLite file and PostgreSQL schema, through
``database_url``) with a KeyService asking the loopback fake OpenAI.

Test modules cannot import this file under ``--import-mode=importlib``, so everything they
share is a fixture; the few one-line helpers they need are repeated where used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.keys.crypto import BindingContext
from bot.keys.keyring import Keyring
from bot.keys.probe import OpenAIProbe
from bot.keys.service import KeyService
from bot.store.database import Database
from bot.store.schema import ensure_schema
from tests.fakes.openai_server import FakeOpenAI

# A person listed in KEY_ADMINS for every service built here.
KEY_ADMIN = "UKEYADMIN"

ServiceFactory = Callable[..., KeyService]


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.fixture
def context() -> BindingContext:
    return BindingContext(
        purpose="openai_api_key", enterprise_id="E1", team_id="T1", record_id="42"
    )


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A fresh, migrated database (SQLite file or PostgreSQL schema)."""
    db = Database(database_url)
    ensure_schema(db)
    yield db
    db.dispose()


@pytest.fixture
def key_admins() -> frozenset[str]:
    return frozenset({KEY_ADMIN})


@pytest.fixture
def make_service(
    database: Database, keyring: Keyring, fake_openai: FakeOpenAI, key_admins: frozenset[str]
) -> ServiceFactory:
    """Another KeyService on the same database: ``make_service(keyring=..., timeout=...)``."""

    def build(*, keyring: Keyring = keyring, timeout: float = 2.0) -> KeyService:
        probe = OpenAIProbe(base_url=fake_openai.base_url, timeout=timeout)
        return KeyService(database, keyring, probe, key_admins=key_admins)

    return build


@pytest.fixture
def service(make_service: ServiceFactory) -> KeyService:
    return make_service()
