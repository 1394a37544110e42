"""Start-up time and idle resident memory of ``python -m bot``, against bare interpreters.

Run from the repository root: ``.venv/bin/python benchmarks/startup.py`` (``--runs N``).

Each mode runs as a real subprocess (``sys.executable -m bot``) with a clean environment:
``SLACK_BOT_TOKEN``, ``SLACK_API_URL`` → a FakeSlack served by this process, ``DATABASE_URL``
→ a SQLite file in a temporary directory, ``DATA_DIR`` there too.
- HTTP mode (``SLACK_SIGNING_SECRET``, ``PORT`` a free port), gunicorn's master and
  ``WEB_CONCURRENCY`` workers (1, and 2 = one per core here): ready = ``GET /healthz``
  answers 200 and every worker has built its app (the fake Slack has seen one ``auth.test``
  per worker, and one from the main process's start-up check). The first run creates the
  database and the keyring; the later runs restart on them (the usual case), and the table
  shows the median of those.
- Socket Mode (``SLACK_APP_TOKEN``): there is no Socket Mode server here, so ready = the
  fake Slack has seen ``auth.test`` and ``apps.connections.open`` (the app imported, built
  itself and asked for a WebSocket URL). The fake holds that last call open while RSS is
  read, so the process stays alive; it never connects, so the WebSocket client's own
  thread and buffers are not counted (a limitation).
- Baselines: ``python -c "import slack_bolt"`` (and a bare ``python -c pass``), ready =
  the child prints a line after its imports.
Memory after one second idle, summed over the process and its children (HTTP mode's workers):
RSS is ``VmRSS`` from ``/proc/<pid>/status``, peak is ``VmHWM``; PSS (``smaps_rollup``)
counts each page shared between the master and its forked workers once, so it is what the
processes cost together.
Every subprocess is killed at the end. No goal was set; the figures are for reference.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from tests.fakes.slack import FakeSlack  # noqa: E402

APP_ENVIRONMENT = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_API_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "DATABASE_URL",
    "KEYRING_FILE",
    "KEY_ADMINS",
    "HOST",
    "PORT",
    "LOG_LEVEL",
    "DATA_DIR",
)
# Fake credentials: the app only ever talks to the FakeSlack on loopback.
BOT_TOKEN = "xoxb-1111-2222-benchmarktoken"  # noqa: S105
APP_TOKEN = "xapp-1-A0OPENAI01-1111-benchmarkapptoken"  # noqa: S105
SIGNING_SECRET = "benchmark-signing-secret-0123456789"  # noqa: S105
READY_TIMEOUT = 60.0
IDLE_SECONDS = 1.0


class HoldingSlack(FakeSlack):
    """A FakeSlack that keeps ``apps.connections.open`` waiting until released."""

    def __init__(self) -> None:
        self.release = threading.Event()
        super().__init__()

    def answer(self, method: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if method == "apps.connections.open":
            self.release.wait(READY_TIMEOUT)
        return super().answer(method, *args, **kwargs)


@dataclass
class Sample:
    seconds: float
    rss_mib: float
    peak_mib: float
    pss_mib: float
    processes: int


def kib_fields(path: Path, *names: str) -> list[float]:
    """The ``name: N kB`` fields of a /proc file, in MiB."""
    values = {}
    for line in path.read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in names:
            values[name] = int(rest.split()[0]) / 1024
    return [values[name] for name in names]


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def memory_of(pid: int) -> tuple[float, float, float, int]:
    """(VmRSS, VmHWM, Pss) in MiB summed over ``pid`` and its descendants, and their count."""
    pids = process_tree(pid)
    rss = peak = pss = 0.0
    for each in pids:
        each_rss, each_peak = kib_fields(Path(f"/proc/{each}/status"), "VmRSS", "VmHWM")
        (each_pss,) = kib_fields(Path(f"/proc/{each}/smaps_rollup"), "Pss")
        rss, peak, pss = rss + each_rss, peak + each_peak, pss + each_pss
    return rss, peak, pss, len(pids)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in APP_ENVIRONMENT}
    environment.update(settings)
    return environment


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(  # loopback only
            f"http://127.0.0.1:{port}/healthz", timeout=1
        ) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def wait_until(ready: Any, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready after {READY_TIMEOUT:g} s")
        time.sleep(0.005)


def measure(process: subprocess.Popen[bytes], started: float) -> Sample:
    seconds = time.perf_counter() - started
    time.sleep(IDLE_SECONDS)
    return Sample(seconds, *memory_of(process.pid))


def http_mode(slack: FakeSlack, data: Path, workers: int) -> Sample:
    port = free_port()
    environment = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{data / 'app.sqlite3'}",
        DATA_DIR=str(data),
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="WARNING",
        WEB_CONCURRENCY=str(workers),
    )
    seen = len(slack.calls)

    def ready() -> bool:
        # One auth.test from the main process's start-up check, then one per worker's app.
        built = sum(call.method == "auth.test" for call in slack.calls[seen:])
        return built >= workers + 1 and healthy(port)

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(ready, process, "HTTP mode")
        return measure(process, started)
    finally:
        stop(process)


def socket_mode(slack: HoldingSlack, data: Path) -> Sample:
    environment = clean_environment(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.api_url,
        DATABASE_URL=f"sqlite:///{data / 'app.sqlite3'}",
        DATA_DIR=str(data),
        LOG_LEVEL="WARNING",
    )
    seen = len(slack.calls)
    slack.release.clear()

    def asked_for_socket() -> bool:
        methods = {call.method for call in slack.calls[seen:]}
        return {"auth.test", "apps.connections.open"} <= methods

    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(asked_for_socket, process, "Socket Mode")
        return measure(process, started)
    finally:
        # Answer the held call first (unknown_method: the app then exits on its own), so the
        # fake does not write to a socket that a killed process left behind.
        slack.release.set()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        stop(process)


def baseline(code: str) -> Sample:
    """A bare interpreter running ``code``, then printing "ready" and sleeping."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"{code}\nimport sys, time\nprint('ready', flush=True)\ntime.sleep(60)",
        ],
        cwd=REPOSITORY,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"baseline {code!r} did not start")
        return measure(process, started)
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=4, help="starts per mode (first is cold)")
    arguments = parser.parse_args(argv)
    runs = max(2, arguments.runs)
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(
        f"start-up benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, nproc {os.cpu_count()}, "
        f"load average {' '.join(load)}; {sys.executable} ({sys.version.split()[0]})"
    )
    print(
        f"ready time from Popen; memory after {IDLE_SECONDS:g} s idle, summed over the "
        "process and its workers; no goal set"
    )
    print()
    slack = HoldingSlack()
    rows: list[tuple[str, list[Sample]]] = []
    try:
        for code, label in (("pass", "python -c pass"), ("import slack_bolt", "import slack_bolt")):
            rows.append((f"baseline: {label}", [baseline(code) for _ in range(runs)]))
        for workers in (1, 2):
            with tempfile.TemporaryDirectory(prefix="startup-http-") as temporary:
                samples = [http_mode(slack, Path(temporary), workers) for _ in range(runs)]
            rows.append((f"HTTP {workers}w, first start", samples[:1]))
            rows.append((f"HTTP {workers}w, restart", samples[1:]))
        with tempfile.TemporaryDirectory(prefix="startup-socket-") as temporary:
            samples = [socket_mode(slack, Path(temporary)) for _ in range(runs)]
        rows.append(("Socket Mode, first start", samples[:1]))
        rows.append(("Socket Mode, restart", samples[1:]))
    finally:
        slack.release.set()
        slack.close()
    bolt = statistics.median(sample.seconds for sample in rows[1][1])
    bolt_rss = statistics.median(sample.rss_mib for sample in rows[1][1])
    print(
        f"{'process':<28} {'runs':>4} {'procs':>5} {'ready s':>8} {'RSS MiB':>8} {'peak MiB':>9} "
        f"{'PSS MiB':>8} {'s / bolt':>9} {'RSS / bolt':>11}"
    )
    for name, samples in rows:
        seconds = statistics.median(sample.seconds for sample in samples)
        rss = statistics.median(sample.rss_mib for sample in samples)
        peak = statistics.median(sample.peak_mib for sample in samples)
        pss = statistics.median(sample.pss_mib for sample in samples)
        processes = max(sample.processes for sample in samples)
        print(
            f"{name:<28} {len(samples):>4} {processes:>5} {seconds:8.2f} {rss:8.1f} {peak:9.1f} "
            f"{pss:8.1f} {seconds / bolt:8.2f}x {rss / bolt_rss:10.2f}x"
        )
    print()
    print(
        "Socket Mode: ready = auth.test + apps.connections.open seen by the fake Slack (no "
        "WebSocket server here, so the connected client is not measured)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
