"""Live key checks through the real openai SDK against the loopback fake OpenAI."""

from __future__ import annotations

import logging
import time

import pytest

from bot.keys import validation
from bot.keys.outcomes import note_text
from bot.keys.validation import KeyOutcome, ValidationResult, validate_key
from tests.fakes.openai_server import FakeOpenAI

ORG = FakeOpenAI.ORGANIZATION
PROJECT = FakeOpenAI.PROJECT

# scenario -> (outcome, step, stored, billing_checked, organization header in the result)
EXPECTED: dict[str, tuple[KeyOutcome, int | None, bool, bool, str | None]] = {
    "valid": (KeyOutcome.VALID, 7, True, True, ORG),
    "restricted": (KeyOutcome.RESTRICTED, 4, True, True, ORG),
    "read_only": (KeyOutcome.RESTRICTED, 4, True, False, ORG),
    "invalid": (KeyOutcome.INVALID, 4, False, False, None),
    "revoked": (KeyOutcome.INVALID, 4, False, False, None),
    "deactivated": (KeyOutcome.ACCOUNT_PROBLEM, None, False, False, None),
    "ip_not_authorized": (KeyOutcome.ACCOUNT_PROBLEM, None, False, False, None),
    "no_org": (KeyOutcome.ACCOUNT_PROBLEM, None, False, False, None),
    "mismatched_org": (KeyOutcome.VALID, 7, True, True, "org-FAKE0000000000000000other"),
    "mismatched_project": (KeyOutcome.VALID, 7, True, True, ORG),
    "region": (KeyOutcome.REGION, 1, False, False, None),
    "no_quota": (KeyOutcome.NO_CREDIT, 5, True, False, ORG),
    "credit_exhausted": (KeyOutcome.NO_CREDIT, 5, True, False, ORG),
    "billing_hard_limit": (KeyOutcome.NO_CREDIT, 5, True, False, ORG),
    "spend_cap": (KeyOutcome.SPEND_CAP, 5, True, False, ORG),
    "rate_limited": (KeyOutcome.TRY_LATER, None, False, False, ORG),
    "server_error": (KeyOutcome.TRY_LATER, None, False, False, None),
    "overloaded": (KeyOutcome.TRY_LATER, None, False, False, ORG),
    "html_502": (KeyOutcome.TRY_LATER, None, False, False, None),
}


def _check(fake: FakeOpenAI, key: str, **options: object) -> ValidationResult:
    arguments: dict[str, object] = {"organization": None, "project": None, "timeout": 5.0}
    arguments.update(options)
    return validate_key(key, base_url=fake.base_url, **arguments)  # type: ignore[arg-type]


def test_every_scenario_is_covered() -> None:
    assert set(EXPECTED) | {"slow"} == set(FakeOpenAI.scenarios())


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_outcomes(fake_openai: FakeOpenAI, scenario: str) -> None:
    outcome, step, stored, billed, organization = EXPECTED[scenario]
    key = FakeOpenAI.key_for(scenario)
    result = _check(fake_openai, key)
    assert (result.outcome, result.step, result.outcome.stores_key, result.billing_checked) == (
        outcome,
        step,
        stored,
        billed,
    )
    assert result.organization == organization
    assert fake_openai.seen_keys and set(fake_openai.seen_keys) == {key}
    assert key not in repr(result) and key not in str(result)
    assert result.request_id is None or result.request_id.startswith("req_")


def test_valid_key_details(fake_openai: FakeOpenAI) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("valid"))
    assert result.reply == "Hello! How can I help you today?"
    assert result.project == PROJECT
    assert result.http_status == 200 and result.error_code is None
    assert result.key_authenticated and result.note_ids == ()
    models, chat = fake_openai.requests
    assert (models.method, models.path) == ("GET", "/v1/models")
    assert (chat.method, chat.path) == ("POST", "/v1/chat/completions")
    assert chat.body["model"] == "gpt-4o-mini"
    assert chat.body["messages"] == [{"role": "user", "content": "Say hello"}]
    assert chat.body["max_completion_tokens"] <= 16
    assert chat.headers["authorization"] == "present"


@pytest.mark.parametrize(
    ("scenario", "code", "status"),
    [
        ("invalid", "invalid_api_key", 401),
        ("no_quota", "insufficient_quota", 429),
        ("credit_exhausted", "credit_balance_exhausted", 429),
        ("billing_hard_limit", "billing_hard_limit_reached", 400),
        ("spend_cap", "project_spend_limit_exceeded", 429),
        ("rate_limited", "rate_limit_exceeded", 429),
        ("overloaded", "server_is_overloaded", 503),
        ("region", "unsupported_country_region_territory", 403),
        ("html_502", None, 502),
    ],
)
def test_error_details_are_kept(
    fake_openai: FakeOpenAI, scenario: str, code: str | None, status: int
) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for(scenario))
    assert (result.error_code, result.http_status) == (code, status)


def test_no_retries_on_429(fake_openai: FakeOpenAI) -> None:
    _check(fake_openai, FakeOpenAI.key_for("no_quota"))
    assert len(fake_openai.requests_to("/v1/chat/completions")) == 1
    _check(fake_openai, FakeOpenAI.key_for("rate_limited"))
    assert len(fake_openai.requests_to("/v1/models")) == 2  # one per check


def test_failed_listing_skips_the_billing_call(fake_openai: FakeOpenAI) -> None:
    _check(fake_openai, FakeOpenAI.key_for("invalid"))
    assert fake_openai.requests_to("/v1/chat/completions") == []


def test_check_billing_off_sends_only_the_listing(fake_openai: FakeOpenAI) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("no_quota"), check_billing=False)
    assert result.outcome is KeyOutcome.VALID and result.step == 6
    assert not result.billing_checked and result.reply is None
    assert result.note_ids == ("billing_not_checked",)
    assert fake_openai.requests_to("/v1/chat/completions") == []


