"""End-to-end latency of the real app in HTTP mode against a bare Bolt app that only acks.

Run from the repository root: ``.venv/bin/python benchmarks/app_latency.py``
(``--requests N`` per level, ``--levels 1,8,32``, ``--no-postgres``, ``--submissions N``).

What it measures, all over loopback:
(a) ``/openai-setup`` (the overview) and (b) ``/openai-setup billing hard limit reached`` (a
    troubleshooting answer): signed slash-command POSTs to ``/slack/events`` answered 200 with
    blocks, at 1, 8 and 32 concurrent clients (threads with persistent ``HTTPConnection``s, in
    a separate process so they do not share the app's GIL; warm-up first). The real app is
    built exactly as ``tests/support/running_app.py`` does (Settings → FakeSlack, SQLite file
    in a temporary directory, PostgreSQL in a fresh schema as a second column, waitress with
    8 threads). The baseline, measured in the same run and interleaved with it, is a bare Bolt
    ``App`` whose ``/openai-setup`` listener only calls ``ack()``, behind the same waitress
    settings and the same ``SlackRequestHandler`` (and, to compare like with like, a listener
    pool as large as the real app's).
(c) The ack time of key submissions (``view_submission``, ``api_key_modal``) while the fake
    OpenAI hangs 30 s (``FakeOpenAI(slow_seconds=30)``, ``key_for("slow")``, app setting
    ``openai_timeout_seconds=30``), beside the ack time of the same submissions when OpenAI
    answers at once. Then the fake OpenAI is closed, which releases the hanging checks, so
    the script does not wait 30 s.

Goals: p50 ≤ 1.5 x the bare app at every level; p99 ≤ 100 ms at 8 clients; every key
submission acked in < 1 s even while OpenAI hangs.
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from slack_bolt import App  # noqa: E402
from slack_bolt.adapter.wsgi import SlackRequestHandler  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from waitress.server import create_server  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.keys.keyring import Keyring  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.running_app import BOT_TOKEN, SIGNING_SECRET, RunningApp  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
FORM = "application/x-www-form-urlencoded"
SCENARIOS = {"overview": "", "question": "billing hard limit reached"}
BENCH_USER = "U0BENCH"
GOAL_P50_RATIO = 1.5
GOAL_P99_MS = 100.0
GOAL_ACK_S = 1.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


# --- the bare baseline, served like RunningApp ------------------------------------------------
class BareApp:
    """A Bolt app that only acks ``/openai-setup``, behind waitress like RunningApp."""

    def __init__(self, slack: FakeSlack, listener_threads: int) -> None:
        self.bolt = App(
            client=WebClient(token=BOT_TOKEN, base_url=slack.api_url),
            signing_secret=SIGNING_SECRET,
            listener_executor=ThreadPoolExecutor(max_workers=listener_threads),
        )

        @self.bolt.command("/openai-setup")
        def command(ack: Any) -> None:
            ack()

        handler = SlackRequestHandler(self.bolt, path="/slack/events")
        self._server = create_server(handler, host="127.0.0.1", port=0, threads=8)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            self._server.asyncore.loop(timeout=0.05, map=self._server._map, count=1)

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._server.close()
        self.bolt.listener_runner.listener_executor.shutdown(wait=True)


# --- the load generator (runs in a child process) --------------------------------------------
@dataclass
class LevelResult:
    latencies_ms: list[float]
    seconds: float
    errors: int


def signed(body: bytes, timestamp: str) -> tuple[bytes, dict[str, str]]:
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    return body, {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature or "",
    }


def run_level(
    port: int, bodies: list[bytes], clients: int, warm_up: int, expect: bytes
) -> tuple[list[float], float, int]:
    """``clients`` threads with one keep-alive connection each share ``bodies`` between them.

    Each thread first sends ``warm_up`` requests (untimed), then all start together; the wall
    time runs from that start to the last answer.
    """
    timestamp = str(int(time.time()))
    requests = [signed(body, timestamp) for body in bodies]
    warm = requests[: max(1, warm_up)]
    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def send(connection: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> bool:
        connection.request("POST", "/slack/events", body, headers)
        response = connection.getresponse()
        data = response.read()
        return response.status == 200 and expect in data

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body, headers in warm:
            send(connection, body, headers)
        barrier.wait()
        for body, headers in requests[number::clients]:
            started = time.perf_counter()
            try:
                ok = send(connection, body, headers)
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            latencies[number].append((time.perf_counter() - started) * 1000)
            errors[number] += not ok
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return [ms for per in latencies for ms in per], seconds, sum(errors)


# --- (a) and (b) ------------------------------------------------------------------------------
@dataclass
class Target:
    name: str
    port: int
    expect: bytes  # bytes every good answer contains


def command_bodies(slack: FakeSlack, text: str, count: int) -> list[bytes]:
    return [
        payloads.slash_command(
            text, user_id=BENCH_USER, response_url=slack.response_url(f"bench{n}")
        )
        for n in range(count)
    ]


def bench_commands(
    slack: FakeSlack,
    targets: list[Target],
    levels: list[int],
    requests: int,
    pool: ProcessPoolExecutor,
) -> bool:
    print(
        f"(a)/(b) signed slash commands, {requests} requests per level (after a warm-up), "
        "clients in a separate process"
    )
    header = (
        f"{'scenario':<9} {'app':<16} {'clients':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'req/s':>7} {'p50/bare':>8} {'errors':>6}  goals"
    )
    print(header)
    all_met = True
    for name, text in SCENARIOS.items():
        bodies = command_bodies(slack, text, requests)
        for target in targets:  # warm-up: the first requests build caches, pools, auth.test
            pool.submit(run_level, target.port, bodies[:50], 2, 5, target.expect).result()
        for clients in levels:
            bare_p50 = 0.0
            for target in targets:
                warm_up = 3
                result = LevelResult(
                    *pool.submit(
                        run_level, target.port, bodies, clients, warm_up, target.expect
                    ).result()
                )
                p50 = statistics.median(result.latencies_ms)
                p99 = percentile(result.latencies_ms, 99)
                rate = len(result.latencies_ms) / result.seconds
                if target.name == "bare Bolt (ack)":
                    bare_p50 = p50
                    goals = "baseline"
                else:
                    ratio_ok = p50 <= GOAL_P50_RATIO * bare_p50
                    p99_ok = clients != 8 or p99 <= GOAL_P99_MS
                    ok = ratio_ok and p99_ok and result.errors == 0
                    all_met &= ok
                    goals = verdict(ok)
                    if not ratio_ok:
                        goals += " (p50 ratio)"
                    if not p99_ok:
                        goals += " (p99)"
                ratio = f"{p50 / bare_p50:7.2f}x" if bare_p50 else "      -"
                print(
                    f"{name:<9} {target.name:<16} {clients:>7} {p50:7.1f} {p99:7.1f} "
                    f"{rate:7.0f} {ratio:>8} {result.errors:>6}  {goals}"
                )
        print()
    return all_met


# --- (c) key submissions while OpenAI hangs --------------------------------------------------
@dataclass
class Ack:
    seconds: float
    status: int
    updated: bool  # the ack carried response_action (update or errors)


def submit(port: int, body: bytes, timeout: float) -> Ack:
    payload, headers = signed(body, str(int(time.time())))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("POST", "/slack/events", payload, headers)
        response = connection.getresponse()
        data = response.read()
        return Ack(time.perf_counter() - started, response.status, b"response_action" in data)
    except (OSError, http.client.HTTPException):
        return Ack(time.perf_counter() - started, 0, False)
    finally:
        connection.close()


def submission_body(scenario: str, number: int, tag: str) -> bytes:
    values = payloads.key_modal_values(
        f"bench {tag} {number}", FakeOpenAI.key_for(scenario, f"v{tag}{number}")
    )
    return payloads.view_submission(values, user_id=BENCH_USER)


def send_submissions(port: int, scenario: str, total: int, sequential: int, tag: str) -> list[Ack]:
    """``sequential`` submissions one after another, then the rest all at once."""
    acks = [submit(port, submission_body(scenario, n, tag), 10) for n in range(sequential)]
    rest = [submission_body(scenario, n, tag) for n in range(sequential, total)]
    with ThreadPoolExecutor(max_workers=max(1, len(rest))) as burst:
        acks += list(burst.map(lambda body: submit(port, body, 10), rest))
    return acks


def bench_submissions(
    app: RunningApp, fake_openai: FakeOpenAI, slack: FakeSlack, total: int
) -> bool:
    sequential = max(1, total // 5)
    print(
        f"(c) key submission acks: {total} view_submissions ({sequential} one by one, then "
        f"{total - sequential} at once), app on SQLite, listener_threads "
        f"{app.settings.listener_threads}, openai_timeout_seconds "
        f"{app.settings.openai_timeout_seconds:g}"
    )
    fast = send_submissions(port_of(app), "valid", total, sequential, "fast")
    # Let the fast checks finish (they update the view and publish Home) before the next part.
    slack.wait_for("views.update", count=total, timeout=30)
    slow = send_submissions(port_of(app), "slow", total, sequential, "slow")
    executor = app.bolt.listener_runner.listener_executor
    queued = executor._work_queue.qsize()
    threads = len(executor._threads)
    hanging = len(fake_openai.requests_to("/v1/models")) - total
    print(
        f"{'OpenAI':<22} {'p50 ack s':>9} {'max ack s':>9} {'acks < 1 s':>10} "
        f"{'non-200':>7} {'no update':>9}  goal"
    )
    met = True
    for label, acks in (("answers at once", fast), ("hangs 30 s (slow)", slow)):
        seconds = [ack.seconds for ack in acks]
        under = sum(s < GOAL_ACK_S for s in seconds)
        bad = sum(ack.status != 200 for ack in acks)
        missing = sum(not ack.updated for ack in acks)
        ok = under == len(acks) and bad == 0 and missing == 0
        if label.startswith("hangs"):
            met = ok
        print(
            f"{label:<22} {statistics.median(seconds):9.3f} {max(seconds):9.3f} "
            f"{under:>5}/{len(acks):<4} {bad:>7} {missing:>9}  "
            f"{'baseline' if label.startswith('answers') else verdict(ok)}"
        )
    print("slow acks in order sent (s): " + " ".join(f"{ack.seconds:.2f}" for ack in slow))
    print(
        f"after the slow burst: {hanging} key checks hanging in the fake OpenAI, Bolt's listener "
        f"pool {threads}/{app.settings.listener_threads} threads, {queued} tasks queued behind them"
    )
    return met


# --- the apps --------------------------------------------------------------------------------
def postgres_schema() -> tuple[str, Callable[[], None]] | None:
    """A fresh schema and a function that drops it; None when PostgreSQL is not reachable."""
    try:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3) as db:
            db.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as error:
        print(f"PostgreSQL column skipped: {type(error).__name__}")
        return None

    def drop() -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as db:
            db.execute(f'DROP SCHEMA "{schema}" CASCADE')

    base = POSTGRES_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}?options=-csearch_path%3D{schema}", drop


def port_of(app: RunningApp) -> int:
    return int(app.url.rsplit(":", 1)[1])


def running_app(slack: FakeSlack, fake_openai: FakeOpenAI, url: str, data: Path) -> RunningApp:
    keyring_file = data / "keyring.json"
    Keyring.generate().save(keyring_file)  # set, so the app does not warn about a new one
    app = RunningApp(
        slack,
        url,
        data_dir=data,
        keyring_file=keyring_file,
        openai_base_url=fake_openai.base_url,
        openai_timeout_seconds=30,
        key_admins=BENCH_USER,
        # One person submits every key here: the hourly check limit would hold most of them.
        key_checks_per_person_per_hour=100_000,
    )
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=600, help="timed requests per level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma separated")
    parser.add_argument("--submissions", type=int, default=20, help="key submissions in (c)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL column")
    arguments = parser.parse_args(argv)
    levels = [int(level) for level in arguments.levels.split(",")]
    # waitress warns "Task queue depth is N" whenever more clients than its 8 threads wait:
    # expected at 32 clients, and one line per request would drown the tables.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        os.environ.pop(name, None)  # App() and the openai SDK read these themselves
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"app latency benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}"
    )
    print(
        f"goals: p50 ≤ {GOAL_P50_RATIO}x bare Bolt app; p99 ≤ {GOAL_P99_MS:g} ms at 8 clients; "
        f"every key submission acked < {GOAL_ACK_S:g} s while OpenAI hangs"
    )
    print()
    slack = FakeSlack()
    slack.add_user(BENCH_USER)
    fake_openai = FakeOpenAI(slow_seconds=30)
    apps: list[Any] = []
    drop_schema: Callable[[], None] | None = None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    with tempfile.TemporaryDirectory(prefix="app-latency-") as temporary:
        try:
            bare = BareApp(slack, Settings().listener_threads)
            apps.append(bare)
            sqlite_app = running_app(
                slack, fake_openai, f"sqlite:///{temporary}/app.sqlite3", Path(temporary, "d1")
            )
            apps.append(sqlite_app)
            targets = [
                Target("bare Bolt (ack)", bare.port, b""),
                Target("app + SQLite", port_of(sqlite_app), b'"blocks"'),
            ]
            schema = None if arguments.no_postgres else postgres_schema()
            if schema is not None:
                url, drop_schema = schema
                pg_app = running_app(slack, fake_openai, url, Path(temporary, "d2"))
                apps.append(pg_app)
                targets.append(Target("app + PostgreSQL", port_of(pg_app), b'"blocks"'))
            commands_met = bench_commands(slack, targets, levels, arguments.requests, pool)
            acks_met = bench_submissions(sqlite_app, fake_openai, slack, arguments.submissions)
        finally:
            pool.shutdown()
            started = time.perf_counter()
            fake_openai.close()  # releases the checks sleeping in the slow scenario
            for app in reversed(apps):
                app.close()
            slack.close()
            if drop_schema is not None:
                drop_schema()
            print(f"shut down in {time.perf_counter() - started:.1f} s")
    print(
        f"summary: slash commands {verdict(commands_met)}; key submission acks {verdict(acks_met)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
