"""Several workspaces on one app: each request uses its own workspace's token."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.identity import Actor, Person, Workspace
from bot.store.models import AuditEvent
from bot.store.slack_installations import slack_bots, slack_installations
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.slack import FakeSlack, TokenGrant
from tests.support.oauth_app import RunningOAuthApp


def _bot_grant(slack: FakeSlack, team_id: str | None) -> TokenGrant:
    (grant,) = [g for g in slack.tokens.values() if g.team_id == team_id and g.kind == "bot"]
    return grant


def _wait_until(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _store_key(app: RunningOAuthApp, team_id: str, variant: str) -> None:
    actor = Actor(enterprise_id="", team_id=team_id, user_id="U0KEYADMIN")
    result = app.services.keys.submit(actor, "prod", FakeOpenAI.key_for("valid", variant))
    assert result.stored


def test_each_workspace_is_served_with_its_own_token(oauth_app: RunningOAuthApp) -> None:
    assert oauth_app.install("T0001").status == 200
    assert oauth_app.install("T0002").status == 200
    first, second = _bot_grant(oauth_app.slack, "T0001"), _bot_grant(oauth_app.slack, "T0002")
    assert first.token != second.token

    assert oauth_app.command_from("key", team_id="T0001").status == 200
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == first.token
    assert oauth_app.command_from("key", team_id="T0002").status == 200
    opened = oauth_app.slack.wait_for("views.open", 2)[1]
    assert opened.token == second.token
    # Bolt checks each workspace's token with auth.test, with that token.
    checked = {call.token for call in oauth_app.slack.calls_to("auth.test")}
    assert {first.token, second.token} <= checked


def test_a_workspace_that_never_installed_gets_the_reinstall_message(
    oauth_app: RunningOAuthApp,
) -> None:
    oauth_app.install("T0001")
    response = oauth_app.command_from("key", team_id="T0STRANGER")
    assert response.status == 200
    (reply,) = oauth_app.slack.wait_for("response_url")
    assert "installation" in reply.text_content()
    assert not oauth_app.slack.calls_to("views.open")


def test_an_org_wide_install_serves_every_team_of_the_org(oauth_app: RunningOAuthApp) -> None:
    response = oauth_app.install(
        None, enterprise_id="E0GRID", is_enterprise_install=True, team_name="unused"
    )
    assert response.status == 200, response.text
    org = _bot_grant(oauth_app.slack, None)
    stored = oauth_app.store.find_installation(
        enterprise_id="E0GRID", team_id="T0GRIDA", is_enterprise_install=True
    )
    assert stored.team_id is None and stored.is_enterprise_install
    assert stored.bot_token == org.token
    found = oauth_app.store.find_bot(
        enterprise_id="E0GRID", team_id=None, is_enterprise_install=True
    )
    assert found.bot_token == org.token

    for team in ("T0GRIDA", "T0GRIDB"):
        reply = oauth_app.command_from("", team_id=team, enterprise_id="E0GRID", org_wide=True)
        assert reply.status == 200
        assert reply.json()["response_type"] == "ephemeral"
    oauth_app.command_from("key", team_id="T0GRIDA", enterprise_id="E0GRID", org_wide=True)
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == org.token


def test_uninstall_removes_that_workspace_only(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001")
    oauth_app.install("T0002")
    _store_key(oauth_app, "T0001", "one")
    _store_key(oauth_app, "T0002", "two")
    for team in ("T0001", "T0002"):
        oauth_app.services.progress.mark_done(Person("", team, "U0ALICE"), 2)

    response = oauth_app.event_from({"type": "app_uninstalled"}, team_id="T0001")
    assert response.status == 200
    store = oauth_app.store
    _wait_until(lambda: store.find_installation(enterprise_id=None, team_id="T0001") is None)
    _wait_until(lambda: not oauth_app.services.keys.list_projects(Workspace("", "T0001")))
    assert store.find_bot(enterprise_id=None, team_id="T0001") is None
    with oauth_app.database.session() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "shred")).all()
    assert [(row.team_id, row.outcome) for row in audit] == [("T0001", "app_uninstalled")]
    assert not oauth_app.services.progress.completed_steps(Person("", "T0001", "U0ALICE"))

    assert store.find_installation(enterprise_id=None, team_id="T0002") is not None
    assert oauth_app.services.keys.list_projects(Workspace("", "T0002"))
    assert oauth_app.services.progress.completed_steps(Person("", "T0002", "U0ALICE")) == {2}
    oauth_app.command_from("key", team_id="T0002")
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == _bot_grant(oauth_app.slack, "T0002").token


def test_org_wide_uninstall_forgets_every_team_of_the_org(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install(None, enterprise_id="E0GRID", is_enterprise_install=True)
    for team in ("T0GRIDA", "T0GRIDB"):
        oauth_app.services.progress.mark_done(Person("E0GRID", team, "U0ALICE"), 1)
    oauth_app.services.progress.mark_done(Person("", "T0ELSE", "U0ALICE"), 1)
    event = {"type": "app_uninstalled"}
    oauth_app.event_from(event, team_id=None, enterprise_id="E0GRID", org_wide=True)
    store, progress = oauth_app.store, oauth_app.services.progress
    org = {"enterprise_id": "E0GRID", "team_id": None, "is_enterprise_install": True}
    _wait_until(lambda: store.find_bot(**org) is None)
    _wait_until(lambda: not progress.completed_steps(Person("E0GRID", "T0GRIDB", "U0ALICE")))
    assert not progress.completed_steps(Person("E0GRID", "T0GRIDA", "U0ALICE"))
    assert progress.completed_steps(Person("", "T0ELSE", "U0ALICE")) == {1}


def test_revoked_user_tokens_remove_only_that_persons_rows(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001", user_scopes=("users:read",), installer_id="U0INSTALLER")
    oauth_app.services.progress.mark_done(Person("", "T0001", "U0ALICE"), 3)
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"], "bot": []}}
    assert oauth_app.event_from(event, team_id="T0001").status == 200

    def user_rows() -> int:
        with oauth_app.database.engine.connect() as connection:
            query = select(slack_installations.c.id).where(
                slack_installations.c.user_id == "U0INSTALLER"
            )
            return len(connection.execute(query).all())

    _wait_until(lambda: user_rows() == 0)
    with oauth_app.database.engine.connect() as connection:
        assert len(connection.execute(select(slack_bots)).all()) == 1
    assert oauth_app.services.progress.completed_steps(Person("", "T0001", "U0ALICE")) == {3}
    # The bot still works for the workspace.
    oauth_app.command_from("key", team_id="T0001")
    (opened,) = oauth_app.slack.wait_for("views.open")
    assert opened.token == _bot_grant(oauth_app.slack, "T0001").token


def test_revoked_bot_token_forgets_the_workspace(oauth_app: RunningOAuthApp) -> None:
    oauth_app.install("T0001")
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT0001"]}}
    oauth_app.event_from(event, team_id="T0001")
    store = oauth_app.store
    _wait_until(lambda: store.find_bot(enterprise_id=None, team_id="T0001") is None)
    assert store.find_installation(enterprise_id=None, team_id="T0001") is None
