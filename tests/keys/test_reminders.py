"""Weekly reminders to rotate a stored key once it is older than the workspace's period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.identity import Actor
from bot.jobs.runner import JobRunner
from bot.jobs.schedule import build_runner
from bot.slack.notify import Notifier, clients_from_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support.organization import ADMIN, submit_admin_key
from tests.support.running_app import RunningApp


def _runner(app: RunningApp, start: datetime) -> JobRunner:
    app.services.settings = app.settings.model_copy(
        update={"openai_requests_interval_seconds": 0.0}
    )
    clients = clients_from_settings(app.services.settings, app.database, app.services.keyring)
    runner = build_runner(app.services, Notifier(clients))
    runner.run_due(start)
    return runner


def _reminders(app: RunningApp) -> list[str]:
    return [
        call.text_content()
        for call in app.slack.calls_to("chat.postMessage")
        if "Time to rotate" in call.text_content()
    ]


def test_maintainers_are_reminded_weekly_after_the_period(app: RunningApp) -> None:
    app.submit_key("Backend", FakeOpenAI.key_for("valid"))
    app.slack.wait_for("views.update")
    start = datetime.now(UTC)
    runner = _runner(app, start)

    runner.run_due(start + timedelta(days=89))
    assert _reminders(app) == []
    runner.run_due(start + timedelta(days=91))
    (first,) = _reminders(app)
    assert "Backend" in first and "91 days old" in first and "every 90 days" in first
    assert "/openai-setup 4" in first  # no organization connected: the way by hand
    (dm,) = [
        c for c in app.slack.calls_to("chat.postMessage") if "Time to rotate" in c.text_content()
    ]
    assert dm.params["channel"] == "U0ALICE"

    runner.run_due(start + timedelta(days=92, minutes=10))
    assert len(_reminders(app)) == 1  # once a week, not daily
    runner.run_due(start + timedelta(days=98, minutes=20))
    assert len(_reminders(app)) == 2


def test_a_shorter_period_chosen_by_an_admin_and_a_connected_organization(
    app: RunningApp, fake_openai: FakeOpenAI
) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    fake_openai.admin.add_project(FakeOpenAI.PROJECT, "Backend")
    app.submit_key("Backend", FakeOpenAI.key_for("valid"), user_id=ADMIN)
    app.slack.wait_for("views.update")
    submit_admin_key(app, fake_openai.admin.admin_key())
    app.slack.wait_for("views.update", 2)
    policy = app.services.rotation_policy
    member = Actor("", "T0001", "U0ALICE", False)
    assert policy.set_rotation_days(member, 30) is False
    assert policy.set_rotation_days(Actor("", "T0001", ADMIN, True), 30) is True
    start = datetime.now(UTC)
    runner = _runner(app, start)

    runner.run_due(start + timedelta(days=31))

    (reminder,) = _reminders(app)
    assert "every 30 days" in reminder and "Rotate now" in reminder
