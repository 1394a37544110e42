"""The Slack stand-in: a loopback Slack Web API and response_url that records every call.

The playground answers the app with it, and the tests use it as their fake Slack
(``tests.fakes.slack`` re-exports it).

Answers like Slack does (``{"ok": true, ...}`` shapes, ``ok: false`` errors with HTTP 200,
``Retry-After`` on 429) so that slack-sdk's real client and Bolt's ``respond()`` talk to it
unchanged. Tests read ``calls`` to see exactly what the app sent to Slack.

One module per Slack API family:

- ``defaults``: what the fake says about the app (ids, client credentials, scopes);
- ``recording``: the calls received (``calls``, ``calls_to``, ``wait_for``) and queued
  failures (``fail``);
- ``users``: ``users.info`` and ``users.list`` for the people a test added (``add_user``);
- ``chat_and_views``: ``chat.postMessage``, ``chat.postEphemeral``, ``views.*``;
- ``tokens``: tokens Slack issued (``tokens``, ``issue_token``, ``revoke``) and ``auth.test``;
- ``oauth``: installs (``oauth_code``), ``oauth.v2.access`` and ``oauth.v2.exchange``;
- ``socket_mode``: ``apps.connections.open``;
- ``handler``: the HTTP front (``response_url`` posts, faults, token checks);
- ``fake``: ``FakeSlack``, which puts them together.
"""

from bot.playground.slack_api.defaults import (
    APP_ID,
    BOT_ID,
    BOT_SCOPES,
    BOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    ROTATING_TOKEN_SECONDS,
)
from bot.playground.slack_api.fake import FakeSlack
from bot.playground.slack_api.recording import SlackCall
from bot.playground.slack_api.tokens import TokenGrant
from bot.playground.slack_api.users import FakeUser

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
