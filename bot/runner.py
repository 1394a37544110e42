"""``python -m bot``: start in Socket Mode or HTTP mode, chosen from the environment.

In Socket Mode events come over the socket and the HTTP server on ``HOST:PORT`` serves only
``/healthz`` (healthy when the database answers and the socket is connected) and, with OAuth
(``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET``), ``/slack/install`` and
``/slack/oauth_redirect``. In HTTP mode the same server also takes ``POST /slack/events``.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.store.database import Database
from bot.store.schema import SchemaError, ensure_schema

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.http_server import DrainingServer

log = logging.getLogger(__name__)

NO_CREDENTIALS = """\
openai-setup cannot start: it has no Slack credentials ({missing} missing).

1. Create the Slack app from this repository's manifest:
   https://api.slack.com/apps?new_app=1 -> "From an app manifest" -> paste manifest.yml.
2. Install it to your workspace, then set:
   SLACK_BOT_TOKEN       the Bot User OAuth Token (xoxb-...), under "OAuth & Permissions"
   SLACK_APP_TOKEN       an app-level token with connections:write (xapp-...), for Socket Mode
                         (no public URL needed), under "Basic Information"
   or, for HTTP mode behind a public URL instead of Socket Mode:
   SLACK_SIGNING_SECRET  under "Basic Information" -> "App Credentials"
3. Run `python -m bot` again. The README lists every other setting.

To distribute the app to many workspaces (OAuth), create it from manifest.http.yml and set
SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET instead of SLACK_BOT_TOKEN.
"""


def run(settings: Settings) -> int:
    missing = settings.missing_credentials()
    if missing:
        print(NO_CREDENTIALS.format(missing=", ".join(missing)), file=sys.stderr)
        return 2
    database = Database(settings.resolved_database_url)
    try:
        ensure_schema(database)
    except SchemaError as error:
        print(f"openai-setup cannot start: {error}", file=sys.stderr)
        return 3

    from bot.app import (
        background_executors,
        build_bolt_app,
        build_oauth_bolt_app,
        build_wsgi_app,
    )
    from bot.keys.keyring import KeyringError
    from bot.services import Services

    try:
        services = Services.build(settings, database)
    except KeyringError as error:
        print(f"openai-setup cannot start: {error}", file=sys.stderr)
        return 4
    if settings.oauth_enabled:
        bolt_app = build_oauth_bolt_app(settings, services)
    else:
        bolt_app = build_bolt_app(settings, services)

    from bot.http_server import DrainingServer

    socket = _connect_socket(bolt_app, settings) if settings.socket_mode else None
    if socket is None:
        mode = "with OAuth " if settings.oauth_enabled else ""
        log.info("starting in HTTP mode %son %s:%d", mode, settings.host, settings.port)
    server = DrainingServer(
        build_wsgi_app(
            bolt_app,
            services,
            events=socket is None,
            socket_connected=socket.client.is_connected if socket is not None else None,
        ),
        host=settings.host,
        port=settings.port,
        executors=background_executors(bolt_app),
        threads=settings.http_threads,
        max_body_bytes=settings.max_request_bytes,
    )
    _stop_on_signals(server, socket)
    server.serve()
    return 0


def _connect_socket(bolt_app: App, settings: Settings) -> SocketModeHandler:
    """Open the Socket Mode connection; the HTTP server then serves only ``/healthz`` (and
    the install pages with OAuth)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token is not None
    pages = "/healthz and the install pages" if settings.oauth_enabled else "/healthz"
    log.info("starting in Socket Mode (%s on %s:%d)", pages, settings.host, settings.port)
    handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
    handler.connect()
    return handler


def _stop_on_signals(server: DrainingServer, socket: SocketModeHandler | None) -> None:
    """SIGTERM/SIGINT: the server drains (HTTP requests in flight, then running listeners and
    key checks). In Socket Mode the socket is closed first, so Slack sends no more envelopes
    here while the rest finishes."""
    if socket is None:
        server.install_signal_handlers()
        return

    def stop(*_: object) -> None:
        log.info("stopping: closing the Socket Mode connection")
        socket.close()  # returns once the client's threads have stopped (a few seconds)
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
