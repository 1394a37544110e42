"""Live check of an OpenAI API key: ``GET /v1/models`` proves the key, "Say hello" proves billing.

Each answer is mapped by ``classify`` (pure; in ``outcomes``, re-exported here) to a
``KeyOutcome`` and a guide step. The client has ``max_retries=0`` (the SDK would retry even
quota 429s) and explicit organization/project, so ``OPENAI_ORG_ID``/``OPENAI_PROJECT_ID`` in
the process environment never leak into a check. Nothing here logs or raises with the key.
"""

from __future__ import annotations

import functools
import logging
import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from bot.keys.crypto import mask
from bot.keys.outcomes import (
    MODEL_NOT_FOUND,
    ExceptionKind,
    KeyOutcome,
    classify,
    outcome_text,
)

if TYPE_CHECKING:
    # Imported where a key is checked: the SDK costs every start ~0.4 s and ~38 MiB.
    import openai

__all__ = [
    "DEFAULT_MODEL",
    "ExceptionKind",
    "KeyOutcome",
    "ValidationResult",
    "classify",
    "test_key",
    "validate_key",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
HELLO_PROMPT = "Say hello"
HELLO_MAX_TOKENS = 16
REPLY_LIMIT = 500

# Printable ASCII without spaces: anything else cannot go in an HTTP header, and the HTTP
# library's error for it would quote the header value, i.e. the key.
_SENDABLE = re.compile(r"[\x21-\x7e]+\Z")


@dataclass(frozen=True)
class ValidationResult:
    """What a check found. Holds no key material, so it is safe to log and render."""

    outcome: KeyOutcome
    step: int | None
    http_status: int | None = None
    error_code: str | None = None
    error_type: str | None = None
    request_id: str | None = None
    organization: str | None = None
    project: str | None = None
    reply: str | None = None
    billing_checked: bool = False
    key_authenticated: bool = False

    @property
    def note_ids(self) -> tuple[str, ...]:
        """Ids of extra lines from ``outcomes.toml [notes]`` that qualify the outcome."""
        if self.error_code == MODEL_NOT_FOUND and self.outcome.stores_key:
            return ("model_unavailable",)
        if self.outcome in (KeyOutcome.VALID, KeyOutcome.RESTRICTED) and not self.billing_checked:
            return ("billing_not_checked",)
        if self.outcome is KeyOutcome.TRY_LATER and self.key_authenticated:
            return ("key_authenticated",)
        return ()


class _HttpResponse(Protocol):
    """The parts of the SDK's HTTP response (an ``httpx2.Response``) that a check reads."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


def validate_key(
    api_key: str,
    *,
    organization: str | None,
    project: str | None,
    base_url: str | None,
    timeout: float = 10.0,
    check_billing: bool = True,
    model: str = DEFAULT_MODEL,
) -> ValidationResult:
    """Check a key live: list models, then (``check_billing``) a tiny "Say hello" completion.

    ``base_url`` None means the SDK's default (or ``OPENAI_BASE_URL``); organization and
    project None (or blank) mean "send no header", whatever the environment says.
    """
    refused = _refuse_unsendable(api_key)
    if refused is not None:
        return refused
    organization, project = _blank_to_none(organization), _blank_to_none(project)
    headers = _request_headers(api_key, organization, project)
    with _client(api_key, organization, project, base_url, timeout) as client:
        listing = _probe(lambda: client.models.with_raw_response.list(extra_headers=headers))
        listing_ok = listing.outcome in (KeyOutcome.VALID, KeyOutcome.RESTRICTED)
        if not listing_ok or not check_billing:
            result = _finish(listing, billing_checked=False, key_authenticated=listing_ok)
        else:
            hello = _probe(_hello_call(client, headers, model))
            result = _combine(listing, hello)
    _log_result("validate", api_key, result)
    return result


def test_key(
    api_key: str,
    *,
    organization: str | None,
    project: str | None,
    base_url: str | None,
    timeout: float = 10.0,
    model: str = DEFAULT_MODEL,
) -> ValidationResult:
    """The "Test" button: one "Say hello" completion with a stored key (proves billing too)."""
    refused = _refuse_unsendable(api_key)
    if refused is not None:
        return refused
    organization, project = _blank_to_none(organization), _blank_to_none(project)
    headers = _request_headers(api_key, organization, project)
    with _client(api_key, organization, project, base_url, timeout) as client:
        hello = _probe(_hello_call(client, headers, model))
    billed = hello.outcome is KeyOutcome.VALID and hello.error_code is None
    result = _finish(hello, billing_checked=billed, key_authenticated=hello.outcome.stores_key)
    _log_result("test_key", api_key, result)
    return result


def _combine(listing: ValidationResult, hello: ValidationResult) -> ValidationResult:
    """One result from the models listing (the key) and the completion (billing).

    A restricted key keeps the listing's status and code (they explain the restriction); a
    failed completion decides the outcome (no credit, spend cap, try later...).
    """
    restricted = listing.outcome is KeyOutcome.RESTRICTED
    source = listing if restricted and hello.outcome is KeyOutcome.VALID else hello
    return _finish(
        replace(
            source,
            error_code=source.error_code or hello.error_code,
            organization=listing.organization or hello.organization,
            project=listing.project or hello.project,
            reply=hello.reply,
        ),
        billing_checked=hello.outcome is KeyOutcome.VALID and hello.error_code is None,
        key_authenticated=True,
    )


def _finish(
    result: ValidationResult, *, billing_checked: bool, key_authenticated: bool
) -> ValidationResult:
    step = result.step
    if result.outcome is KeyOutcome.VALID and not billing_checked:
        step = 6  # the key works, but nobody has seen it answer yet: test it (guide step 6)
    return replace(
        result, step=step, billing_checked=billing_checked, key_authenticated=key_authenticated
    )


def _refuse_unsendable(api_key: str) -> ValidationResult | None:
    if isinstance(api_key, str) and _SENDABLE.match(api_key):
        return None
    outcome = KeyOutcome.INVALID
    return ValidationResult(outcome, step=outcome_text(outcome).step, error_code="malformed_key")


def _client(
    api_key: str,
    organization: str | None,
    project: str | None,
    base_url: str | None,
    timeout: float,
) -> openai.OpenAI:
    import openai

    client = openai.OpenAI(
        api_key=api_key,
        organization=organization,
        project=project,
        base_url=base_url,
        max_retries=0,
        timeout=timeout,
        # The SDK's own HTTP client, but on a TLS context built once (see _tls_context).
        http_client=openai.DefaultHttpxClient(verify=_tls_context(), timeout=timeout),
    )
    # The SDK replaces None with OPENAI_ORG_ID / OPENAI_PROJECT_ID: put our explicit values
    # back. The per-request headers below also override OPENAI_CUSTOM_HEADERS.
    client.organization = organization
    client.project = project
    return client


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every check, shared by threads (as ``ssl`` allows).

    Building one loads the CA certificates: about 25 ms of CPU per check when every client
    made its own, paid by each submission, Test and leak-watch live check, and by the acks
    running beside them.
    """
    import httpx2

    return httpx2.create_ssl_context()


def _blank_to_none(value: str | None) -> str | None:
    """An empty optional modal field means "no header", not an empty one."""
    return (value.strip() or None) if value is not None else None


def _request_headers(
    api_key: str, organization: str | None, project: str | None
) -> dict[str, str | openai.Omit]:
    """Explicit auth, organization and project headers; ``Omit`` removes any default one."""
    import openai

    headers: dict[str, str | openai.Omit] = {"Authorization": f"Bearer {api_key}"}
    for name, value in (("OpenAI-Organization", organization), ("OpenAI-Project", project)):
        if value is not None and not _SENDABLE.match(value):
            raise ValueError(f"the {name} id must be printable ASCII without spaces")
        headers[name] = value if value is not None else openai.Omit()
    return headers


def _hello_call(
    client: openai.OpenAI, headers: Mapping[str, str | openai.Omit], model: str
) -> Callable[[], Any]:
    def call() -> Any:
        return client.chat.completions.with_raw_response.create(
            model=model,
            messages=[{"role": "user", "content": HELLO_PROMPT}],
            max_completion_tokens=HELLO_MAX_TOKENS,
            extra_headers=headers,
        )

    return call


def _probe(call: Callable[[], Any]) -> ValidationResult:
    """Run one SDK call with its raw response, and classify what came back."""
    import openai

    try:
        response: _HttpResponse = call().http_response
    except openai.APITimeoutError:
        return _no_answer("timeout")
    except openai.APIConnectionError:
        return _no_answer("connection")
    except openai.APIStatusError as exc:
        body = exc.body if isinstance(exc.body, dict) else None
        kind: ExceptionKind = "status" if body is not None else "non_json"
        message = body.get("message") if body is not None else None
        return _answered(
            exc.response,
            kind,
            code=exc.code if body is not None else None,
            type_=exc.type if body is not None else "non_json_response",
            message=message if isinstance(message, str) else None,
        )
    except openai.OpenAIError:
        return _no_answer("connection")
    payload = _json_body(response)
    if not isinstance(payload, dict) or not ("data" in payload or "choices" in payload):
        return _answered(response, "non_json", code=None, type_="non_json_response", message=None)
    return _answered(response, "none", code=None, type_=None, message=None, reply=_reply(payload))


def _answered(
    response: _HttpResponse,
    kind: ExceptionKind,
    *,
    code: str | None,
    type_: str | None,
    message: str | None,
    reply: str | None = None,
) -> ValidationResult:
    outcome, step = classify(response.status_code, code, type_, message, kind)
    headers = response.headers
    return ValidationResult(
        outcome=outcome,
        step=step,
        http_status=response.status_code,
        error_code=code,
        error_type=type_,
        request_id=headers.get("x-request-id"),
        organization=headers.get("openai-organization"),
        project=headers.get("openai-project"),
        reply=reply,
    )


def _no_answer(kind: Literal["timeout", "connection"]) -> ValidationResult:
    outcome, step = classify(None, None, None, None, kind)
    error_type = "timeout" if kind == "timeout" else "connection_error"
    return ValidationResult(outcome, step=step, error_type=error_type)


def _json_body(response: _HttpResponse) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _reply(body: Mapping[str, Any]) -> str | None:
    """The assistant's text from a chat completion body, trimmed; None when absent."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return None
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return content[:REPLY_LIMIT] if isinstance(content, str) else None


def _log_result(action: str, api_key: str, result: ValidationResult) -> None:
    log.info(
        "key %s %s: outcome=%s status=%s code=%s request_id=%s",
        action,
        mask(api_key),
        result.outcome.value,
        result.http_status,
        result.error_code,
        result.request_id,
    )
