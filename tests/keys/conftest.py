"""Fixtures for the keys core: a keyring, a binding context and the fake OpenAI server."""

from __future__ import annotations

import pytest

from bot.keys.crypto import BindingContext
from bot.keys.keyring import Keyring


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.fixture
def context() -> BindingContext:
    return BindingContext(
        purpose="openai_api_key", enterprise_id="E1", team_id="T1", record_id="42"
    )
