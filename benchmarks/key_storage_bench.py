"""Key storage cost: the crypto path, an encrypted write against a plain one, and rotation.

Run from the repository root: ``.venv/bin/python benchmarks/key_storage_bench.py``
(``--commits N`` per variant, ``--rows N`` for rotation, ``--no-postgres`` to skip it).

Goals (each figure is printed beside a baseline measured in the same run):
- encrypt and decrypt of an API key (ours, with a BindingContext) ≤ 10 µs/op each,
  beside bare ``AESGCM.encrypt``/``decrypt`` with the same associated data;
- an encrypted insert+commit of a ``StoredKey`` row ≤ 1.10 x the same insert+commit with the
  plaintext in the column (SQLite WAL file, ``Database`` + ``schema.upgrade``), alternating
  blocks of commits so that drift (WAL growth, checkpoints, CPU frequency) hits both alike;
- rotation (``rotate_all`` after ``keyring.add_key()``) ≥ 1,000 rows/s on SQLite and on
  PostgreSQL (a fresh schema in 127.0.0.1:5432/test, dropped afterwards), with every row
  decrypted afterwards and compared with its original plaintext; beside it, the same batched
  select+update with no crypto at all.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update

from bot.identity import Workspace
from bot.keys.crypto import BindingContext, decrypt, encrypt, fingerprint, mask
from bot.keys.key_binding import binding
from bot.keys.keyring import Keyring
from bot.keys.rotation import rotate_all
from bot.store.database import Database
from bot.store.models import KeyProject, ProjectMaintainer, StoredKey
from bot.store.schema import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# A realistic sk-proj- key length (132 characters); not a real key.
API_KEY = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 3 + "Q7r-T0u_W3x6"
CONTEXT = BindingContext("openai-api-key", "E0123456789", "T0123456789", "12345")
WORKSPACES = (Workspace("", "T1"), Workspace("", "T2"), Workspace("E1", "T1"))
OWNER = "UBENCH"
GOAL_PATH_US = 10.0
GOAL_WRITE_RATIO = 1.10
GOAL_ROTATION_ROWS_S = 1_000.0


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def random_key() -> str:
    """A fake key shaped like a current ``sk-proj-`` key (164 characters)."""
    return "sk-proj-" + secrets.token_urlsafe(117)[:156]


# --- (a) the crypto path ---------------------------------------------------------------------
def time_per_operation(operation: Callable[[], object], iterations: int, repeats: int) -> float:
    """Median µs per call over ``repeats`` runs of ``iterations`` calls (after a warm-up)."""
    for _ in range(min(iterations, 1000)):
        operation()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter_ns()
        for _ in range(iterations):
            operation()
        runs.append((time.perf_counter_ns() - started) / iterations / 1000)
    return statistics.median(runs)


def bench_paths(iterations: int, repeats: int) -> None:
    keyring = Keyring.generate()
    stored = encrypt(keyring, API_KEY, CONTEXT)
    assert decrypt(keyring, stored, CONTEXT) == API_KEY
    plaintext = API_KEY.encode()
    associated_data = CONTEXT.associated_data(keyring.active_id)
    bare = AESGCM(os.urandom(32))
    nonce = os.urandom(12)
    sealed = bare.encrypt(nonce, plaintext, associated_data)
    pairs = [
        (
            "encrypt",
            lambda: encrypt(keyring, API_KEY, CONTEXT),
            lambda: bare.encrypt(os.urandom(12), plaintext, associated_data),
        ),
        (
            "decrypt",
            lambda: decrypt(keyring, stored, CONTEXT),
            lambda: bare.decrypt(nonce, sealed, associated_data),
        ),
    ]
    print(f"(a) crypto path, µs/op, median of {repeats} x {iterations:,} ops")
    header = f"{'operation':<10} {'ours':>8} {'bare AESGCM':>12} {'ours/bare':>10}"
    print(f"{header} {'goal':>9}  status")
    for name, ours, baseline in pairs:
        ours_us = time_per_operation(ours, iterations, repeats)
        bare_us = time_per_operation(baseline, iterations, repeats)
        print(
            f"{name:<10} {ours_us:8.2f} {bare_us:12.2f} {ours_us / bare_us:9.2f}x "
            f"{'≤ 10 µs':>9}  {verdict(ours_us <= GOAL_PATH_US)}"
        )
    print()


# --- shared: projects and rows ---------------------------------------------------------------
def add_projects(database: Database, count: int, prefix: str) -> list[tuple[int, Workspace]]:
    """``count`` projects (with their creator as maintainer), like the service creates them."""
    now = datetime.now(UTC)
    with database.session() as session, session.begin():
        projects = [
            KeyProject(
                enterprise_id=WORKSPACES[n % 3].enterprise_id,
                team_id=WORKSPACES[n % 3].team_id,
                name=f"{prefix} {n}",
                name_key=f"{prefix} {n}".lower(),
                created_by=OWNER,
                created_at=now,
            )
            for n in range(count)
        ]
        session.add_all(projects)
        session.flush()
        session.add_all(
            ProjectMaintainer(project_id=p.id, user_id=OWNER, added_by=OWNER, added_at=now)
            for p in projects
        )
        return [(p.id, Workspace(p.enterprise_id, p.team_id)) for p in projects]


def key_row(project_id: int, column_value: str, api_key: str, key_id: str, keyring: Keyring):
    now = datetime.now(UTC)
    return StoredKey(
        project_id=project_id,
        ciphertext=column_value,
        keyring_key_id=key_id,
        masked=mask(api_key),
        fingerprint=fingerprint(keyring, api_key),
        status="valid",
        set_by=OWNER,
        set_at=now,
        last_checked_at=now,
        last_outcome="valid",
        version=1,
    )


# --- (b) encrypted write vs plain write ------------------------------------------------------
def bench_writes(directory: Path, commits: int, block: int) -> None:
    """Encrypted vs plain single-row writes, plus two diagnostic variants in between.

    "plain, padded" stores a plaintext as long as a ciphertext (does the longer row cost?);
    "plain + encrypt discarded" runs the crypto path but stores the plaintext (does the crypto
    path alone explain the difference?).
    """
    database = Database(f"sqlite:///{directory / 'writes.sqlite3'}")
    upgrade(database)
    keyring = Keyring.generate()
    names = ("encrypted", "plain", "plain, padded", "plain + encrypt discarded")
    warm_up = 100
    # The order of the writes: warm-up rounds, then blocks of each variant, the leader
    # rotating, so that no variant always follows a WAL checkpoint. Project ids are handed out
    # in this order, so every insert appends at the end of the table for all variants alike.
    schedule = [name for _ in range(warm_up) for name in names]
    timed_from = len(schedule)
    for number, start in enumerate(range(0, commits, block)):
        size = min(block, commits - start)
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            schedule += [name] * size
    projects = add_projects(database, len(schedule), "write")
    keys = [random_key() for _ in schedule]
    padding = "x" * (len(encrypt(keyring, keys[0], CONTEXT)) - len(keys[0]))
    crypto: list[float] = []  # binding + encrypt, timed inside the encrypted writes

    def write(position: int, name: str) -> None:
        project_id, workspace = projects[position]
        api_key = keys[position]
        with database.session() as session, session.begin():
            if name == "encrypted":
                began = time.perf_counter_ns()
                value = encrypt(keyring, api_key, binding(workspace, project_id))
                if position >= timed_from:
                    crypto.append((time.perf_counter_ns() - began) / 1000)
            elif name == "plain + encrypt discarded":
                encrypt(keyring, api_key, binding(workspace, project_id))
                value = api_key
            else:
                value = api_key + padding if name == "plain, padded" else api_key
            session.add(key_row(project_id, value, api_key, keyring.active_id, keyring))

    timings: dict[str, list[float]] = {name: [] for name in names}
    for position, name in enumerate(schedule):
        began = time.perf_counter_ns()
        write(position, name)
        if position >= timed_from:
            timings[name].append((time.perf_counter_ns() - began) / 1000)
    database.dispose()

    enc, plain = timings["encrypted"], timings["plain"]
    ratios = {
        "mean": statistics.fmean(enc) / statistics.fmean(plain),
        "trimmed mean": trimmed_mean(enc) / trimmed_mean(plain),
        "p50": statistics.median(enc) / statistics.median(plain),
    }
    print(
        f"(b) insert+commit of one StoredKey row, SQLite WAL file, {commits:,} commits per "
        f"variant, in rotating blocks of {block}"
    )
    print(
        f"{'variant':<27} {'mean µs':>9} {'trim µs':>9} {'p50 µs':>9} {'p99 µs':>9} "
        f"{'p50/plain':>9}"
    )
    rows = [(name, timings[name]) for name in names]
    rows.insert(1, ("  of which binding+encrypt", crypto))
    for label, values in rows:
        print(
            f"{label:<27} {statistics.fmean(values):9.1f} {trimmed_mean(values):9.1f} "
            f"{statistics.median(values):9.1f} {percentile(values, 99):9.1f} "
            f"{statistics.median(values) / statistics.median(plain):8.3f}x"
        )
    print(
        "ratio encrypted/plain: "
        + ", ".join(f"{name} {value:.3f}x" for name, value in ratios.items())
        + f"; goal ≤ {GOAL_WRITE_RATIO:.2f}x on p50: {verdict(ratios['p50'] <= GOAL_WRITE_RATIO)}"
    )
    print("(trim: mean without the slowest 1%, the WAL checkpoints that land in any variant)")
    print()


def trimmed_mean(values: list[float], drop: float = 0.01) -> float:
    ordered = sorted(values)
    return statistics.fmean(ordered[: max(1, round(len(ordered) * (1 - drop)))])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# --- (c) rotation ----------------------------------------------------------------------------
def insert_rows(database: Database, keyring: Keyring, count: int) -> dict[int, str]:
    """``count`` projects with a stored key each; project id -> plaintext."""
    projects = add_projects(database, count, "rot")
    plaintexts: dict[int, str] = {}
    with database.session() as session, session.begin():
        rows = []
        for project_id, workspace in projects:
            api_key = random_key()
            stored = encrypt(keyring, api_key, binding(workspace, project_id))
            rows.append(key_row(project_id, stored, api_key, keyring.active_id, keyring))
            plaintexts[project_id] = api_key
        session.add_all(rows)
    return plaintexts


def plain_rewrite(database: Database, batch_size: int = 500) -> int:
    """The baseline: rotate_all's batched select + versioned update, with no crypto at all."""
    after, written = -1, 0
    while True:
        with database.session() as session:
            batch = session.execute(
                select(StoredKey.project_id, StoredKey.ciphertext, StoredKey.version)
                .join(KeyProject, KeyProject.id == StoredKey.project_id)
                .where(StoredKey.project_id > after)
                .order_by(StoredKey.project_id)
                .limit(batch_size)
            ).all()
        if not batch:
            return written
        with database.session() as session, session.begin():
            for project_id, ciphertext, version in batch:
                after = project_id
                result = session.execute(
                    update(StoredKey)
                    .where(StoredKey.project_id == project_id, StoredKey.version == version)
                    .values(ciphertext=ciphertext, version=version + 1)
                )
                written += result.rowcount  # type: ignore[attr-defined]


