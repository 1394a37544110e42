"""A loopback stand-in for Slack's end of Socket Mode: the WebSocket the app connects to.

It speaks the protocol Slack documents for apps that implement Socket Mode themselves:

- ``apps.connections.open`` (answered by ``FakeSlack``) hands out a URL with a one-time
  ticket; a connection without a valid, unused ticket is refused during the handshake.
- On connect the server says ``hello`` (``num_connections``, ``debug_info``,
  ``connection_info``).
- It delivers envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}``
  (``events_api`` ones also carry ``retry_attempt`` and ``retry_reason``) and records the
  app's acknowledgements ``{"envelope_id", "payload"?}`` by envelope id.
- ``disconnect(reason)`` sends ``{"type": "disconnect", "reason": ...}``: the client is
  expected to open a new connection (a new ``apps.connections.open``) and drop the old one.
- ``outage()`` closes every socket and refuses new ones until it ends.

Only 127.0.0.1. Tests read ``links`` (every connection, in order) and ``acks``.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from tests.fakes.slack import APP_ID, FakeSlack

# Envelope types whose acknowledgement may carry a response payload (Slack's docs).
RESPONDING_TYPES = frozenset({"slash_commands", "interactive"})
DEFAULT_WAIT_SECONDS = 10.0


@dataclass
class Ack:
    """The app's acknowledgement of one envelope, and the connection it came over."""

    envelope_id: str
    payload: dict[str, Any] | None
    link: int


@dataclass
class Link:
    """One WebSocket connection from the app (numbered from 1, in the order they opened)."""

    number: int
    ticket: str
    connection: ServerConnection
    closed: threading.Event = field(default_factory=threading.Event)
    received: list[dict[str, Any]] = field(default_factory=list)
    _send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: dict[str, Any]) -> None:
        with self._send_lock:
            self.connection.send(json.dumps(message))

    @property
    def is_open(self) -> bool:
        return not self.closed.is_set()


class FakeSocketMode:
    """Start with ``FakeSocketMode(slack)`` (it listens at once and tells ``slack`` where it
    is); stop with ``close()``."""

    def __init__(self, slack: FakeSlack, *, app_id: str = APP_ID) -> None:
        self.app_id = app_id
        self.links: list[Link] = []
        self.acks: dict[str, Ack] = {}
        self._tickets: set[str] = set()
        self._refusing = False
        self._numbers = itertools.count(1)
        self._started = time.strftime("%Y-%m-%d %H:%M:%S")
        self._lock = threading.Condition()
        self._server: Server = serve(
            self._serve_link,
            "127.0.0.1",
            0,
            process_request=self._check_ticket,
            compression=None,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        slack.socket_mode_url = self.issue_url

    # --- what apps.connections.open hands out ----------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.socket.getsockname()[1])

    def issue_url(self) -> str:
        """A fresh WebSocket URL with a one-time ticket, as ``apps.connections.open`` gives."""
        ticket = secrets.token_hex(12)
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # --- sending to the app ----------------------------------------------------------------
    def deliver(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = DEFAULT_WAIT_SECONDS,
    ) -> str:
        """Send one envelope over the newest open connection; returns its ``envelope_id``."""
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type in RESPONDING_TYPES,
        }
        if envelope_type == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self.current_link(timeout).send(envelope)
        return envelope_id

    def disconnect(self, reason: str = "refresh_requested") -> Link:
        """Ask the app to reconnect (``refresh_requested``, ``warning``, ``link_disabled``)."""
        link = self.current_link()
        link.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-link"}})
        return link

    @contextmanager
    def outage(self) -> Iterator[None]:
        """Close every open socket and refuse new ones until the block ends."""
        with self._lock:
            self._refusing = True
            open_links = [link for link in self.links if link.is_open]
        try:
            for link in open_links:
                link.connection.close(code=1011, reason="outage")
            yield
        finally:
            with self._lock:
                self._refusing = False

    # --- reading what happened -------------------------------------------------------------
    def current_link(self, timeout: float = DEFAULT_WAIT_SECONDS) -> Link:
        """The newest open connection (waits for one)."""
        with self._lock:
            found = self._lock.wait_for(
                lambda: [link for link in self.links if link.is_open], timeout
            )
            if not found:
                raise AssertionError(f"no open Socket Mode connection after {timeout} s")
            return found[-1]

    def wait_for_links(self, count: int, timeout: float = DEFAULT_WAIT_SECONDS) -> list[Link]:
        """Wait until ``count`` connections have opened (and been greeted) in all."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.links) >= count, timeout):
                raise AssertionError(f"expected {count} connection(s), got {len(self.links)}")
            return list(self.links)

    def wait_for_ack(self, envelope_id: str, timeout: float = DEFAULT_WAIT_SECONDS) -> Ack:
        with self._lock:
            if not self._lock.wait_for(lambda: envelope_id in self.acks, timeout):
                raise AssertionError(f"envelope {envelope_id} was not acknowledged")
            return self.acks[envelope_id]

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    # --- the server ------------------------------------------------------------------------
    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake unless the URL carries a ticket we issued and nobody used."""
        ticket = _ticket_of(request)
        with self._lock:
            if self._refusing:
                return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "link unavailable\n")
            if ticket not in self._tickets:
                return connection.respond(HTTPStatus.UNAUTHORIZED, "unknown or used ticket\n")
            self._tickets.discard(ticket)
        return None

    def _serve_link(self, connection: ServerConnection) -> None:
        assert connection.request is not None  # the handshake is done when this runs
        link = Link(next(self._numbers), _ticket_of(connection.request), connection)
        with self._lock:
            opened = sum(1 for other in self.links if other.is_open) + 1
        link.send(self._hello(opened))
        with self._lock:
            self.links.append(link)
            self._lock.notify_all()
        try:
            for raw in connection:
                self._receive(link, raw)
        except ConnectionClosed:
            pass
        finally:
            link.closed.set()
            with self._lock:
                self._lock.notify_all()

    def _hello(self, num_connections: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": num_connections,
            "debug_info": {
                "host": "fake-link",
                "started": self._started,
                "build_number": 1,
                "approximate_connection_time": 3600,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _receive(self, link: Link, raw: str | bytes) -> None:
        message = json.loads(raw)
        with self._lock:
            link.received.append(message)
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            if envelope_id:
                self.acks[envelope_id] = Ack(envelope_id, message.get("payload"), link.number)
            self._lock.notify_all()


def _ticket_of(request: Request) -> str:
    (ticket,) = parse_qs(urlsplit(request.path).query).get("ticket") or [""]
    return ticket
