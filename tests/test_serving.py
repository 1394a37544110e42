"""HTTP mode as ``python -m bot`` serves it: gunicorn's master and two worker processes.

One app process serves every test here (starting one costs seconds); no test checks a key
except the one about importing openai, and none depends on another's order.
"""

from __future__ import annotations

import http.client
import os
import socket
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support import payloads
from tests.support.app_process import AppProcess
from tests.support.blocks import all_text
from tests.support.running_app import SIGNING_SECRET, HttpResponse
from tests.support.running_app import http as http_request

WORKERS = 2
EVENTS_PATH = "/slack/events"


class Served:
    def __init__(self, app: AppProcess, slack: FakeSlack, data_dir: Path) -> None:
        self.app, self.slack, self.data_dir = app, slack, data_dir

    def workers(self) -> list[int]:
        pid = self.app.process.pid
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serving")
    data_dir = folder / "new" / "data"  # does not exist yet: the app makes it
    slack = FakeSlack()
    openai = FakeOpenAI(slow_seconds=10)
    previous = os.umask(0o022)  # the app must not rely on a strict umask of its caller
    try:
        app = AppProcess(
            slack,
            database_url=f"sqlite:///{data_dir / 'app.sqlite3'}",
            data_dir=data_dir,
            log_file=folder / "app.log",
            WEB_CONCURRENCY=str(WORKERS),
            HTTP_THREADS="4",
            OPENAI_BASE_URL=openai.base_url,
            PYTHONPROFILEIMPORTTIME="1",  # every import is logged: see the openai test
        )
    finally:
        os.umask(previous)
    # Healthy once one worker is up; wait for the rest (and the main process's token check).
    slack.wait_for("auth.test", WORKERS + 1)
    yield Served(app, slack, data_dir)
    openai.close()
    try:
        assert app.terminate() == 0, app.log()
    finally:
        app.kill()
        slack.close()


def test_each_worker_builds_its_own_app_and_requests_spread_over_them(served: Served) -> None:
    workers = served.workers()
    assert len(workers) == WORKERS
    # Every worker built its own Bolt app after the fork (Bolt checks the token as it starts),
    # after the main process checked the token once, before forking (one line if refused).
    assert len(served.slack.calls_to("auth.test")) == WORKERS + 1
    health = http_request("GET", f"{served.app.url}/healthz")
    assert (health.status, health.json()) == (200, {"ok": True, "database": "up"})

    served_by = _deliver_until_every_worker_served(
        served, lambda n: _command_request(served.slack, n), expect=b'"blocks"'
    )
    assert served_by == set(workers)


def test_a_retried_event_is_processed_once_across_workers(served: Served) -> None:
    event = payloads.message_im("billing hard limit reached", user_id="U0ALICE")
    body = payloads.event_callback(event, event_id="Ev0WORKERS1")
    # The first delivery and its retries arrive at once, on connections both workers take.
    served_by = _deliver_until_every_worker_served(
        served, lambda n: _signed(body, "application/json", retry_num=n or None), expect=b""
    )
    assert len(served_by) == WORKERS
    served.app.event(payloads.message_im("phone", user_id="U0ALICE"), event_id="Ev0WORKERS2")
    replies = served.slack.wait_for("chat.postMessage", 2)
    assert sum("hard limit" in all_text(reply.blocks()).lower() for reply in replies) == 1


def test_a_huge_declared_body_is_refused_before_it_is_read(served: Served) -> None:
    """413 from the Content-Length header: gunicorn has no body limit, the app's guard does."""
    with socket.create_connection(("127.0.0.1", served.app.port), timeout=10) as client:
        client.sendall(
            f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: app\r\nContent-Type: application/json\r\n"
            "Content-Length: 200000000\r\n\r\n{".encode()
        )
        assert client.recv(64).startswith(b"HTTP/1.1 413 ")


