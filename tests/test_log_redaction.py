"""No secret reaches a log line, whatever logs it and at which level."""

from __future__ import annotations

import io
import logging

from hypothesis import given
from hypothesis import strategies as st

from bot.log_redaction import RedactingFilter, redact

KEY = "sk-proj-" + "Q1w2E3r4T5y6_-" * 4
TOKEN = "xoxb-1234-5678-abcdefghijkl"


def _capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(f"test.redaction.{id(stream)}")
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger, stream


def test_message_args_and_exceptions_are_redacted() -> None:
    logger, stream = _capture()
    logger.debug("body: %s", {"api_key": KEY, "token": TOKEN})
    logger.info(f"Authorization: Bearer {KEY}")
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        logger.exception("failed with %s", TOKEN)
    output = stream.getvalue()
    assert KEY not in output and KEY[8:] not in output
    assert TOKEN not in output
    assert "[REDACTED]" in output


def test_url_encoded_and_json_escaped_keys() -> None:
    assert KEY not in redact(f"api_key={KEY}&x=1")
    assert KEY not in redact(f'{{"value": "{KEY}"}}')


@given(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        min_size=20,
        max_size=120,
    ),
    st.sampled_from(["sk-", "sk-proj-", "sk-svcacct-", "sk-admin-"]),
    st.text(max_size=40),
)
def test_any_key_shape_is_redacted(secret: str, prefix: str, around: str) -> None:
    key = prefix + secret
    assert key not in redact(f"{around}{key}{around}")
