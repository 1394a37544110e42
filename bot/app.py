"""Wiring: build the Bolt app and the WSGI app from settings."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.config import Settings
from bot.listeners import register_listeners
from bot.listeners.middleware import inject_services, skip_retried_events
from bot.services import Services

log = logging.getLogger(__name__)


def build_bolt_app(settings: Settings, services: Services) -> App:
    """The Bolt app for single-workspace use (a bot token), in HTTP or Socket Mode."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    client = WebClient(token=token, base_url=settings.slack_api_url)
    app = App(
        client=client,  # carries the token; Bolt reads it from there
        signing_secret=signing_secret,
        # Socket Mode requests are not signed; HTTP requests always are.
        request_verification_enabled=not settings.socket_mode,
        before_authorize=skip_retried_events(services.events),
        listener_executor=ThreadPoolExecutor(
            max_workers=settings.listener_threads, thread_name_prefix="listener"
        ),
    )
    app.use(inject_services(services))
    register_listeners(app)
    return app


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_wsgi_app(bolt_app: App, services: Services) -> WsgiApp:
    """``POST /slack/events`` for Slack, ``GET /healthz`` for load balancers and Docker."""
    slack = SlackRequestHandler(bolt_app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") == "GET":
            healthy = services.database.ping()
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application
