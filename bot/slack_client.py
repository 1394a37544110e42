"""The Slack Web API client the app uses: ``SLACK_API_URL``, and retries on 429 and 5xx."""

from __future__ import annotations

import logging

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


class SlackUnavailable(Exception):
    """Slack cannot be reached, or refuses a token. ``str()`` is one line naming the variable
    and the fix, never the token."""


# What Slack answers for a token it will not take (auth.test, apps.connections.open).
REFUSED_TOKEN_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)
TOKEN_FIXES = {
    "SLACK_BOT_TOKEN": "copy the Bot User OAuth Token (xoxb-…) again from the app's "
    "OAuth & Permissions page, and reinstall the app if it was removed",
    "SLACK_APP_TOKEN": "create an app-level token with connections:write under the app's "
    "Basic Information page and copy it (xapp-…)",
}


def check_token(base_url: str, token: str, variable: str, method: str = "auth.test") -> None:
    """One call to Slack with a configured token, so a typo or an unreachable Slack is one
    clear line at start-up instead of a traceback from inside Bolt."""
    from slack_sdk.errors import SlackApiError

    # No retries and no log lines of its own: the one line below says it all.
    quiet = logging.getLogger(f"{__name__}.check")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    client = WebClient(token=token, base_url=base_url, timeout=10, logger=quiet)
    client.retry_handlers.clear()
    try:
        client.api_call(method)
    except SlackApiError as error:
        code = str(error.response.get("error") or "an error")
        if code in REFUSED_TOKEN_ERRORS:
            raise SlackUnavailable(
                f"openai-setup cannot start: Slack refused {variable} ({code}): "
                f"{TOKEN_FIXES[variable]}."
            ) from None
        raise SlackUnavailable(
            f"openai-setup cannot start: Slack answered {method} with {code} for {variable}. "
            "Check the app's settings at https://api.slack.com/apps."
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise SlackUnavailable(
            f"openai-setup cannot start: cannot reach Slack at SLACK_API_URL={base_url} "
            f"({str(reason)[:200] or type(error).__name__}). Check the network (a proxy or "
            "firewall), or fix SLACK_API_URL (unset it for https://slack.com/api/)."
        ) from None
