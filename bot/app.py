"""Wiring: build the Bolt app and the WSGI app from settings.

Single workspace: ``build_bolt_app`` (one bot token). Multi-workspace: ``build_oauth_bolt_app``
(Slack OAuth, tokens from the encrypted installation store, ``/slack/install`` and
``/slack/oauth_redirect`` served by ``build_wsgi_app`` through Bolt's WSGI handler).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.lazy_listener import ThreadLazyListenerRunner

from bot.config import Settings
from bot.listeners import register_listeners
from bot.oauth.context import inject_installation_store
from bot.oauth.settings import build_oauth_parts
from bot.services import Services
from bot.slack.errors import ReportingLazyListenerRunner, handle_listener_error
from bot.slack.middleware import inject_services, skip_retried_events
from bot.slack_client import build_web_client
from bot.slack_request_guard import SlackRequestGuard

log = logging.getLogger(__name__)


def build_bolt_app(settings: Settings, services: Services) -> App:
    """The Bolt app for single-workspace use (a bot token), in HTTP or Socket Mode."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    app = App(
        client=build_web_client(settings.slack_api_url, token),  # Bolt reads the token here
        **_common_arguments(settings, services),
    )
    return _finish(app, settings, services)


def build_oauth_bolt_app(settings: Settings, services: Services) -> App:
    """The Bolt app for multi-workspace installs (OAuth), in HTTP or Socket Mode.

    No token is configured: Bolt's ``authorize`` finds each request's workspace in the
    installation store (tokens decrypted on read, rotated and saved back encrypted when they
    near expiry). The same retry-skipping and service injection apply as for one workspace.
    """
    parts = build_oauth_parts(settings, services.database, services.keyring)
    app = App(
        # No token here; the OAuth flow's oauth.v2.access and auth.test go to SLACK_API_URL.
        client=build_web_client(settings.slack_api_url),
        oauth_settings=parts.settings,
        **_common_arguments(settings, services),
    )
    app.use(inject_installation_store(parts.installation_store))
    return _finish(app, settings, services)


def _common_arguments(settings: Settings, services: Services) -> dict[str, Any]:
    """``App`` arguments both install modes share."""
    signing_secret = settings.slack_signing_secret
    return {
        "signing_secret": signing_secret.get_secret_value() if signing_secret else None,
        # Socket Mode requests are not signed; HTTP requests always are.
        "request_verification_enabled": not settings.socket_mode,
        "before_authorize": skip_retried_events(services.events),
        "listener_executor": ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="listener"
        ),
    }


def _finish(app: App, settings: Settings, services: Services) -> App:
    """Middleware, listeners, the error handler and the slow-work pool, for both modes."""
    app.use(inject_services(services))
    register_listeners(app)
    app.error(handle_listener_error)
    _separate_slow_work(app, settings)
    return app


def _separate_slow_work(app: App, settings: Settings) -> None:
    """Lazy listeners (OpenAI checks) get their own pool, so acks never queue behind them.

    Bolt runs acks and lazy listeners on one pool by default: enough hanging key checks
    would fill it and the next ack would miss Slack's 3 seconds. The runner also tells the
    person when slow work fails (Bolt's own only logs it).
    """
    runner = app.listener_runner
    runner.lazy_listener_runner = ReportingLazyListenerRunner(
        app.logger,
        ThreadPoolExecutor(max_workers=settings.slow_work_threads, thread_name_prefix="slow"),
    )


def background_executors(app: App) -> list[Executor]:
    """The pools whose work must finish before the process exits (graceful stop)."""
    runner = app.listener_runner
    lazy = runner.lazy_listener_runner
    executors: list[Executor] = [runner.listener_executor]
    if isinstance(lazy, ThreadLazyListenerRunner):
        executors.append(lazy.executor)
    return executors


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_wsgi_app(
    bolt_app: App,
    services: Services,
    *,
    events: bool = True,
    socket_connected: Callable[[], bool] | None = None,
) -> WsgiApp:
    """``POST /slack/events`` for Slack, ``GET /healthz`` for load balancers and Docker.

    With OAuth, Bolt's handler also serves ``GET /slack/install`` and
    ``GET /slack/oauth_redirect``. ``events=False`` (Socket Mode: events come over the
    socket, unsigned) refuses ``/slack/events`` so nothing unverified enters over HTTP; there
    ``socket_connected`` tells ``/healthz`` whether the socket to Slack is up.
    """
    slack = SlackRequestHandler(bolt_app, path="/slack/events")
    secret = services.settings.slack_signing_secret
    # Events over HTTP only with a secret to verify them by (none in Socket Mode): else 404.
    guarded_events = (
        SlackRequestGuard(
            slack, secret.get_secret_value(), max_body_bytes=services.settings.max_request_bytes
        )
        if events and secret is not None and secret.get_secret_value()
        else None
    )

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if guarded_events is None and environ.get("PATH_INFO") == "/slack/events":
            start_response(
                "404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")]
            )
            return [b"Not Found"]
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            report = _health_report(services, socket_connected)
            body = json.dumps(report).encode()
            status = "200 OK" if report["ok"] else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if guarded_events is not None and environ.get("PATH_INFO") == "/slack/events":
            # Verified before Bolt sees a byte of it (a GET too: it is refused, unsigned).
            return guarded_events(environ, start_response)
        return slack(environ, start_response)

    return application


def _health_report(
    services: Services, socket_connected: Callable[[], bool] | None
) -> dict[str, Any]:
    """Healthy when the database answers and, in Socket Mode, the socket to Slack is up."""
    database_up = services.database.ping()
    report: dict[str, Any] = {"ok": database_up, "database": "up" if database_up else "down"}
    if socket_connected is not None:
        connected = socket_connected()
        report["socket"] = "connected" if connected else "disconnected"
        report["ok"] = database_up and connected
    return report
