"""The pure classification of OpenAI answers, and the words for every outcome."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.keys.outcomes import (
    STORED_OUTCOMES,
    ExceptionKind,
    KeyOutcome,
    classify,
    note_text,
    outcome_text,
)
from bot.keys.validation import ValidationResult

SCOPES = (
    "You have insufficient permissions for this operation. Missing scopes: {}. Check that you "
    "have the correct role in your organization (Reader, Writer, Owner) and project."
)
QUOTA = "You exceeded your current quota, please check your plan and billing details."
RATE = (
    "Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): "
    "Limit 3. You can increase your rate limit by adding a payment method to your account at "
    "https://platform.openai.com/account/billing."
)

# (status, code, type, message, kind) -> (outcome, step): one row per fixture family.
CASES: list[
    tuple[int | None, str | None, str | None, str | None, ExceptionKind, str, int | None]
] = [
    (200, None, None, None, "none", "valid", 7),
    (
        403,
        None,
        "invalid_request_error",
        SCOPES.format("api.model.read"),
        "status",
        "restricted",
        4,
    ),
    (
        401,
        "missing_scope",
        "invalid_request_error",
        SCOPES.format("model.request"),
        "status",
        "restricted",
        4,
    ),
    (
        401,
        None,
        "invalid_request_error",
        SCOPES.format("api.responses.write"),
        "status",
        "restricted",
        4,
    ),
    (401, "invalid_api_key", "invalid_request_error", "Incorrect API key", "status", "invalid", 4),
    (401, None, "invalid_request_error", "You didn't provide an API key.", "status", "invalid", 4),
    (401, "mismatched_organization", "invalid_request_error", "", "status", "mismatch", 6),
    (401, "mismatched_project", "invalid_request_error", "", "status", "mismatch", 6),
    (401, "account_deactivated", "invalid_request_error", "", "status", "account_problem", None),
    (401, "ip_not_authorized", "invalid_request_error", "", "status", "account_problem", None),
    (401, "no_organization", "invalid_request_error", "", "status", "account_problem", None),
    (
        401,
        None,
        None,
        "You must be a member of an organization to use the API.",
        "status",
        "account_problem",
        None,
    ),
    (403, "unsupported_country_region_territory", "request_forbidden", "", "status", "region", 1),
    (
        404,
        "model_not_found",
        "invalid_request_error",
        "The model `x` does not exist",
        "status",
        "valid",
        6,
    ),
    (429, "insufficient_quota", "insufficient_quota", QUOTA, "status", "no_credit", 5),
    (429, None, "insufficient_quota", QUOTA, "status", "no_credit", 5),
    (429, "credit_balance_exhausted", "insufficient_quota", QUOTA, "status", "no_credit", 5),
    (400, "billing_hard_limit_reached", "invalid_request_error", "", "status", "no_credit", 5),
    (400, None, "invalid_request_error", "Must add funds first", "status", "no_credit", 5),
    (429, "project_spend_limit_exceeded", "insufficient_quota", QUOTA, "status", "spend_cap", 5),
    (
        429,
        "organization_spend_limit_exceeded",
        "insufficient_quota",
        QUOTA,
        "status",
        "spend_cap",
        5,
    ),
    (429, "rate_limit_exceeded", "requests", RATE, "status", "try_later", None),
    (
        429,
        "rate_limit_exceeded",
        "tokens",
        "Request too large for gpt-4o",
        "status",
        "try_later",
        None,
    ),
    (
        429,
        "slow_down",
        "rate_limit_error",
        "Please reduce your request rate.",
        "status",
        "try_later",
        None,
    ),
    (500, None, "server_error", "The server had an error", "status", "try_later", None),
    (500, "server_error", "server_error", "", "status", "try_later", None),
    (503, "server_is_overloaded", "service_unavailable_error", "", "status", "try_later", None),
    (502, None, None, None, "non_json", "try_later", None),
    (401, None, None, None, "non_json", "try_later", None),
    (None, None, None, None, "timeout", "try_later", None),
    (None, None, None, None, "connection", "try_later", None),
    (418, None, None, None, "status", "try_later", None),
]


@pytest.mark.parametrize(("status", "code", "type_", "message", "kind", "outcome", "step"), CASES)
def test_classify(
    status: int | None,
    code: str | None,
    type_: str | None,
    message: str | None,
    kind: ExceptionKind,
    outcome: str,
    step: int | None,
) -> None:
    assert classify(status, code, type_, message, kind) == (KeyOutcome(outcome), step)


@given(
    status=st.none() | st.integers(100, 599),
    code=st.none() | st.text(max_size=30),
    type_=st.none() | st.text(max_size=30),
    message=st.none() | st.text(max_size=200),
    kind=st.sampled_from(["none", "status", "non_json", "timeout", "connection"]),
)
def test_failures_without_an_answer_are_never_invalid(
    status: int | None,
    code: str | None,
    type_: str | None,
    message: str | None,
    kind: ExceptionKind,
) -> None:
    outcome, step = classify(status, code, type_, message, kind)
    if kind in ("timeout", "connection", "non_json") or status is None or status >= 500:
        assert outcome is KeyOutcome.TRY_LATER
    assert step is None or 1 <= step <= 7


@pytest.mark.parametrize("outcome", list(KeyOutcome))
def test_every_outcome_has_words(outcome: KeyOutcome) -> None:
    text = outcome_text(outcome)
    assert text.outcome is outcome
    assert text.title and text.explanation and text.action
    assert len(text.title) <= 60
    assert "sk-" not in text.explanation + text.action or outcome is KeyOutcome.VALID


def test_stored_outcomes() -> None:
    assert {o for o in KeyOutcome if o.stores_key} == STORED_OUTCOMES
    expected = {KeyOutcome.VALID, KeyOutcome.RESTRICTED, KeyOutcome.NO_CREDIT, KeyOutcome.SPEND_CAP}
    assert expected == STORED_OUTCOMES


def test_steps_of_the_design_table() -> None:
    steps = {outcome: outcome_text(outcome).step for outcome in KeyOutcome}
    assert steps[KeyOutcome.INVALID] == 4
    assert steps[KeyOutcome.MISMATCH] == 6
    assert steps[KeyOutcome.REGION] == 1
    assert steps[KeyOutcome.NO_CREDIT] == steps[KeyOutcome.SPEND_CAP] == 5
    assert steps[KeyOutcome.TRY_LATER] is None


def test_every_note_a_result_can_ask_for_exists() -> None:
    results = [
        ValidationResult(KeyOutcome.VALID, 6, error_code="model_not_found"),
        ValidationResult(KeyOutcome.VALID, 6),
        ValidationResult(KeyOutcome.TRY_LATER, None, key_authenticated=True),
    ]
    for result in results:
        (note_id,) = result.note_ids
        assert note_text(note_id)
