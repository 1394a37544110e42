"""The fake OpenAI's Admin API lives with the playground's simulated OpenAI
(``bot.playground.openai_admin``); re-exported here for the tests."""

from bot.playground.openai_admin import (
    ADMIN_PREFIX,
    DAY,
    SERVICE_KEY_PREFIX,
    FakeOrganization,
    FakeProject,
    ProjectKey,
)

__all__ = [
    "ADMIN_PREFIX",
    "DAY",
    "SERVICE_KEY_PREFIX",
    "FakeOrganization",
    "FakeProject",
    "ProjectKey",
]
