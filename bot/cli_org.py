"""Operator commands: ``org show`` (what the connected organization says) and ``jobs run-due``.

``jobs run-due --at`` runs, once, every scheduled job that is due as if the clock read
``--at``: the in-app scheduler calls the same code, so operators may run it from cron.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from bot.config import Settings
from bot.identity import Workspace
from bot.keys.keyring import Keyring, KeyringError


def add_parsers(commands: argparse._SubParsersAction) -> None:
    org = commands.add_parser("org", help="the connected OpenAI organization")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    show = org_commands.add_parser("show", help="linked projects, their keys and costs")
    show.add_argument("--team", required=True, help="Slack team id, e.g. T0123ABCD")
    show.add_argument("--enterprise", default="", help="Enterprise Grid id, if any")
    show.add_argument("--json", action="store_true")
    jobs = commands.add_parser("jobs", help="scheduled work")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True)
    due = jobs_commands.add_parser("run-due", help="run every due job once")
    due.add_argument("--at", type=_moment, default=None, help="ISO-8601 time to run as")


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_keys import MissingDatabase, _open_database
    from bot.services import Services

    try:
        database = _open_database(settings, create=False)
        Keyring.load(settings.keyring_file or settings.data_dir / "keyring.json")
        services = Services.build(settings, database)
    except (KeyringError, MissingDatabase) as error:
        print(f"error: {error}", file=sys.stderr)
        return 4 if isinstance(error, KeyringError) else 3
    if args.command == "org":
        from bot.org.inventory import overview

        found = overview(
            services.organization, Workspace(args.enterprise, args.team), datetime.now(UTC)
        )
        document = found.as_json()
        if args.json:
            print(json.dumps(document))
        else:
            print("connected" if found.connected else "not connected")
            for project in found.projects:
                print(f"{project.project}: {project.openai_project_id or 'not linked'}")
        return 0
    from bot.jobs.schedule import build_runner
    from bot.slack.notify import Notifier, clients_from_settings

    notifier = Notifier(clients_from_settings(settings, database, services.keyring))
    ran = build_runner(services, notifier).run_due(args.at or datetime.now(UTC))
    print(f"ran {len(ran)} jobs: {', '.join(ran) or '-'}")
    return 0


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {value[:40]!r}") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