def test_unknown_model_means_valid_but_billing_unconfirmed(fake_openai: FakeOpenAI) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("valid"), model="gpt-nonexistent")
    assert result.outcome is KeyOutcome.VALID and result.outcome.stores_key
    assert result.error_code == "model_not_found" and not result.billing_checked
    assert result.step == 6
    assert result.note_ids == ("model_unavailable",)
    note_text(result.note_ids[0])


def test_try_later_after_a_good_listing_says_the_key_authenticated(
    fake_openai: FakeOpenAI,
) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("overloaded"))
    assert result.key_authenticated and result.note_ids == ("key_authenticated",)


def test_slow_server_times_out_quickly_as_try_later(fake_openai: FakeOpenAI) -> None:
    started = time.monotonic()
    result = _check(fake_openai, FakeOpenAI.key_for("slow"), timeout=0.5)
    assert time.monotonic() - started < 3
    assert result.outcome is KeyOutcome.TRY_LATER and not result.outcome.stores_key
    assert result.error_type == "timeout" and result.http_status is None


def test_unreachable_server_is_try_later() -> None:
    fake = FakeOpenAI()
    base_url = fake.base_url
    fake.close()
    result = validate_key(
        FakeOpenAI.key_for("valid"),
        organization=None,
        project=None,
        base_url=base_url,
        timeout=2.0,
    )
    assert result.outcome is KeyOutcome.TRY_LATER and result.error_type == "connection_error"


def test_environment_organization_and_project_are_not_sent(
    fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-FROMTHEENVIRONMENT")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_FROMTHEENVIRONMENT")
    monkeypatch.setenv("OPENAI_API_KEY", FakeOpenAI.key_for("invalid", "env"))
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "OpenAI-Organization: org-FROMCUSTOMHEADERS")
    key = FakeOpenAI.key_for("valid")
    result = _check(fake_openai, key)
    assert result.outcome is KeyOutcome.VALID
    assert len(fake_openai.requests) == 2
    for request in fake_openai.requests:
        assert "openai-organization" not in request.headers
        assert "openai-project" not in request.headers
    assert set(fake_openai.seen_keys) == {key}


def test_explicit_organization_and_project_are_sent(fake_openai: FakeOpenAI) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("valid"), organization=ORG, project=PROJECT)
    assert result.outcome is KeyOutcome.VALID
    for request in fake_openai.requests:
        assert request.headers["openai-organization"] == ORG
        assert request.headers["openai-project"] == PROJECT


def test_blank_organization_and_project_send_no_header(fake_openai: FakeOpenAI) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for("valid"), organization="", project="  ")
    assert result.outcome is KeyOutcome.VALID
    for request in fake_openai.requests:
        assert "openai-organization" not in request.headers
        assert "openai-project" not in request.headers


@pytest.mark.parametrize(
    ("scenario", "options", "code"),
    [
        ("valid", {"organization": "org-someoneelse"}, "mismatched_organization"),
        ("valid", {"project": "proj_someoneelse"}, "mismatched_project"),
        ("mismatched_org", {"organization": ORG}, "mismatched_organization"),
        ("mismatched_project", {"project": PROJECT}, "mismatched_project"),
    ],
)
def test_mismatched_organization_or_project(
    fake_openai: FakeOpenAI, scenario: str, options: dict[str, str], code: str
) -> None:
    result = _check(fake_openai, FakeOpenAI.key_for(scenario), **options)
    assert (result.outcome, result.step, result.outcome.stores_key) == (
        KeyOutcome.MISMATCH,
        6,
        False,
    )
    assert result.error_code == code


def test_test_key_says_hello(fake_openai: FakeOpenAI) -> None:
    valid = validation.test_key(
        FakeOpenAI.key_for("restricted"),
        organization=None,
        project=None,
        base_url=fake_openai.base_url,
    )
    assert valid.outcome is KeyOutcome.VALID and valid.billing_checked and valid.step == 7
    assert valid.reply == "Hello! How can I help you today?"
    assert fake_openai.requests_to("/v1/models") == []
    broke = validation.test_key(
        FakeOpenAI.key_for("no_quota"),
        organization=None,
        project=None,
        base_url=fake_openai.base_url,
    )
    assert (broke.outcome, broke.outcome.stores_key, broke.step) == (KeyOutcome.NO_CREDIT, True, 5)


@pytest.mark.parametrize("key", ["", "sk-proj-abc def", "sk-proj-abc\ndef", "sk-proj-ä"])
def test_unsendable_keys_are_invalid_without_any_request(fake_openai: FakeOpenAI, key: str) -> None:
    result = _check(fake_openai, key)
    assert (result.outcome, result.error_code, result.outcome.stores_key) == (
        KeyOutcome.INVALID,
        "malformed_key",
        False,
    )
    assert fake_openai.requests == []


def test_bad_organization_id_raises_without_the_key(fake_openai: FakeOpenAI) -> None:
    key = FakeOpenAI.key_for("valid")
    with pytest.raises(ValueError) as raised:
        _check(fake_openai, key, organization="org-x\r\nX-Evil: 1")
    assert key not in str(raised.value) and key not in repr(raised.value)


@pytest.mark.parametrize("scenario", [*sorted(EXPECTED), "slow"])
def test_the_key_never_reaches_the_logs(
    fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture, scenario: str
) -> None:
    key = FakeOpenAI.key_for(scenario, "LOGCHECK9")
    with caplog.at_level(logging.DEBUG):
        _check(fake_openai, key, timeout=0.5)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert key not in logged
    assert key[8:-4] not in logged  # not even the masked-away middle
