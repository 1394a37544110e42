"""``python -m bot``: start in Socket Mode or HTTP mode, chosen from the environment.

Both modes first check what a start needs (credentials, the schema, the keyring, created on a
first start) once, in this process.

In HTTP mode gunicorn then serves ``POST /slack/events`` and ``/healthz`` (and, with OAuth:
``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET``, ``/slack/install`` and
``/slack/oauth_redirect``) from ``WEB_CONCURRENCY`` worker processes, each building its own
app after the fork (``bot.prefork_server``).

In Socket Mode events come over one socket, so the app stays one process: the socket, and an
HTTP server on ``HOST:PORT`` for ``/healthz`` (healthy when the database answers and the
socket is connected) and, with OAuth, the install pages.
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.slack_client import SlackUnavailable, check_token
from bot.store.database import Database, DatabaseUnavailable, open_database
from bot.store.schema import SchemaError, ensure_schema

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.http_server import DrainingServer
    from bot.services import Services

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

NO_SLACK_SETTINGS = """\
No Slack credentials are set (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN...), so
openai-setup starts its local playground instead of connecting to Slack.
"""


def run(settings: Settings) -> int:
    if settings.no_slack_settings():
        # A first try: show the app in the browser, and say how to connect a workspace.
        from bot.playground.run import run as run_playground

        print(NO_SLACK_SETTINGS, file=sys.stderr, flush=True)
        return run_playground(settings, offline=False, host=None, port=None)
    missing = settings.missing_credentials()
    if missing:
        print(NO_CREDENTIALS.format(missing=", ".join(missing)), file=sys.stderr)
        return 2
    try:
        database = open_database(settings.resolved_database_url)
        ensure_schema(database)
    except DatabaseUnavailable as error:
        print(error, file=sys.stderr)
        return 3
    except SchemaError as error:
        print(f"openai-setup cannot start: {error}", file=sys.stderr)
        return 3

    from bot.keys.keyring import KeyringError
    from bot.services import Services

    try:
        services = Services.build(settings, database)
    except KeyringError as error:
        print(f"openai-setup cannot start: {error}", file=sys.stderr)
        return 4
    _warm_up_segmenter()
    try:
        _check_slack(settings)
    except SlackUnavailable as error:
        print(error, file=sys.stderr)
        return 5
    if settings.socket_mode:
        return _serve_socket_mode(settings, services)
    database.dispose()  # each worker opens its own connections
    return _serve_http(settings)


def _warm_up_segmenter() -> None:
    """Chinese questions need jieba's dictionary (about a second to load): loaded here, in the
    one process that forks the workers, they share it and none pays for it on a request."""
    from bot.guide.cjk import warm_up

    seconds = warm_up()
    log.info("Chinese word segmenter ready in %d ms", seconds * 1000)


def _check_slack(settings: Settings) -> None:
    """With one workspace's bot token: that Slack answers and takes the token (OAuth installs
    bring their own tokens later; Socket Mode's app token is tried when the socket opens)."""
    if settings.oauth_enabled or settings.slack_bot_token is None:
        return
    check_token(
        settings.slack_api_url, settings.slack_bot_token.get_secret_value(), "SLACK_BOT_TOKEN"
    )


def _serve_http(settings: Settings) -> int:
    """HTTP mode: gunicorn's master here, the app in each of its workers."""
    from bot.app import background_executors, build_wsgi_app
    from bot.prefork_server import PreforkServer, WorkerApp
    from bot.services import Services

    def build_worker_app() -> WorkerApp:
        from bot.jobs.schedule import start_scheduler

        database = Database(settings.resolved_database_url)
        services = Services.build(settings, database)
        bolt_app = _build_bolt_app(settings, services)
        scheduler = start_scheduler(services)

        def close() -> None:
            if scheduler is not None:
                scheduler.stop()
            database.dispose()

        return WorkerApp(
            build_wsgi_app(bolt_app, services),
            executors=background_executors(bolt_app),
            close=close,
        )

    mode = "with OAuth " if settings.oauth_enabled else ""
    workers, threads = settings.http_workers, settings.http_threads
    log.info(
        "starting in HTTP mode %son %s:%d: %d workers x %d threads",
        *(mode, settings.host, settings.port, workers, threads),
    )
    PreforkServer(
        build_worker_app,
        host=settings.host,
        port=settings.port,
        workers=workers,
        threads=threads,
        log_level=settings.log_level,
    ).run()
    return 0


def _serve_socket_mode(settings: Settings, services: Services) -> int:
    """Socket Mode: one process, the socket and a small HTTP server for ``/healthz``."""
    from bot.app import background_executors, build_wsgi_app
    from bot.http_server import DrainingServer
    from bot.jobs.schedule import start_scheduler

    bolt_app = _build_bolt_app(settings, services)
    try:
        socket = _connect_socket(bolt_app, settings)
    except SlackUnavailable as error:
        print(error, file=sys.stderr)
        return 5
    start_scheduler(services)  # a daemon thread; a job cut short by exit is retried later
    server = DrainingServer(
        build_wsgi_app(
            bolt_app, services, events=False, socket_connected=socket.client.is_connected
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


def _build_bolt_app(settings: Settings, services: Services) -> App:
    from bot.app import build_bolt_app, build_oauth_bolt_app

    if settings.oauth_enabled:
        return build_oauth_bolt_app(settings, services)
    return build_bolt_app(settings, services)


def _connect_socket(bolt_app: App, settings: Settings) -> SocketModeHandler:
    """Open the Socket Mode connection; the HTTP server then serves only ``/healthz`` (and
    the install pages with OAuth)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token is not None
    pages = "/healthz and the install pages" if settings.oauth_enabled else "/healthz"
    log.info("starting in Socket Mode (%s on %s:%d)", pages, settings.host, settings.port)
    from slack_sdk.errors import SlackApiError

    from bot.slack_client import REFUSED_TOKEN_ERRORS, TOKEN_FIXES

    handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
    try:
        handler.connect()
    except SlackApiError as error:
        code = str(error.response.get("error") or "an error")
        fix = (
            TOKEN_FIXES["SLACK_APP_TOKEN"]
            if code in REFUSED_TOKEN_ERRORS or code == "not_allowed_token_type"
            else "check the app's settings at https://api.slack.com/apps"
        )
        raise SlackUnavailable(
            f"openai-setup cannot start: Slack refused SLACK_APP_TOKEN ({code}): {fix}."
        ) from None
    except OSError as error:
        raise SlackUnavailable(
            f"openai-setup cannot start: cannot open the Socket Mode connection to Slack "
            f"({str(error)[:200] or type(error).__name__}). Check the network or SLACK_API_URL."
        ) from None
    return handler


def _stop_on_signals(server: DrainingServer, socket: SocketModeHandler) -> None:
    """SIGTERM/SIGINT: the socket is closed first, so Slack sends no more envelopes here; then
    the server drains (HTTP requests in flight, then running listeners and key checks)."""

    def stop(*_: object) -> None:
        log.info("stopping: closing the Socket Mode connection")
        socket.close()  # returns once the client's threads have stopped (a few seconds)
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
