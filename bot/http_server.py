"""Socket Mode's HTTP server (``/healthz``, the install pages): waitress in the app's one
process, with a graceful stop on SIGTERM. HTTP mode is served by gunicorn's workers instead
(``bot.prefork_server``); the tests' in-process harness (``tests/support/running_app.py``)
serves the app with this class too.

On SIGTERM (or SIGINT) the server stops accepting connections, finishes the requests it
already has, then waits for the listener pool, so a key check that started after its ack
still ends with its ``views.update`` and its audit row before the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from waitress.server import create_server

log = logging.getLogger(__name__)
LOOP_SLICE_SECONDS = 0.2


class DrainingServer:
    def __init__(
        self,
        wsgi_app: Callable[..., Any],
        *,
        host: str,
        port: int,
        executors: Sequence[Executor] = (),
        threads: int = 8,
        grace_seconds: float = 25.0,
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        # waitress answers 413 itself past the limit, from the Content-Length header or while
        # reading a chunked body, so an oversized upload is never buffered whole.
        self.server: Any = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="openai-setup",
            max_request_body_size=max_body_bytes,
        )
        self.executors = list(executors)
        self.grace_seconds = grace_seconds
        self.stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, *_: object) -> None:
        self.stopping.set()

    def serve(self) -> None:
        log.info("listening on %s:%d", self.server.effective_host, self.port)
        while not self.stopping.is_set():
            self._loop_once()
        self.drain()

    def drain(self) -> None:
        deadline = time.monotonic() + self.grace_seconds
        log.info("stopping: no new connections; finishing requests in flight")
        self.server.accepting = False
        self.server.del_channel()
        self.server.socket.close()
        while self._busy() and time.monotonic() < deadline:
            self._loop_once()
        if self.executors:
            log.info("waiting for listeners still running")
        for executor in self.executors:
            executor.shutdown(wait=True)
        self.server.task_dispatcher.shutdown(
            cancel_pending=False, timeout=max(0.0, deadline - time.monotonic())
        )
        self.server.trigger.close()
        log.info("stopped")

    def _loop_once(self) -> None:
        self.server.asyncore.loop(timeout=LOOP_SLICE_SECONDS, map=self.server._map, count=1)

    def _busy(self) -> bool:
        for channel in list(self.server.active_channels.values()):
            if channel.requests or channel.total_outbufs_len:
                return True
        dispatcher = self.server.task_dispatcher
        return bool(dispatcher.queue) or bool(getattr(dispatcher, "active_count", 0))