def mismatches(database: Database, keyring: Keyring, plaintexts: dict[int, str]) -> int:
    """Rows that do not decrypt to their original plaintext, or are missing, or are extra."""
    bad = 0
    seen = set()
    with database.session() as session:
        rows = session.execute(
            select(
                StoredKey.project_id,
                StoredKey.ciphertext,
                KeyProject.enterprise_id,
                KeyProject.team_id,
            ).join(KeyProject, KeyProject.id == StoredKey.project_id)
        ).all()
    for project_id, ciphertext, enterprise_id, team_id in rows:
        seen.add(project_id)
        context = binding(Workspace(enterprise_id, team_id), project_id)
        try:
            if decrypt(keyring, ciphertext, context) != plaintexts.get(project_id):
                bad += 1
        except Exception:
            bad += 1
    return bad + len(set(plaintexts) - seen)


def bench_rotation(database: Database, count: int) -> tuple[float, float, int, int]:
    """(rotate_all rows/s, plain rewrite rows/s, rows rotated, mismatches)."""
    upgrade(database)
    keyring = Keyring.generate()
    plaintexts = insert_rows(database, keyring, count)
    started = time.perf_counter()
    written = plain_rewrite(database)
    plain_seconds = time.perf_counter() - started
    assert written == count, written
    keyring.add_key()
    started = time.perf_counter()
    report = rotate_all(database, keyring)
    rotate_seconds = time.perf_counter() - started
    bad = mismatches(database, keyring, plaintexts)
    return count / rotate_seconds, count / plain_seconds, report.rotated, bad


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards (like tests/conftest.py)."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    base = POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def print_rotation_row(backend: str, result: tuple[float, float, int, int], count: int) -> None:
    rate, plain_rate, rotated, bad = result
    ok = rate >= GOAL_ROTATION_ROWS_S and bad == 0 and rotated == count
    print(
        f"{backend:<11} {count:>6,} {rate:>13,.0f} {plain_rate:>16,.0f} "
        f"{rate / plain_rate:>10.2f} {rotated:>8,} {bad:>11}  {verdict(ok)}"
    )


