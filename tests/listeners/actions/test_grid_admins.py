"""Enterprise Grid: who counts as an admin when a request comes from a workspace of an org.

Org admins and owners (``enterprise_user.is_admin``/``is_owner`` in ``users.info``) manage keys
in every workspace of their own org; workspace admins and owners only in their own workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.identity import Workspace
from bot.store.models import AuditEvent, StoredKey
from bot.ui import actions
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack
from tests.support.blocks import all_text
from tests.support.running_app import RunningApp

GRID = "E0GRID"
WORKSPACE = Workspace(GRID, "T0001")

# user id -> (users.info facts, may manage keys in T0001 of the org E0GRID)
PEOPLE: dict[str, tuple[dict[str, Any], bool]] = {
    "U0WSADMIN": ({"team_id": "T0001", "is_admin": True}, True),
    "U0WSOWNER": ({"team_id": "T0001", "is_owner": True, "is_primary_owner": True}, True),
    "U0XADMIN": ({"team_id": "T0OTHER", "is_admin": True, "is_owner": True}, False),
    "U0ORGADMIN": ({"team_id": "T0OTHER", "is_org_admin": True}, True),
    "U0ORGOWNER": ({"team_id": "T0OTHER", "is_org_owner": True}, True),
    "U0FOREIGN": (
        {"team_id": "T0FAR", "enterprise_id": "E0ELSE", "is_org_admin": True, "is_admin": True},
        False,
    ),
    "U0MEMBER": ({"team_id": "T0001", "teams": ("T0001", "T0OTHER")}, False),
}


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack of an org's workspace T0001 (overrides the plain workspace one)."""
    fake = FakeSlack(team_id="T0001", enterprise_id=GRID)
    fake.add_user("U0ALICE", enterprise_id=GRID)
    for user_id, (facts, _allowed) in PEOPLE.items():
        fake.add_user(user_id, **{"enterprise_id": GRID, **facts})
    yield fake
    fake.close()


def _store_key(app: RunningApp) -> int:
    app.submit_key("prod", FakeOpenAI.key_for("valid"), enterprise_id=GRID)
    app.slack.wait_for("views.update")
    (row,) = app.services.keys.list_projects(WORKSPACE)
    return row.id


def _stored_count(app: RunningApp) -> int:
    with app.database.session() as session:
        return len(list(session.scalars(select(StoredKey))))


@pytest.mark.parametrize("user_id", sorted(PEOPLE))
def test_admin_rights_follow_the_org_and_the_workspace(app: RunningApp, user_id: str) -> None:
    _store_key(app)
    blocks = app.command("audit", user_id=user_id, enterprise_id=GRID).json()["blocks"]
    allowed = PEOPLE[user_id][1]
    assert ("prod" in all_text(blocks)) is allowed


def test_admin_of_another_workspace_cannot_revoke_but_an_org_admin_can(app: RunningApp) -> None:
    project_id = _store_key(app)
    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0XADMIN", enterprise_id=GRID)
    (refused,) = app.slack.wait_for("response_url")
    assert "can't" in all_text(refused.blocks())
    assert _stored_count(app) == 1
    with app.database.session() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.actor == "U0XADMIN")).one()
    assert (audit.action, audit.outcome, audit.enterprise_id) == ("revoke", "refused", GRID)

    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0ORGADMIN", enterprise_id=GRID)
    app.slack.wait_for("response_url", 2)
    assert _stored_count(app) == 0


def test_workspace_admin_manages_in_own_workspace(app: RunningApp) -> None:
    project_id = _store_key(app)
    app.action(actions.KEYS_REVOKE, str(project_id), user_id="U0WSADMIN", enterprise_id=GRID)
    app.slack.wait_for("response_url")
    assert _stored_count(app) == 0