def test_files_the_workers_write_are_private(served: Served) -> None:
    assert served.app.action("guide_mark_done", "1").status == 200  # a write: WAL and SHM
    served.slack.wait_for("response_url")
    files = {path.name: _mode(path) for path in served.data_dir.iterdir()}
    assert {"app.sqlite3", "app.sqlite3-wal", "app.sqlite3-shm", "keyring.json"} <= set(files)
    assert all(mode == 0o600 for mode in files.values()), files
    assert _mode(served.data_dir) == 0o700


def test_openai_is_imported_only_when_a_key_is_checked(served: Served) -> None:
    def imported_openai() -> bool:
        # python -X importtime: "import time: self [us] | cumulative | <indent>module"
        return any(
            line.startswith("import time:") and line.split("|")[-1].strip() == "openai"
            for line in served.app.log().splitlines()
        )

    assert not imported_openai()  # serving, health and commands do without it
    served.app.submit_key("prod", FakeOpenAI.key_for("valid", "serving"))
    (update,) = served.slack.wait_for("views.update", timeout=20)
    assert "prod" in update.text_content()
    assert imported_openai()


def test_the_chinese_segmenter_is_loaded_once_before_the_workers_fork(served: Served) -> None:
    def loads() -> int:
        return served.app.log().count("Chinese word segmenter ready")

    # Loaded by the main process before forking: once, not once per worker, and not left to
    # the first Chinese question (which would spend its 3 s ack loading a dictionary).
    assert loads() == 1
    response = _send_once(
        served, _question_request(served.slack, "我的余额不足，API 返回 429 怎么办")
    )
    assert response.status == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert any("\u4e00" <= char <= "\u9fff" for char in all_text(answer["blocks"]))
    assert loads() == 1


# --- helpers ---------------------------------------------------------------------------------
Request = tuple[bytes, dict[str, str]]


def _signed(body: bytes, content_type: str, retry_num: int | None = None) -> Request:
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature or "",
    }
    if retry_num is not None:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    return body, headers


def _command_request(slack: FakeSlack, number: int) -> Request:
    body = payloads.slash_command(
        "", user_id="U0ALICE", response_url=slack.response_url(f"s{number}")
    )
    return _signed(body, "application/x-www-form-urlencoded")


def _question_request(slack: FakeSlack, question: str) -> Request:
    body = payloads.slash_command(question, user_id="U0ALICE", response_url=slack.response_url("q"))
    return _signed(body, "application/x-www-form-urlencoded")


def _send_once(served: Served, request: Request) -> HttpResponse:
    body, headers = request
    return http_request("POST", f"{served.app.url}{EVENTS_PATH}", body, headers)


def _deliver_until_every_worker_served(
    served: Served,
    request: Callable[[int], Request],
    *,
    expect: bytes,
    batch: int = 8,
    batches: int = 25,
) -> set[int]:
    """Send ``batch`` requests at once, each on its own kept-alive connection, and note which
    worker process holds each connection, until every worker has served one (the kernel
    hands a new connection to whichever worker accepts it first)."""
    workers = set(served.workers())
    seen: set[int] = set()
    number = 0
    for _ in range(batches):
        requests = [request(number + n) for n in range(batch)]
        number += batch
        with ThreadPoolExecutor(max_workers=batch) as pool:
            seen |= set(pool.map(lambda r: _send_and_find_worker(served, r, expect), requests))
        if seen >= workers:
            break
    return seen


def _send_and_find_worker(served: Served, request: Request, expect: bytes) -> int:
    body, headers = request
    connection = http.client.HTTPConnection("127.0.0.1", served.app.port, timeout=10)
    try:
        connection.request("POST", EVENTS_PATH, body, headers)
        response = connection.getresponse()
        assert response.status == 200 and expect in response.read()
        assert connection.sock is not None
        return _process_holding(connection.sock.getsockname()[1], served)
    finally:
        connection.close()


def _process_holding(client_port: int, served: Served) -> int:
    """The worker holding the server side of the loopback connection from ``client_port``
    (kept alive after its answer): its socket inode, from /proc/net/tcp, among the fds."""
    inode = ""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        if (local_port, remote_port) == (served.app.port, client_port):
            inode = fields[9]
    assert inode, "the server side of the connection is gone"
    for pid in served.workers():
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker holds the connection")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
