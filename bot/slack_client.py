"""The Slack Web API client the app uses: ``SLACK_API_URL``, and retries on 429 and 5xx."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

MAX_RETRIES = 2


def build_web_client(base_url: str, token: str | None = None) -> WebClient:
    """A client that waits out ``Retry-After`` on 429 and retries 5xx and dropped connections.

    Bolt copies these retry handlers into the per-workspace clients it makes in OAuth mode.
    """
    client = WebClient(token=token, base_url=base_url, timeout=10)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
            ServerErrorRetryHandler(max_retry_count=MAX_RETRIES),
            ConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES),
        ]
    )
    return client
