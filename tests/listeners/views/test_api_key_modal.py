"""The private key dialog end to end: signed requests in, fake Slack and fake OpenAI out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.identity import Workspace
from bot.keys.validation import KeyOutcome
from bot.store.models import AuditEvent, StoredKey
from tests.fakes.openai_server import FakeOpenAI
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp

# scenario -> (outcome, stored status or None, guide step the answer points to)
OUTCOMES = {
    "valid": (KeyOutcome.VALID, "valid"),
    "restricted": (KeyOutcome.RESTRICTED, "restricted"),
    "invalid": (KeyOutcome.INVALID, None),
    "revoked": (KeyOutcome.INVALID, None),
    "deactivated": (KeyOutcome.ACCOUNT_PROBLEM, None),
    "ip_not_authorized": (KeyOutcome.ACCOUNT_PROBLEM, None),
    "no_org": (KeyOutcome.ACCOUNT_PROBLEM, None),
    "region": (KeyOutcome.REGION, None),
    "no_quota": (KeyOutcome.NO_CREDIT, "needs_credit"),
    "credit_exhausted": (KeyOutcome.NO_CREDIT, "needs_credit"),
    "billing_hard_limit": (KeyOutcome.NO_CREDIT, "needs_credit"),
    "spend_cap": (KeyOutcome.SPEND_CAP, "spend_capped"),
    "rate_limited": (KeyOutcome.TRY_LATER, None),
    "server_error": (KeyOutcome.TRY_LATER, None),
    "overloaded": (KeyOutcome.TRY_LATER, None),
    "html_502": (KeyOutcome.TRY_LATER, None),
    "slow": (KeyOutcome.TRY_LATER, None),
}


def _stored(app: RunningApp) -> list[StoredKey]:
    with app.database.session() as session:
        return list(session.scalars(select(StoredKey)))


def _audit(app: RunningApp) -> list[AuditEvent]:
    with app.database.session() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_key_command_opens_the_private_dialog(app: RunningApp) -> None:
    response = app.command("key Prod backend")
    assert response.status == 200
    assert not response.body.strip() or "blocks" not in response.text
    (call,) = app.slack.wait_for("views.open")
    view = call.view()
    assert view["callback_id"] == "api_key_modal"
    assert call.params["trigger_id"]
    blocks = {block.get("block_id"): block for block in view["blocks"]}
    assert {"project", "api_key", "organization", "openai_project", "check_billing"} <= set(blocks)
    assert blocks["project"]["element"]["initial_value"] == "Prod backend"
    assert "initial_value" not in blocks["api_key"]["element"]
    assert "only you" in all_text(view["blocks"]).lower()


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "xoxb-1234-5678-abcdefghijklmnop",
        "hello world",
        "sk-short",
        "sk-proj-abc def ghi jkl mno pqr stu",
        "pk-live-0123456789abcdefghij",
    ],
)
def test_format_problems_are_inline_errors(app: RunningApp, bad: str) -> None:
    response = app.submit_key("prod", bad)
    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert "api_key" in body["errors"]
    if bad.strip():
        assert bad.strip() not in response.text
    assert not _stored(app)
    assert not app.slack.calls_to("views.update")


def test_bad_organization_id_is_an_inline_error(app: RunningApp) -> None:
    response = app.submit_key("prod", FakeOpenAI.key_for("valid"), organization="acme")
    assert response.json()["errors"].keys() == {"organization"}


@pytest.mark.parametrize("scenario", sorted(OUTCOMES))
def test_every_outcome(app: RunningApp, fake_openai: FakeOpenAI, scenario: str) -> None:
    outcome, status = OUTCOMES[scenario]
    key = FakeOpenAI.key_for(scenario)
    response = app.submit_key("prod", key, view_id="V0KEYMODAL")
    ack = response.json()
    assert ack["response_action"] == "update"
    assert key not in response.text
    (update,) = app.slack.wait_for("views.update", timeout=15)
    assert update.params["view_id"] == "V0KEYMODAL"
    assert "hash" not in update.params
    text = all_text(update.view()["blocks"])
    from bot.keys.outcomes import outcome_text

    words = outcome_text(outcome)
    assert words.title in text
    if words.step is not None:
        assert f"/openai-setup {words.step}" in text
    stored = _stored(app)
    if status is None:
        assert stored == []
    else:
        assert [row.status for row in stored] == [status]
        assert stored[0].masked.endswith(key[-4:]) and key not in stored[0].masked
    (audit,) = _audit(app)
    assert audit.actor == "U0ALICE" and audit.project_name == "prod"
    assert key not in app.slack.all_text()


def test_valid_key_records_openai_org_and_project(app: RunningApp) -> None:
    app.submit_key("prod", FakeOpenAI.key_for("valid"))
    app.slack.wait_for("views.update")
    (row,) = _stored(app)
    assert row.openai_organization == FakeOpenAI.ORGANIZATION
    assert row.openai_project == FakeOpenAI.PROJECT
    home = app.slack.wait_for("views.publish")[-1]
    assert "prod" in all_text(home.view()["blocks"])


def test_unticking_billing_sends_no_chat_request(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    app.submit_key("prod", FakeOpenAI.key_for("no_quota"), check_billing=False)
    app.slack.wait_for("views.update")
    assert not fake_openai.requests_to("/v1/chat/completions")
    assert [row.status for row in _stored(app)] == ["valid"]


def test_a_second_key_replaces_the_first(app: RunningApp) -> None:
    app.submit_key("prod", FakeOpenAI.key_for("valid", "one"))
    app.slack.wait_for("views.update")
    app.submit_key("PROD", FakeOpenAI.key_for("valid", "two"))
    app.slack.wait_for("views.update", 2)
    (row,) = _stored(app)
    assert row.masked.endswith(FakeOpenAI.key_for("valid", "two")[-4:])
    assert [event.action for event in _audit(app)] == ["set", "replace"]


def test_forged_private_metadata_and_team_are_ignored(app: RunningApp) -> None:
    from tests.support import payloads

    app.submit_key("prod", FakeOpenAI.key_for("valid", "alice"))
    app.slack.wait_for("views.update")
    (alice_project,) = app.services.keys.list_projects(ALICE_WORKSPACE)
    # Another team's user sends a submission whose metadata names Alice's project.
    values = payloads.key_modal_values("prod", FakeOpenAI.key_for("valid", "mallory"))
    forged = f'{{"project_id": {alice_project.id}, "team_id": "T0001"}}'
    body = payloads.view_submission(
        values, user_id="U0MALLORY", team_id="T0EVIL", private_metadata=forged
    )
    assert app.post(body, "application/x-www-form-urlencoded").status == 200
    app.slack.wait_for("views.update", 2)
    (still_alice,) = _stored_for(app, alice_project.id)
    assert still_alice.masked.endswith(FakeOpenAI.key_for("valid", "alice")[-4:])
    evil = app.services.keys.list_projects(Workspace("", "T0EVIL"))
    assert [p.name for p in evil] == ["prod"] and evil[0].id != alice_project.id


ALICE_WORKSPACE = Workspace("", "T0001")


def _stored_for(app: RunningApp, project_id: int) -> list[StoredKey]:
    return [row for row in _stored(app) if row.project_id == project_id]
