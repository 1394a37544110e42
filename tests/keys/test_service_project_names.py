"""The key service applies the name rules itself: a caller that skipped them gets nothing
stored, nothing cut, and an audit row without the refused name."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.identity import Actor
from bot.keys.results import Verdict
from bot.keys.service import KeyService
from bot.store.models import AuditEvent, KeyProject
from tests.fakes.openai_server import FakeOpenAI
from tests.support.exports import export_key

CREATOR = Actor("", "T1", "UCREATOR")


def _rows(service: KeyService) -> tuple[list[AuditEvent], list[KeyProject]]:
    with service.database.session() as session:
        return (
            list(session.scalars(select(AuditEvent).order_by(AuditEvent.id))),
            list(session.scalars(select(KeyProject))),
        )


@pytest.mark.parametrize(
    ("name", "code"),
    [("a\x00b", "name_characters"), ("ß" * 41, "name_too_long"), ("  ", "name_empty")],
)
def test_submit_refuses_a_name_the_rules_refuse(
    service: KeyService, fake_openai: FakeOpenAI, name: str, code: str
) -> None:
    result = service.submit(CREATOR, name, FakeOpenAI.key_for("valid"))
    assert result.verdict is Verdict.INVALID and not result.stored
    assert not fake_openai.requests, "refused before asking OpenAI"
    audit, projects = _rows(service)
    assert projects == []
    assert [(row.outcome, row.project_name, row.detail) for row in audit] == [
        ("refused:input", None, f"project: {code}")
    ]


def test_export_refuses_a_name_the_rules_refuse(service: KeyService) -> None:
    with pytest.raises(LookupError):
        export_key(service, CREATOR.workspace, "prod\u202e")
    audit, _ = _rows(service)
    assert [(row.action, row.outcome, row.project_name) for row in audit] == [
        ("export", "refused:input", None)
    ]


def test_names_meet_in_their_folded_form(service: KeyService) -> None:
    first = service.submit(CREATOR, "Ｐｒｏｄ  API", FakeOpenAI.key_for("valid", "one"))
    second = service.submit(CREATOR, "prod api", FakeOpenAI.key_for("valid", "two"))
    assert first.stored and second.replaced
    _, projects = _rows(service)
    assert [(project.name, project.name_key) for project in projects] == [("Prod API", "prod api")]
    assert export_key(service, CREATOR.workspace, "PROD API") == FakeOpenAI.key_for("valid", "two")
