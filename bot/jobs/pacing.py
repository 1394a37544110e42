"""Being gentle with OpenAI: at most one request per organization every ``interval``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable


class Pacer:
    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def wait(self, organization: Hashable) -> None:
        """Block until this organization may send its next request."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(organization, now))
            self._next[organization] = start + self.interval
        if start > now:
            self.sleep(start - now)
