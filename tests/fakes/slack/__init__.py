"""A loopback fake of the Slack Web API and of response_url, recording every call.

Answers like Slack does (``{"ok": true, ...}`` shapes, ``ok: false`` errors with HTTP 200,
``Retry-After`` on 429) so that slack-sdk's real client and Bolt's ``respond()`` talk to it
unchanged. Tests read ``calls`` to see exactly what the app sent to Slack.

One module per Slack API family:

- ``defaults``: what the fake says about the app (ids, client credentials, scopes);
- ``recording``: the calls received (``calls``, ``calls_to``, ``wait_for``) and queued
  failures (``fail``);
- ``users``: ``users.info`` for the people a test added (``add_user``);
- ``chat_and_views``: ``chat.postMessage``, ``chat.postEphemeral``, ``views.*``;
- ``tokens``: tokens Slack issued (``tokens``, ``issue_token``, ``revoke``) and ``auth.test``;
- ``oauth``: installs (``oauth_code``), ``oauth.v2.access`` and ``oauth.v2.exchange``;
- ``socket_mode``: ``apps.connections.open``;
- ``handler``: the HTTP front (``response_url`` posts, faults, token checks);
- ``fake``: ``FakeSlack``, which puts them together.
"""

from tests.fakes.slack.defaults import (
    APP_ID,
    BOT_ID,
    BOT_SCOPES,
    BOT_USER_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    ROTATING_TOKEN_SECONDS,
)
from tests.fakes.slack.fake import FakeSlack
from tests.fakes.slack.recording import SlackCall
from tests.fakes.slack.tokens import TokenGrant
from tests.fakes.slack.users import FakeUser

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
