"""Operator commands for keys: ``keys list|export|rotate`` and ``keyring add|retire``.

Plaintext keys leave the app only here (``keys export``), on the operator's terminal, and
every export is audited.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.identity import Workspace
from bot.keys.audit import AuditLog
from bot.keys.export import KeyExport
from bot.keys.keyring import Keyring, KeyringError, load_or_create_keyring
from bot.keys.results import Verdict
from bot.keys.rotation import rotate_all, rows_using
from bot.oauth.rekeying import rekey_tokens, token_rows_using
from bot.org.rekeying import admin_rows_using, rekey_admin_keys
from bot.rules.submission import Field, Problem, parse_project_name, visible
from bot.store import key_records
from bot.store.database import Database, DatabaseUnavailable, open_database, sqlite_file
from bot.store.schema import ensure_schema
from bot.ui.messages import text


def add_parsers(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="the team keys stored by the app")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    listing = keys_commands.add_parser("list", help="projects and masked keys of a team")
    _workspace_arguments(listing)
    listing.add_argument("--json", action="store_true")
    export = keys_commands.add_parser("export", help="print a project's key (audited)")
    _workspace_arguments(export)
    export.add_argument("--project", required=True)
    export.add_argument("--format", choices=["plain", "env"], default="plain")
    rotate = keys_commands.add_parser(
        "rotate", help="re-encrypt every key and Slack token under the active key"
    )
    rotate.add_argument("--batch-size", type=int, default=500)

    keyring = commands.add_parser("keyring", help="the encryption keyring")
    keyring_commands = keyring.add_subparsers(dest="keyring_command", required=True)
    keyring_commands.add_parser(
        "list", help="key ids, which one is active, and how many rows each still protects"
    )
    keyring_commands.add_parser("add", help="add a new active key (older ones stay readable)")
    retire = keyring_commands.add_parser("retire", help="remove a key no row uses any more")
    retire.add_argument("key_id")


def _workspace_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team", required=True, help="Slack team id, e.g. T0123ABCD")
    parser.add_argument("--enterprise", default="", help="Enterprise Grid id, if any")


def run(settings: Settings, args: argparse.Namespace) -> int:
    keyring_path = settings.keyring_file or settings.data_dir / "keyring.json"
    # Only `keyring add` may make a keyring (or a database): every other command reads what
    # the app made, and a typo in DATA_DIR must not leave a fresh, unbacked-up secret behind.
    creates = args.command == "keyring" and args.keyring_command == "add"
    try:
        database = _open_database(settings, create=creates)
        if args.command == "keys" and args.keys_command == "list":
            return _list(database, Workspace(args.enterprise, args.team), as_json=args.json)
        if creates:
            keyring, _ = load_or_create_keyring(settings.keyring_file, keyring_path)
        else:
            keyring = Keyring.load(keyring_path)
        if args.command == "keyring":
            return _keyring(args, keyring, keyring_path, database)
        if args.keys_command == "export":
            audit = AuditLog(database, lambda: datetime.now(UTC), key_admins=frozenset())
            exporter = KeyExport(database, keyring, audit)
            return _export(exporter, Workspace(args.enterprise, args.team), args)
        report = rotate_all(database, keyring, batch_size=args.batch_size)
        tokens = rekey_tokens(database, keyring, batch_size=args.batch_size)
        admin_keys = rekey_admin_keys(database, keyring)
        print(report.summary())
        print(tokens.summary())
        print(admin_keys.summary())
        return 1 if report.unreadable or tokens.unreadable or admin_keys.unreadable else 0
    except KeyringError as error:
        print(f"error: {error}", file=sys.stderr)
        return 4
    except MissingDatabase as error:
        print(f"error: {error}", file=sys.stderr)
        return 3


class MissingDatabase(Exception):
    """The SQLite file an operator command reads does not exist (nothing stored yet)."""


def _open_database(settings: Settings, *, create: bool) -> Database:
    url = settings.resolved_database_url
    path = sqlite_file(url)
    if not create and path is not None and not path.exists():
        raise MissingDatabase(
            f"no database at {path}: nothing is stored yet, or DATA_DIR / DATABASE_URL "
            "do not name the app's database"
        )
    try:
        database = open_database(url)
    except DatabaseUnavailable as error:
        raise MissingDatabase(str(error).removeprefix("openai-setup cannot start: ")) from None
    ensure_schema(database)
    return database


def _list(database: Database, workspace: Workspace, *, as_json: bool) -> int:
    """Masked facts only: listing needs no keyring."""
    with database.read_session() as session:
        projects = key_records.list_projects(session, workspace)
    rows = [
        {
            "project": project.name,
            "key": project.key.masked if project.key else None,
            "status": project.key.status if project.key else "no key",
            "set_by": project.key.set_by if project.key else None,
            "last_checked_at": (
                project.key.last_checked_at.isoformat()
                if project.key and project.key.last_checked_at
                else None
            ),
            "openai_organization": project.key.openai_organization if project.key else None,
            "openai_project": project.key.openai_project if project.key else None,
        }
        for project in projects
    ]
    if as_json:
        print(json.dumps(rows, indent=2))  # ASCII: control characters come out as \u escapes
    elif not rows:
        team = workspace.team_id + (
            f" (enterprise {workspace.enterprise_id})" if workspace.enterprise_id else ""
        )
        print(
            f"no keys yet for team {visible(team)}: people add them in Slack with "
            "`/openai-setup key <project>`"
        )
    else:
        # A name stored before the name rules could hold terminal control sequences.
        for row in rows:
            print(f"{visible(str(row['project']))}\t{row['key'] or '-'}\t{row['status']}")
    return 0


def _export(exporter: KeyExport, workspace: Workspace, args: argparse.Namespace) -> int:
    name = parse_project_name(args.project)
    if isinstance(name, Problem):
        exporter.audit.refuse_input(workspace, "cli", None, {Field.PROJECT: name}, action="export")
        reason = text(name.message_key, **{**name.values, "field": "--project"})
        print(f"error: --project is not a valid project name. {reason}", file=sys.stderr)
        return 2
    exported = exporter.export(workspace, name.shown)
    if exported.verdict is Verdict.UNREADABLE:
        print(
            f"error: the stored key of {name.shown!r} cannot be decrypted with this "
            "keyring (tampered, or KEYRING_FILE is not the keyring it was stored with)",
            file=sys.stderr,
        )
        return 1
    if exported.verdict is not Verdict.DONE or exported.api_key is None:
        print(
            f"error: team {args.team} has no stored key for project {name.shown!r}",
            file=sys.stderr,
        )
        return 1
    api_key = exported.api_key
    print(f"OPENAI_API_KEY={shlex.quote(api_key)}" if args.format == "env" else api_key)
    return 0


def _keyring(args: argparse.Namespace, keyring: Keyring, path: Path, database: Database) -> int:
    if args.keyring_command == "list":
        return _list_keyring(keyring, path, database)
    if args.keyring_command == "add":
        key_id = keyring.add_key()
        keyring.save(path)
        print(
            f"added key {key_id}; it is now active. Run `python -m bot keys rotate` to "
            "re-encrypt the stored keys under it."
        )
        return 0
    in_use = (
        rows_using(database, args.key_id)
        + token_rows_using(database, args.key_id)
        + admin_rows_using(database, args.key_id)
    )
    if in_use:
        print(
            f"error: {in_use} stored keys or Slack tokens still use {args.key_id}; run "
            "`python -m bot keys rotate` first",
            file=sys.stderr,
        )
        return 1
    keyring.retire(args.key_id)
    keyring.save(path)
    print(f"retired key {args.key_id}")
    return 0


def _list_keyring(keyring: Keyring, path: Path, database: Database) -> int:
    """One line a key: its id, whether new writes use it, and the rows only it can decrypt
    (a key with none left can be retired)."""
    print(f"keyring {path}")
    for key_id in keyring.key_ids:
        keys = rows_using(database, key_id)
        tokens = token_rows_using(database, key_id)
        state = "active" if key_id == keyring.active_id else "older"
        hint = "" if keys or tokens or state == "active" else "  (unused: can be retired)"
        print(f"{key_id}\t{state}\t{keys} stored keys, {tokens} Slack token rows{hint}")
    return 0
