"""The key dialog's other fields: a key typed there is refused as leaked and kept nowhere;
project names are one definition (normalised, folded, no invisible characters, no cuts)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import AuditEvent, KeyProject, StoredKey
from tests.fakes.openai_server import FakeOpenAI
from tests.support.leaks import assert_nowhere, database_text, debug_logs, eventually
from tests.support.running_app import RunningApp

RANDOM = "Xq7Lm2Pz9Rt4Vb6Nc8Jk"
URL_SAFE = "A1b_C2d-E3f_G4h-J5k_L6m-N7p_Q8r"
LEAKED = {
    "legacy": "sk-" + RANDOM + "T3BlbkFJ" + RANDOM[::-1],  # 51 characters: passed as a name
    "project": "sk-proj-" + URL_SAFE * 3 + "T3BlbkFJ" + URL_SAFE,
    "service_account": "sk-svcacct-" + URL_SAFE * 3 + "T3BlbkFJ" + RANDOM,
    "admin": "sk-admin-" + RANDOM + URL_SAFE * 2 + "T3BlbkFJ" + URL_SAFE,
}
LABELS = {
    "project": "Project",
    "organization": "Organization ID",
    "openai_project": "OpenAI project ID",
}
ALICE, MALLORY = "U0ALICE", "U0MALLORY"


def _audit(app: RunningApp) -> list[AuditEvent]:
    with app.database.session() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _projects(app: RunningApp) -> list[str]:
    with app.database.session() as session:
        return [project.name for project in session.scalars(select(KeyProject))]


def _stored(app: RunningApp) -> list[StoredKey]:
    with app.database.session() as session:
        return list(session.scalars(select(StoredKey)))


def _refusals(app: RunningApp, count: int = 1) -> list[AuditEvent]:
    """The audit rows of refused input (written after the ack, on another thread)."""
    rows = eventually(
        lambda: [row for row in _audit(app) if row.outcome.startswith("refused:")],
        lambda found: len(found) >= count,
    )
    assert len(rows) == count, rows
    return rows


# --- item 3: a key in a field that is not the key field --------------------------------------
@pytest.mark.parametrize(
    ("field", "form"),
    [
        ("project", "legacy"),
        ("project", "project"),
        ("project", "service_account"),
        ("project", "admin"),
        ("organization", "project"),
        ("organization", "legacy"),
        ("openai_project", "service_account"),
        ("openai_project", "admin"),
    ],
)
def test_a_key_in_another_field_is_refused_inline_and_kept_nowhere(
    app: RunningApp, field: str, form: str
) -> None:
    leaked = LEAKED[form]
    typed = {"project": "prod", "organization": "", "openai_project": ""}
    typed[field] = f"  {leaked} " if field == "project" else leaked
    real_key = FakeOpenAI.key_for("valid", "Dialog")
    with debug_logs() as logs:
        response = app.submit_key(
            typed["project"],
            real_key,
            organization=typed["organization"],
            openai_project=typed["openai_project"],
            user_id=ALICE,
        )
        body = response.json()
        assert body["response_action"] == "errors"
        assert set(body["errors"]) == {field}
        message = body["errors"][field]
        assert f"“{LABELS[field]}”" in message
        assert "leaked" in message and "revoke" in message and "new one" in message
        (row,) = _refusals(app)
    assert row.outcome == "refused:leaked_key"
    assert row.detail == f"{field}: key_in_field"
    assert row.fingerprint_id is None
    assert row.project_name == (None if field == "project" else "prod")
    assert _projects(app) == [] and _stored(app) == []
    assert not app.slack.calls_to("views.update")
    assert_nowhere(app, logs, leaked, leaked[3:], leaked[-24:], real_key, real_key[8:])


def test_a_key_in_both_the_key_field_and_the_name_stores_nothing(app: RunningApp) -> None:
    key = FakeOpenAI.key_for("valid", "Twice")
    body = app.submit_key(key, key).json()
    assert set(body["errors"]) == {"project"}
    _refusals(app)
    assert _projects(app) == [] and _stored(app) == []
    assert key not in database_text(app) and key not in app.slack.all_text()


# --- item 4: one definition of a project name ------------------------------------------------
def _create_victim(app: RunningApp) -> None:
    assert app.submit_key("victim-proj", FakeOpenAI.key_for("valid", "victim"), user_id=ALICE)
    app.slack.wait_for("views.update")
    assert _projects(app) == ["victim-proj"]


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u202e", "\u2066", "\ufeff", "\u034f", "\x85", "\x9b", "\x00", "\x1b"],
)
def test_an_invisible_lookalike_is_refused_and_audited_without_the_name(
    app: RunningApp, invisible: str
) -> None:
    _create_victim(app)
    body = app.submit_key(
        f"victim-{invisible}proj", FakeOpenAI.key_for("valid", "mallory"), user_id=MALLORY
    ).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"project"}
    assert "invisible or control characters" in body["errors"]["project"]
    (row,) = _refusals(app)
    assert row.actor == MALLORY and row.outcome == "refused:input"
    assert row.project_name is None and row.detail == "project: name_characters"
    assert _projects(app) == ["victim-proj"]
    assert invisible not in database_text(app)
    assert len(app.slack.calls_to("views.update")) == 1  # only the victim's own result


def test_a_full_width_lookalike_is_the_same_project(app: RunningApp) -> None:
    _create_victim(app)
    full_width = "ｖｉｃｔｉｍ－ＰＲＯＪ"
    ack = app.submit_key(full_width, FakeOpenAI.key_for("valid", "mallory"), user_id=MALLORY)
    assert ack.json()["response_action"] == "update"
    update = app.slack.wait_for("views.update", 2)[-1]
    assert "You can't change the key of *victim-PROJ*" in update.text_content()  # NFKC
    assert _projects(app) == ["victim-proj"]
    (row,) = _stored(app)
    assert row.masked.endswith(FakeOpenAI.key_for("valid", "victim")[-4:])


def test_length_is_checked_after_folding_and_nothing_is_cut(app: RunningApp) -> None:
    body = app.submit_key("ß" * 41, FakeOpenAI.key_for("valid", "one"), user_id=ALICE).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"project"}
    assert "80 characters" in body["errors"]["project"]
    (row,) = _refusals(app)
    assert row.detail == "project: name_too_long" and row.project_name is None
    assert _projects(app) == []
    # 40 of them fold to exactly 80 characters: stored whole, and replaceable.
    app.submit_key("ß" * 40, FakeOpenAI.key_for("valid", "one"), user_id=ALICE)
    app.slack.wait_for("views.update")
    app.submit_key("SS" * 40, FakeOpenAI.key_for("valid", "two"), user_id=ALICE)
    update = app.slack.wait_for("views.update", 2)[-1]
    assert "replaced the previous key" in update.text_content()
    assert _projects(app) == ["ß" * 40]
    (stored,) = _stored(app)
    assert stored.masked.endswith(FakeOpenAI.key_for("valid", "two")[-4:])


def test_nul_in_the_audit_command_is_no_database_outage(app: RunningApp) -> None:
    for user in ("U0KEYADMIN", "U0BOB"):
        response = app.command("audit a\x00b", user_id=user)
        assert response.status == 200
        assert "can't reach my database" not in response.text
    refused = eventually(
        lambda: [row for row in _audit(app) if row.action == "audit"], lambda rows: bool(rows)
    )
    assert [(row.actor, row.outcome, row.project_name) for row in refused] == [
        ("U0BOB", "refused", None)
    ]