def bench_rotations(directory: Path, count: int, with_postgres: bool) -> None:
    print(
        f"(c) rotation: rotate_all after keyring.add_key(), {count:,} rows, batches of 500 "
        "(goal ≥ 1,000 rows/s, 0 mismatches)"
    )
    print(
        f"{'backend':<11} {'rows':>6} {'rotate rows/s':>13} {'plain rewrite/s':>16} "
        f"{'rot/plain':>10} {'rotated':>8} {'mismatches':>11}  status"
    )
    database = Database(f"sqlite:///{directory / 'rotation.sqlite3'}")
    try:
        print_rotation_row("SQLite WAL", bench_rotation(database, count), count)
    finally:
        database.dispose()
    if not with_postgres:
        print(f"{'PostgreSQL':<11} skipped (--no-postgres)")
        return
    if not postgres_available():
        print(f"{'PostgreSQL':<11} skipped: not reachable at {POSTGRES_ADMIN_URL}")
        return
    with postgres_schema() as url:
        database = Database(url)
        try:
            print_rotation_row("PostgreSQL", bench_rotation(database, count), count)
        finally:
            database.dispose()


def postgres_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=20_000, help="crypto ops per run")
    parser.add_argument("--repeats", type=int, default=7, help="crypto runs (median)")
    parser.add_argument("--commits", type=int, default=2_000, help="commits per variant")
    parser.add_argument("--block", type=int, default=100, help="commits per alternating block")
    parser.add_argument("--rows", type=int, default=5_000, help="rows to rotate")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    arguments = parser.parse_args(argv)
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"key storage benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}"
    )
    print(
        f"goals: encrypt/decrypt ≤ {GOAL_PATH_US:g} µs; encrypted write ≤ {GOAL_WRITE_RATIO:.2f}x "
        f"plain; rotation ≥ {GOAL_ROTATION_ROWS_S:,.0f} rows/s"
    )
    print()
    bench_paths(arguments.iterations, arguments.repeats)
    with tempfile.TemporaryDirectory(prefix="key-storage-bench-") as temporary:
        directory = Path(temporary)
        bench_writes(directory, arguments.commits, arguments.block)
        bench_rotations(directory, arguments.rows, not arguments.no_postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
