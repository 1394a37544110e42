"""``python -m bot playground``: the real app behind a local Slack stand-in, and a page.

The app is built by the same factory as ``python -m bot`` in HTTP mode (``build_bolt_app``,
``build_wsgi_app``, ``Services.build``) from the same settings, with three of them pointed
here: ``SLACK_API_URL`` at the stand-in, a made-up bot token, and a signing secret made for
this run, which the page's requests are signed with. It serves on a loopback port of its own;
nothing in it knows it is in the playground. Its data (SQLite database and keyring) live in
``DATA_DIR/playground/``, apart from a real install's.
"""

from __future__ import annotations

import logging
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.app import background_executors, build_bolt_app, build_wsgi_app
from bot.config import Settings
from bot.http_server import DrainingServer
from bot.playground.openai_admin import DEMO_NOTE, seed_demo
from bot.playground.openai_sim import FakeOpenAI
from bot.playground.page import PlaygroundPage
from bot.playground.payloads import TEAM_ID
from bot.playground.slack_api import FakeSlack
from bot.playground.workspace import Workspace
from bot.services import Services
from bot.store.database import Database
from bot.store.schema import ensure_schema

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"

BANNER = """\
openai-setup playground: the real app, with a pretend Slack workspace in your browser.

    Open {url}
{openai_line}
Nothing here reaches Slack. To connect a real workspace, create the Slack app from
manifest.yml (https://api.slack.com/apps?new_app=1 -> "From an app manifest"), install it,
and set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP);
the README's "Connect a real workspace" says more. Stop with Ctrl+C.
"""
OFFLINE_LINE = "Key checks go to a simulated OpenAI (--offline): the page lists its test keys.\n"
ONLINE_LINE = (
    "Key checks go to the real OpenAI; start with --offline to try the simulated one instead.\n"
)


@dataclass
class Playground:
    slack: FakeSlack
    openai: FakeOpenAI | None
    database: Database
    app_server: DrainingServer
    page_server: DrainingServer
    workspace: Workspace
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def url(self) -> str:
        host = self.page_server.server.effective_host
        shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
        return f"http://{shown}:{self.page_server.port}/"

    def serve_forever(self) -> None:
        """Serve the page on this thread until SIGTERM/SIGINT, then stop everything."""
        self.page_server.install_signal_handlers()
        try:
            self.page_server.serve()
        finally:
            self.close()

    def close(self) -> None:
        self.app_server.stop()
        for thread in self.threads:
            thread.join(timeout=30)
        self.page_server.stop()
        self.slack.close()
        if self.openai is not None:
            self.openai.close()
        self.database.dispose()


def start(
    settings: Settings, *, offline: bool, host: str = DEFAULT_HOST, port: int | None = None
) -> Playground:
    """Start the stand-ins and the app; the page server is made but not yet serving."""
    slack = FakeSlack(team_id=TEAM_ID)
    openai = FakeOpenAI() if offline else None
    signing_secret = secrets.token_hex(32)
    data_dir = settings.data_dir / "playground"
    data_dir.mkdir(parents=True, exist_ok=True)
    app_settings = _app_settings(
        settings,
        slack_bot_token=f"xoxb-playground-{secrets.token_hex(12)}",
        slack_signing_secret=signing_secret,
        slack_app_token=None,
        slack_client_id=None,
        slack_client_secret=None,
        slack_api_url=slack.api_url,
        openai_base_url=openai.base_url if openai else settings.openai_base_url,
        data_dir=data_dir,
        database_url=None,
        keyring_file=None,
        host=DEFAULT_HOST,
        port=settings.port,
    )
    database = Database(app_settings.resolved_database_url)
    ensure_schema(database)
    services = Services.build(app_settings, database)
    bolt = build_bolt_app(app_settings, services)
    app_server = DrainingServer(
        build_wsgi_app(bolt, services),
        host=DEFAULT_HOST,
        port=0,
        executors=background_executors(bolt),
        threads=app_settings.http_threads,
        grace_seconds=5,
        max_body_bytes=app_settings.max_request_bytes,
    )
    workspace = Workspace(slack, signing_secret)
    workspace.app_url = f"http://127.0.0.1:{app_server.port}"
    workspace.run_jobs = _jobs_runner(services, app_settings, database)
    test_keys = FakeOpenAI.test_keys() if offline else []
    if openai is not None:
        admin_key = seed_demo(openai.admin, FakeOpenAI.key_for("valid"))
        test_keys.append({"scenario": "admin", "key": admin_key, "outcome": DEMO_NOTE})
    page = PlaygroundPage(workspace, test_keys=test_keys, extra_host=host)
    page_server = DrainingServer(
        page, host=host, port=settings.port if port is None else port, threads=8
    )
    page.port = page_server.port
    app_thread = threading.Thread(target=app_server.serve, name="playground-app", daemon=True)
    app_thread.start()
    return Playground(slack, openai, database, app_server, page_server, workspace, [app_thread])


def _jobs_runner(
    services: Services, settings: Settings, database: Database
) -> Callable[[], list[str]]:
    """The page's "Run scheduled jobs now": every job made due now, then run by the code of
    ``python -m bot jobs run-due`` (the same runner, leases and Slack client).

    The playground starts no scheduler thread: a new job is first due one period after it
    appears (a day for costs and key checks), so nothing would happen while someone tries
    the page; the button runs them when there is something to see, as often as asked.
    """
    from bot.jobs.schedule import build_runner
    from bot.slack.notify import Notifier, clients_from_settings

    runner = build_runner(
        services, Notifier(clients_from_settings(settings, database, services.keyring))
    )
    one_at_a_time = threading.Lock()

    def run_now() -> list[str]:
        with one_at_a_time:
            now = datetime.now(UTC)
            for job in runner.jobs:
                runner.leases.ensure(job.name, now)
                runner.leases.make_due(job.name, now)
            return runner.run_due(now)

    return run_now


def _app_settings(settings: Settings, **overrides: Any) -> Settings:
    values = settings.model_dump()
    values.update(overrides)
    return Settings(**values)


def page_host(settings: Settings, given: str | None) -> str:
    """``--host``, else ``HOST`` when it is set, else loopback only (Settings' own default,
    every interface, suits a server in a container, not a page on a laptop)."""
    if given:
        return given
    return settings.host if "host" in settings.model_fields_set else DEFAULT_HOST


def run(settings: Settings, *, offline: bool, host: str | None, port: int | None) -> int:
    playground = start(settings, offline=offline, host=page_host(settings, host), port=port)
    print(
        BANNER.format(url=playground.url, openai_line=OFFLINE_LINE if offline else ONLINE_LINE),
        file=sys.stderr,
        flush=True,
    )
    playground.serve_forever()
    return 0
