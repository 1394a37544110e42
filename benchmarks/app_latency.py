"""End-to-end latency of the app as `python -m bot` serves it, beside a bare Bolt app on gunicorn.

Run from the repository root: ``.venv/bin/python benchmarks/app_latency.py``
(``--requests N`` per level, ``--levels 1,8,32``, ``--no-postgres``, ``--submissions N``).

What it measures, all over loopback, every server a real process of its own:
(a) ``/openai-setup`` (the overview) and (b) ``/openai-setup billing hard limit reached`` (a
    troubleshooting answer): signed slash-command POSTs to ``/slack/events`` answered 200 with
    blocks, at 1, 8 and 32 concurrent clients (threads with persistent ``HTTPConnection``s, in
    a separate process; warm-up first). The app runs as ``python -m bot`` in HTTP mode with its
    defaults (``WEB_CONCURRENCY`` workers, ``HTTP_THREADS`` threads each), started as
    ``tests/support/app_process.py`` starts it (FakeSlack, SQLite file in a temporary
    directory; PostgreSQL in a fresh schema as a second app). The baseline, measured in the
    same run and interleaved with it, is ``benchmarks/bare_bolt_app.py``: a bare Bolt ``App``
    whose ``/openai-setup`` listener only calls ``ack()``, served the way Python services
    usually are: ``gunicorn --worker-class gthread --workers N --threads 4`` with N the app's
    worker count (2 on a 2-core machine), and a listener pool as large as the app's. For
    reference, a third row serves the same bare app with the app's threads per worker
    (``HTTP_THREADS``), so the table separates what the thread count buys from the app's cost.
(c) The ack time of key submissions (``view_submission``, ``api_key_modal``) to the SQLite app
    while the fake OpenAI hangs 30 s (``FakeOpenAI(slow_seconds=30)``, ``key_for("slow")``,
    ``OPENAI_TIMEOUT_SECONDS=30``), beside the ack time of the same submissions when OpenAI
    answers at once. Then the fake OpenAI is closed, which releases the hanging checks, so
    the script does not wait 30 s.

Goals: p50 ≤ 1.2 x the bare app and req/s ≥ 0.85 x the bare app at every level; p99 ≤ 100 ms
at 8 clients; every key submission acked in < 1 s even while OpenAI hangs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
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

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.keys.keyring import Keyring  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402
from tests.support import payloads  # noqa: E402
from tests.support.app_process import AppProcess, free_port  # noqa: E402
from tests.support.running_app import BOT_TOKEN, SIGNING_SECRET  # noqa: E402
from tests.support.running_app import http as http_request  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
FORM = "application/x-www-form-urlencoded"
SCENARIOS = {"overview": "", "question": "billing hard limit reached"}
BENCH_USER = "U0BENCH"
BARE_THREADS = 4
BARE = "bare Bolt (ack)"
BARE_LIKE_APP = "bare, app threads"
GOAL_P50_RATIO = 1.2
GOAL_RATE_RATIO = 0.85
GOAL_P99_MS = 100.0
GOAL_ACK_S = 1.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


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
        f"{'req/s':>7} {'p50/bare':>8} {'rate/bare':>9} {'errors':>6}  goals"
    )
    print(header)
    all_met = True
    for name, text in SCENARIOS.items():
        bodies = command_bodies(slack, text, requests)
        for target in targets:  # warm-up: the first requests build caches, pools, auth.test
            pool.submit(run_level, target.port, bodies[:50], 2, 5, target.expect).result()
        for clients in levels:
            bare_p50 = bare_rate = 0.0
            for target in targets:
                # Every client's connection warms up on its own (each may land on another worker).
                warm_up = 3
                result = LevelResult(
                    *pool.submit(
                        run_level, target.port, bodies, clients, warm_up, target.expect
                    ).result()
                )
                p50 = statistics.median(result.latencies_ms)
                p99 = percentile(result.latencies_ms, 99)
                rate = len(result.latencies_ms) / result.seconds
                if target.name == BARE:
                    bare_p50, bare_rate = p50, rate
                    goals = "baseline"
                elif target.name == BARE_LIKE_APP:
                    goals = "reference"
                else:
                    ratio_ok = p50 <= GOAL_P50_RATIO * bare_p50
                    rate_ok = rate >= GOAL_RATE_RATIO * bare_rate
                    p99_ok = clients != 8 or p99 <= GOAL_P99_MS
                    ok = ratio_ok and rate_ok and p99_ok and result.errors == 0
                    all_met &= ok
                    missed = [
                        label
                        for label, met in (("p50", ratio_ok), ("req/s", rate_ok), ("p99", p99_ok))
                        if not met
                    ]
                    goals = verdict(ok) + (f" ({', '.join(missed)})" if missed else "")
                ratio = f"{p50 / bare_p50:7.2f}x" if bare_p50 else "      -"
                rate_ratio = f"{rate / bare_rate:8.2f}x" if bare_rate else "       -"
                print(
                    f"{name:<9} {target.name:<16} {clients:>7} {p50:7.1f} {p99:7.1f} "
                    f"{rate:7.0f} {ratio:>8} {rate_ratio:>9} {result.errors:>6}  {goals}"
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
    app: AppProcess, fake_openai: FakeOpenAI, slack: FakeSlack, total: int
) -> bool:
    sequential = max(1, total // 5)
    defaults = Settings()
    print(
        f"(c) key submission acks: {total} view_submissions ({sequential} one by one, then "
        f"{total - sequential} at once), app on SQLite, listener_threads "
        f"{defaults.listener_threads}, slow_work_threads {defaults.slow_work_threads}, "
        f"OPENAI_TIMEOUT_SECONDS {app_environment(fake_openai)['OPENAI_TIMEOUT_SECONDS']}"
    )
    fast = send_submissions(app.port, "valid", total, sequential, "fast")
    # Let the fast checks finish (they update the view and publish Home) before the next part.
    slack.wait_for("views.update", count=total, timeout=30)
    slow = send_submissions(app.port, "slow", total, sequential, "slow")
    time.sleep(0.5)  # the last checks of the burst reach the fake OpenAI
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
    print(f"after the slow burst: {hanging} key checks hanging in the fake OpenAI")
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


class BareGunicorn:
    """``benchmarks/bare_bolt_app.py`` under gunicorn's own command line, as a process."""

    def __init__(self, slack: FakeSlack, workers: int, threads: int, log_file: Path) -> None:
        self.port = free_port()
        self._log = log_file.open("w")
        environment = {
            **os.environ,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--worker-class=gthread",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--bind=127.0.0.1:{self.port}",
                f"--pythonpath={REPOSITORY / 'benchmarks'}",
                "--no-control-socket",
                "bare_bolt_app:application",
            ],
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if http_request("GET", self.url + "/healthz", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.close()
        raise RuntimeError(f"the bare app did not start: {log_file.read_text()}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._log.close()


def app_environment(fake_openai: FakeOpenAI) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": fake_openai.base_url,
        "OPENAI_TIMEOUT_SECONDS": "30",
        "KEY_ADMINS": BENCH_USER,
        # One person submits every key here: the hourly check limit would hold most of them.
        "KEY_CHECKS_PER_PERSON_PER_HOUR": "100000",
        "LOG_LEVEL": "WARNING",
    }


def app_process(slack: FakeSlack, fake_openai: FakeOpenAI, url: str, data: Path) -> AppProcess:
    """``python -m bot`` in HTTP mode on ``url``, with its default serving settings."""
    data.mkdir(mode=0o700)
    keyring_file = data / "keyring.json"
    Keyring.generate().save(keyring_file)  # set, so the app does not warn about a new one
    return AppProcess(
        slack,
        database_url=url,
        data_dir=data,
        log_file=data.parent / f"{data.name}.log",
        KEYRING_FILE=str(keyring_file),
        **app_environment(fake_openai),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=600, help="timed requests per level")
    parser.add_argument("--levels", default="1,8,32", help="concurrent clients, comma separated")
    parser.add_argument("--submissions", type=int, default=20, help="key submissions in (c)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL column")
    arguments = parser.parse_args(argv)
    levels = [int(level) for level in arguments.levels.split(",")]
    workers = Settings().http_workers  # what python -m bot will run with
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(
        f"app latency benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}"
    )
    threads = Settings().http_threads
    print(
        f"app: python -m bot, {workers} workers x {threads} threads; {BARE!r}: gunicorn gthread, "
        f"{workers} workers x {BARE_THREADS} threads (the goals' baseline); {BARE_LIKE_APP!r}: "
        f"the same bare app with the app's {workers} x {threads} (for reference)"
    )
    print(
        f"goals: p50 ≤ {GOAL_P50_RATIO}x and req/s ≥ {GOAL_RATE_RATIO}x the bare Bolt app; "
        f"p99 ≤ {GOAL_P99_MS:g} ms at 8 clients; every key submission acked < {GOAL_ACK_S:g} s "
        "while OpenAI hangs"
    )
    print()
    slack = FakeSlack()
    slack.add_user(BENCH_USER)
    fake_openai = FakeOpenAI(slow_seconds=30)
    servers: list[Any] = []
    drop_schema: Callable[[], None] | None = None
    pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    with tempfile.TemporaryDirectory(prefix="app-latency-") as temporary:
        folder = Path(temporary)
        try:
            bare = BareGunicorn(slack, workers, BARE_THREADS, folder / "bare.log")
            servers.append(bare)
            bare_like_app = BareGunicorn(slack, workers, threads, folder / "bare-like-app.log")
            servers.append(bare_like_app)
            sqlite_app = app_process(
                slack, fake_openai, f"sqlite:///{folder}/app.sqlite3", folder / "sqlite"
            )
            servers.append(sqlite_app)
            targets = [
                Target(BARE, bare.port, b""),
                Target(BARE_LIKE_APP, bare_like_app.port, b""),
                Target("app + SQLite", sqlite_app.port, b'"blocks"'),
            ]
            schema = None if arguments.no_postgres else postgres_schema()
            if schema is not None:
                url, drop_schema = schema
                pg_app = app_process(slack, fake_openai, url, folder / "postgres")
                servers.append(pg_app)
                targets.append(Target("app + PostgreSQL", pg_app.port, b'"blocks"'))
            commands_met = bench_commands(slack, targets, levels, arguments.requests, pool)
            acks_met = bench_submissions(sqlite_app, fake_openai, slack, arguments.submissions)
        finally:
            pool.shutdown()
            started = time.perf_counter()
            fake_openai.close()  # releases the checks sleeping in the slow scenario
            for server in reversed(servers):
                if isinstance(server, AppProcess):
                    server.terminate()
                else:
                    server.close()
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
