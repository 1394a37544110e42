"""The latency benchmark's baseline: a bare Bolt app whose ``/openai-setup`` listener only acks.

``benchmarks/app_latency.py`` serves it the way Python services are usually deployed:
``python -m gunicorn --worker-class gthread --workers N --threads 4 bare_bolt_app:application``
(the app is built on import, so in each worker after the fork). Settings come from the
environment the benchmark passes: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``,
``SLACK_API_URL`` (the benchmark's fake Slack).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

bolt = App(
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    # As large as the real app's listener pool (LISTENER_THREADS' default), like for like.
    listener_executor=ThreadPoolExecutor(max_workers=16),
)


@bolt.command("/openai-setup")
def command(ack: Ack) -> None:
    ack()


slack = SlackRequestHandler(bolt, path="/slack/events")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Bolt's WSGI handler, plus a ``/healthz`` so the benchmark knows when it is up."""
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return slack(environ, start_response)
