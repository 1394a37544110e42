"""What the app sent to the fake Slack, and the failures a test asked it to answer with."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class SlackCall:
    method: str  # "chat.postMessage", ... or "response_url" for posts to a response_url
    params: dict[str, Any]
    token: str | None
    path: str
    raw_body: bytes = b""

    def blocks(self) -> list[dict[str, Any]]:
        blocks = self.params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is None and isinstance(self.params.get("view"), dict | str):
            view = self.params["view"]
            blocks = (json.loads(view) if isinstance(view, str) else view).get("blocks")
        return list(blocks or [])

    def view(self) -> dict[str, Any]:
        view = self.params.get("view")
        return json.loads(view) if isinstance(view, str) else dict(view or {})

    def text_content(self) -> str:
        """Every string the call carries, for "does X appear anywhere" assertions."""
        return json.dumps(self.params, ensure_ascii=False)


Observer = Callable[[SlackCall, dict[str, Any]], None]


@dataclass
class Fault:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    remaining: int = 1


class CallRecording:
    """The calls received, in order, and the faults queued per method.

    ``_lock`` guards every piece of the fake's state (the server answers on many threads);
    waiting on it is how ``wait_for`` hears about a new call.
    """

    calls: list[SlackCall]
    faults: dict[str, list[Fault]]
    _lock: threading.Condition
    _observers: list[Observer]

    def _init_recording(self) -> None:
        self.calls = []
        self.faults = {}
        self._lock = threading.Condition()
        self._observers = []

    def observe(self, observer: Observer) -> None:
        """Call ``observer(call, answer)`` for every call answered normally, before the answer
        is sent (so a ``views.update`` is seen after the ``views.open`` it follows)."""
        self._observers.append(observer)

    def _notify(self, call: SlackCall, answer: dict[str, Any]) -> None:
        for observer in list(self._observers):
            try:
                observer(call, answer)
            except Exception:  # an observer's bug must not change Slack's answer
                log.exception("an observer of %s failed", call.method)

    def fail(
        self,
        method: str,
        status: int,
        body: dict[str, Any] | str,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` answer with this status and body."""
        with self._lock:
            self.faults.setdefault(method, []).append(
                Fault(status=status, body=body, headers=headers or {}, remaining=times)
            )

    def calls_to(self, method: str) -> list[SlackCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Wait until ``count`` calls of ``method`` arrived (listeners finish after the ack)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [call for call in self.calls if call.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({call.method for call in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}"
                    )
                self._lock.wait(remaining)

    def all_text(self) -> str:
        with self._lock:
            return "\n".join(call.raw_body.decode("utf-8", "replace") for call in self.calls)

    def _record(self, call: SlackCall) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            queue = self.faults.get(method) or []
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
            return fault
