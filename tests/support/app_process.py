"""The app as a real process, ``python -m bot`` in HTTP or Socket Mode, for replica and signal
tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.fakes.slack import FakeSlack
from tests.fakes.socket_mode_server import FakeSocketMode
from tests.support.running_app import BOT_TOKEN, SIGNING_SECRET, SignedRequests, http
from tests.support.socket_mode_app import APP_TOKEN, SocketModeRequests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppProcess(SignedRequests):
    def __init__(
        self,
        slack: FakeSlack,
        *,
        database_url: str,
        data_dir: Path,
        log_file: Path,
        **environment: str,
    ) -> None:
        self.slack = slack
        self.port = free_port()
        clean = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "OPENAI_", "DATABASE_URL", "KEYRING_"))
        }
        env = {
            **clean,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": database_url,
            "DATA_DIR": str(data_dir),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "LOG_LEVEL": "INFO",
            **environment,
        }
        self.log_file = log_file
        self._log = log_file.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited: {self.log_file.read_text()}")
            try:
                if http("GET", f"{self.url}/healthz", timeout=1).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the app did not become healthy: {self.log_file.read_text()}")

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait for the graceful exit; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        return self.log_file.read_text()


class SocketModeAppProcess(SocketModeRequests, AppProcess):
    """``python -m bot`` in Socket Mode (``SLACK_APP_TOKEN`` set): Slack's deliveries come over
    ``socket_mode`` (the signed HTTP helpers give way to ``SocketModeRequests``), and the process is
    healthy once ``/healthz`` sees the socket up. No signing secret unless a test passes one:
    a Socket Mode app needs none."""

    def __init__(self, slack: FakeSlack, socket_mode: FakeSocketMode, **kwargs: Any) -> None:
        self.socket = socket_mode
        environment = {"SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": "", **kwargs}
        super().__init__(slack, **environment)
