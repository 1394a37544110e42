"""The tests' fake Slack is the playground's Slack stand-in (``bot.playground.slack_api``):
one implementation, re-exported here so tests keep importing ``tests.fakes.slack``."""

from bot.playground.slack_api import (
    APP_ID,
    BOT_ID,
    BOT_SCOPES,
    BOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    ROTATING_TOKEN_SECONDS,
    FakeSlack,
    FakeUser,
    SlackCall,
    TokenGrant,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_SCOPES",
    "BOT_USER_ID",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "ROTATING_TOKEN_SECONDS",
    "FakeSlack",
    "FakeUser",
    "SlackCall",
    "TokenGrant",
]
