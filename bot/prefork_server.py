"""HTTP mode's server: gunicorn, several worker processes with a pool of threads each.

One Python process serves one request's Python code at a time (the GIL), so HTTP mode runs
``WEB_CONCURRENCY`` workers (gunicorn's ``gthread`` worker, ``HTTP_THREADS`` threads each)
behind one listening socket. gunicorn is embedded through its ``BaseApplication`` API, so
``python -m bot`` stays the one way to run the app.

Each worker builds its own app after the fork (``load``): database engines hold connections
and thread pools hold threads, and neither survives a fork. What the workers share lives in
the database (progress, keys, the ledger of Slack's retried events, the hourly limits).

On SIGTERM the master closes the listening socket and tells each worker, which finishes the
requests it has; then (``worker_exit``) it waits for its listener and slow-work pools, so a
key check that started after its ack still ends with its ``views.update`` and its audit row.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from bot.app import WsgiApp

log = logging.getLogger(__name__)


@dataclass
class WorkerApp:
    """What one worker serves, and what must finish before it exits."""

    wsgi: WsgiApp
    executors: Sequence[Executor] = ()
    close: Callable[[], None] = field(default=lambda: None)

    def finish(self) -> None:
        if self.executors:
            log.info("worker %d: waiting for listeners still running", os.getpid())
        for executor in self.executors:  # listeners first: they may still start slow work
            executor.shutdown(wait=True)
        self.close()


class PreforkServer(BaseApplication):
    def __init__(
        self,
        build: Callable[[], WorkerApp],
        *,
        host: str,
        port: int,
        workers: int,
        threads: int,
        log_level: str = "INFO",
        grace_seconds: int = 30,
    ) -> None:
        self.build = build
        self.worker_app: WorkerApp | None = None
        self.options: dict[str, Any] = {
            "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
            "worker_class": "gthread",
            "workers": workers,
            "threads": threads,
            # Requests in flight and running key checks get this long after SIGTERM; the
            # master kills what is left after it.
            "graceful_timeout": grace_seconds,
            "worker_exit": self._worker_exit,
            "proc_name": "openai-setup",
            "loglevel": log_level.lower(),
            "logger_class": RootLogger,
            # The heartbeat file gets touched every second: keep it off disk where possible.
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
            # The process runs with umask 077 (bot.cli); gunicorn's own files follow it.
            "umask": 0o077,
            # gunicorn >= 25 opens a control socket under $HOME by default; nothing here
            # uses it, and two instances on one machine would fight over the path.
            "control_socket_disable": True,
        }
        super().__init__(prog="python -m bot")

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> WsgiApp:
        """Runs in each worker after the fork: this worker's own app."""
        self.worker_app = self.build()
        return self.worker_app.wsgi

    def _worker_exit(self, _arbiter: object, _worker: object) -> None:
        # In a worker, after its requests in flight; in the master (a worker found already
        # gone), there is nothing of ours to finish.
        if self.worker_app is not None:
            self.worker_app.finish()


class RootLogger(Logger):
    """gunicorn's own log goes through the root handlers, and so through the redacting filter
    (``bot.log_redaction``), in the app's format. There is no access log (none configured)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in list(self.error_log.handlers):
            self.error_log.removeHandler(handler)
        self.error_log.propagate = True
