"""The command line: run the app, ask the troubleshooting guide, manage the database."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from bot.config import ConfigurationError, Settings, forget_slack_variables, load_settings
from bot.guide.model import Answer, Entry, Step
from bot.log_redaction import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Slack app (the default)")

    playground = commands.add_parser(
        "playground", help="try the app in a browser, with a pretend Slack workspace"
    )
    playground.add_argument(
        "--offline", action="store_true", help="check keys against a simulated OpenAI"
    )
    playground.add_argument("--port", type=int, help="the page's port (default: PORT or 3000)")
    playground.add_argument(
        "--host", help="the page's address (default: HOST if set, else 127.0.0.1 only)"
    )

    ask = commands.add_parser("ask", help="ask the troubleshooting guide a question")
    ask.add_argument("question", nargs="?", help="a question or a pasted error message")
    ask.add_argument("--json", action="store_true", help="print matched entries and scores")
    ask.add_argument(
        "--unanswered",
        action="store_true",
        help="list the questions the app could not answer (from the database), newest first",
    )
    ask.add_argument("--team", help="with --unanswered: only this Slack team id")
    ask.add_argument("--enterprise", default="", help="with --team: its Enterprise Grid id")
    ask.add_argument(
        "--lang",
        choices=("auto", "en", "zh-Hans", "es"),
        default="auto",
        help="language of the answer (default: the question's, when translated, else English)",
    )

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
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(error, file=sys.stderr)
        return 2
    forget_slack_variables()
    configure_logging(settings.log_level)
    if settings.log_level != "DEBUG":
        # Alembic says "Context impl SQLiteImpl." at INFO on every command that opens the
        # database; migrations that run are still reported (`db upgrade` prints the revision).
        logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "ask":
        if args.unanswered:
            from bot.cli_questions import list_unanswered

            return list_unanswered(settings, args.team, args.enterprise, as_json=args.json)
        if not args.question:
            print("error: ask needs a question (or --unanswered)", file=sys.stderr)
            return 2
        return ask(args.question, as_json=args.json, lang=args.lang)
    if args.command == "db":
        return database_command(settings, args)
    if args.command == "playground":
        from bot.playground.run import run as run_playground

        return run_playground(settings, offline=args.offline, host=args.host, port=args.port)
    if args.command in ("keys", "keyring"):
        from bot import cli_keys

        return cli_keys.run(settings, args)
    if args.command in ("org", "jobs"):
        from bot import cli_org

        return cli_org.run(settings, args)
    from bot.runner import run

    return run(settings)


def ask(question: str, *, as_json: bool, lang: str = "auto") -> int:
    from bot.guide.search import default_index
    from bot.guide.steps import default_steps
    from bot.guide.translations import ENGLISH, answer_locale, default_translations

    answer = default_index().search(question)
    locale = answer_locale(answer.language, ENGLISH) if lang == "auto" else lang
    if as_json and lang == "auto":
        locale = ENGLISH  # --json keeps English titles unless a language is asked for
    translations = default_translations()
    answer = translations.answer(answer, locale)
    steps = translations.steps(default_steps(), locale)
    topics = translations.entries(default_index().topics(), locale)
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
        print(answer_as_text(answer, steps, topics, locale))
    return 0


def answer_as_text(
    answer: Answer, steps: Sequence[Step], topics: Sequence[Entry], locale: str = "en"
) -> str:
    """The troubleshooting answer for a terminal (Slack mrkdwn kept: it reads fine as text)."""
    if not answer.confident:
        titles = "\n".join(f"  - {entry.title}" for entry in topics)
        return f"I'm not sure about that one. Topics I can help with:\n{titles}"
    step_titles = {step.number: step.title for step in steps}
    cause, fix = "Cause:", "Fix:"
    if locale != "en":
        from bot.ui.messages import text_in

        cause, fix = (text_in(locale, f"answer.{n}_label").strip("*") for n in ("cause", "fix"))
    parts = []
    for match in answer.matches:
        lines = [
            f"# {match.entry.title}",
            f"{cause} {match.entry.cause}",
            f"{fix} {match.entry.fix}",
        ]
        if match.entry.step in step_titles:
            lines.append(f"Guide step {match.entry.step}: {step_titles[match.entry.step]}")
        lines.extend(f"{link.label}: {link.url}" for link in match.entry.links)
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def database_command(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import schema
    from bot.store.database import DatabaseUnavailable, open_database

    try:
        database = open_database(settings.resolved_database_url)
    except DatabaseUnavailable as error:
        print(error, file=sys.stderr)
        return 3
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
