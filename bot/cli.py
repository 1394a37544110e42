"""The command line: run the app, ask the troubleshooting guide, manage the database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from bot.config import Settings
from bot.guide.model import Answer, Entry, Step
from bot.log_redaction import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Slack app (the default)")

    ask = commands.add_parser("ask", help="ask the troubleshooting guide a question")
    ask.add_argument("question", help="a question or a pasted error message")
    ask.add_argument("--json", action="store_true", help="print matched entries and scores")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("current", help="print the schema revision")
    downgrade = db_commands.add_parser("downgrade", help="revert to a revision")
    downgrade.add_argument("revision")
    from bot.cli_keys import add_parsers

    add_parsers(commands)
    from bot.cli_org import add_parsers as add_org_parsers

    add_org_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Everything this process creates (database, keyring, data folder) is for its user only.
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level)
    if args.command == "ask":
        return ask(args.question, as_json=args.json)
    if args.command == "db":
        return database_command(settings, args)
    if args.command in ("keys", "keyring"):
        from bot import cli_keys

        return cli_keys.run(settings, args)
    if args.command in ("org", "jobs"):
        from bot import cli_org

        return cli_org.run(settings, args)
    from bot.runner import run

    return run(settings)


def ask(question: str, *, as_json: bool) -> int:
    from bot.guide.search import default_index
    from bot.guide.steps import default_steps

    answer = default_index().search(question)
    if as_json:
        payload = {
            "query": question,
            "confident": answer.confident,
            "language": answer.language,
            "codes": list(answer.matched_codes),
            "matches": [
                {
                    "id": match.entry.id,
                    "title": match.entry.title,
                    "score": round(match.score, 4),
                    "reason": match.reason,
                    "step": match.entry.step,
                }
                for match in answer.matches
            ],
        }
        print(json.dumps(payload, indent=2))
    else:
        print(answer_as_text(answer, default_steps(), default_index().topics()))
    return 0


def answer_as_text(answer: Answer, steps: Sequence[Step], topics: Sequence[Entry]) -> str:
    """The troubleshooting answer for a terminal (Slack mrkdwn kept: it reads fine as text)."""
    if not answer.confident:
        titles = "\n".join(f"  - {entry.title}" for entry in topics)
        return f"I'm not sure about that one. Topics I can help with:\n{titles}"
    step_titles = {step.number: step.title for step in steps}
    parts = []
    for match in answer.matches:
        lines = [f"# {match.entry.title}", f"Cause: {match.entry.cause}", f"Fix: {match.entry.fix}"]
        if match.entry.step in step_titles:
            lines.append(f"Guide step {match.entry.step}: {step_titles[match.entry.step]}")
        lines.extend(f"{link.label}: {link.url}" for link in match.entry.links)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def database_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import schema
    from bot.store.database import Database

    database = Database(settings.resolved_database_url)
    if args.db_command == "upgrade":
        schema.upgrade(database)
        print(f"database at revision {schema.current_revision(database)}")
    elif args.db_command == "downgrade":
        schema.downgrade(database, args.revision)
        print(f"database at revision {schema.current_revision(database)}")
    else:
        print(schema.current_revision(database) or "empty")
    return 0


if __name__ == "__main__":
    sys.exit(main())
