"""``python -m bot``: start in Socket Mode or HTTP mode, chosen from the environment."""

from __future__ import annotations

import logging
import sys

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

    from bot.app import build_bolt_app, build_wsgi_app
    from bot.keys.keyring import KeyringError
    from bot.services import Services

    try:
        services = Services.build(settings, database)
    except KeyringError as error:
        print(f"openai-setup cannot start: {error}", file=sys.stderr)
        return 4
    bolt_app = build_bolt_app(settings, services)
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert settings.slack_app_token is not None
        log.info("starting in Socket Mode")
        SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value()).start()
        return 0

    from waitress import serve

    log.info("starting in HTTP mode on %s:%d", settings.host, settings.port)
    serve(
        build_wsgi_app(bolt_app, services),
        host=settings.host,
        port=settings.port,
        threads=8,
        ident="openai-setup",
    )
    return 0
