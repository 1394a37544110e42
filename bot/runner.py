"""``python -m bot``: start in Socket Mode or HTTP mode, chosen from the environment.

With ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` the app serves many workspaces (OAuth):
in HTTP mode one server takes events and the install pages; in Socket Mode events come over
the socket and the HTTP server only serves ``/slack/install``, ``/slack/oauth_redirect`` and
``/healthz``.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from concurrent.futures import Executor
from typing import Any

from bot.config import Settings
from bot.store.database import Database
from bot.store.schema import SchemaError, ensure_schema

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
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert settings.slack_app_token is not None
        handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
        if not settings.oauth_enabled:
            log.info("starting in Socket Mode")
            return run_socket_mode(handler, background_executors(bolt_app))
        log.info(
            "starting in Socket Mode (OAuth: install pages on %s:%d)", settings.host, settings.port
        )
        handler.connect()

    from bot.http_server import DrainingServer

    if not settings.socket_mode:
        mode = "with OAuth " if settings.oauth_enabled else ""
        log.info("starting in HTTP mode %son %s:%d", mode, settings.host, settings.port)
    server = DrainingServer(
        build_wsgi_app(bolt_app, services, events=not settings.socket_mode),
        host=settings.host,
        port=settings.port,
        executors=background_executors(bolt_app),
        threads=settings.http_threads,
    )
    server.install_signal_handlers()
    server.serve()
    return 0


def run_socket_mode(handler: Any, executors: list[Executor]) -> int:
    """Serve over Socket Mode until SIGTERM/SIGINT, then let running listeners finish."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    handler.connect()
    stop.wait()
    log.info("stopping: closing the Socket Mode connection; finishing running listeners")
    handler.close()
    for executor in executors:
        executor.shutdown(wait=True)
    return 0
