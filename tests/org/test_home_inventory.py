"""App Home for a connected organization: the key inventory with its flags, read-only for
members; the rotation period and "Rotate now" for admins."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

from bot.identity import Workspace
from tests.fakes.openai_admin import DAY
from tests.fakes.openai_server import FakeOpenAI
from tests.support import payloads
from tests.support.blocks import all_text, iter_elements
from tests.support.leaks import eventually
from tests.support.organization import ADMIN, choose_link, submit_admin_key
from tests.support.running_app import RunningApp


def _home_of(app: RunningApp, user_id: str) -> list[dict]:
    before = len(app.slack.calls_to("views.publish"))
    app.event(payloads.app_home_opened(user_id))
    mine = eventually(
        lambda: [
            c
            for c in app.slack.calls_to("views.publish")[before:]
            if c.params["user_id"] == user_id
        ],
        bool,
    )
    return mine[-1].view()["blocks"]


def _arrange(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    app.slack.add_user("U0ALICE")
    stored = FakeOpenAI.key_for("valid")
    organization = fake_openai.admin
    organization.add_project(FakeOpenAI.PROJECT, "Backend")
    now = int(time.time())
    organization.add_key(
        FakeOpenAI.PROJECT,
        name="prod",
        value=stored,
        created_at=now - 5 * DAY,
        last_used_at=now - 3600,
    )
    organization.add_key(
        FakeOpenAI.PROJECT,
        name="old laptop",
        value="sk-proj-" + "Zq7" * 15,
        created_at=now - 200 * DAY,
        last_used_at=now - 45 * DAY,
    )
    app.submit_key("Backend", stored, user_id="U0ALICE")
    app.slack.wait_for("views.update")
    submit_admin_key(app, organization.admin_key())
    app.slack.wait_for("views.update", 2)


def test_members_see_the_flagged_inventory_without_controls(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    blocks = _home_of(app, "U0ALICE")
    shown = all_text(blocks)

    assert "OpenAI organization" in shown and "sk-admin-…" in shown
    prod = next(line for line in shown.splitlines() if "• prod" in line)
    laptop = next(line for line in shown.splitlines() if "• old laptop" in line)
    assert "the key stored here" in prod and "unused" not in prod and "older" not in prod
    assert "unused for 30+ days" in laptop
    assert "older than 90 days" in laptop
    assert "not stored here" in laptop
    ids = {element.get("action_id", "") for element in iter_elements(blocks)}
    assert not any(i.startswith(("org_rotate", "org_rotation_period")) for i in ids)


def test_admins_change_the_rotation_period_and_see_rotate_now(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    blocks = _home_of(app, ADMIN)
    ids = {element.get("action_id", "") for element in iter_elements(blocks)}
    assert "org_rotation_period" in ids and any(i.startswith("org_rotate:") for i in ids)

    body = payloads.block_actions(
        "org_rotation_period",
        "",
        user_id=ADMIN,
        response_url=app.next_response_url(),
        container="view",
    )
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    payload["actions"][0].update(
        type="static_select",
        selected_option={"text": {"type": "plain_text", "text": "30 days"}, "value": "30"},
    )
    app.post(
        urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
    )

    days = eventually(
        lambda: app.services.rotation_policy.rotation_days(Workspace("", "T0001")),
        lambda value: value == 30,
    )
    assert days == 30
    app.services.overviews.forget(Workspace("", "T0001"))
    assert "older than 30 days" in all_text(_home_of(app, "U0ALICE"))


def test_admins_link_an_unlinked_project_from_app_home(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    _arrange(app, fake_openai)
    app.submit_key("Stray", FakeOpenAI.key_for("mismatched_project"), user_id=ADMIN)
    app.slack.wait_for("views.update", 3)
    workspace = Workspace("", "T0001")
    stray = next(p.id for p in app.services.keys.list_projects(workspace) if p.name == "Stray")
    app.services.overviews.forget(workspace)

    member_ids = {e.get("action_id", "") for e in iter_elements(_home_of(app, "U0ALICE"))}
    admin_ids = {e.get("action_id", "") for e in iter_elements(_home_of(app, ADMIN))}
    assert f"org_link_project:{stray}" in admin_ids
    assert not any(i.startswith("org_link_project") for i in member_ids)

    def told_linked() -> list[Any]:
        return [
            call
            for call in app.slack.calls_to("chat.postMessage")
            if call.params.get("channel") == ADMIN and "now linked" in call.text_content()
        ]

    before = len(app.slack.calls_to("views.publish"))
    choose_link(app, stray, FakeOpenAI.PROJECT, in_home=True)
    # The link is written before the person is told; a Home publish alone could be a late
    # one of the key submission's, so the DM is what says the click was handled.
    assert len(eventually(told_linked, lambda calls: len(calls) == 1)) == 1
    linked = {
        p.project_name: p.openai_project_id for p in app.services.organization.projects(workspace)
    }
    assert linked["Stray"] == FakeOpenAI.PROJECT
    eventually(lambda: len(app.slack.calls_to("views.publish")), lambda n: n > before)
    assert len(app.slack.calls_to("views.publish")) > before
