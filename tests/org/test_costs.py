"""Daily cost per linked project, ``/openai-setup usage``, and budget alerts sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs.runner import JobRunner
from bot.jobs.schedule import build_runner
from bot.slack.notify import Notifier, clients_from_settings
from tests.fakes.openai_server import FakeOpenAI
from tests.support.blocks import all_text
from tests.support.organization import ADMIN, submit_admin_key
from tests.support.running_app import RunningApp

ALERTS = "C0ALERTS"


def _runner(app: RunningApp, start: datetime) -> JobRunner:
    app.services.settings = app.settings.model_copy(
        update={"openai_requests_interval_seconds": 0.0, "alert_channel": ALERTS}
    )
    clients = clients_from_settings(app.services.settings, app.database, app.services.keyring)
    runner = build_runner(app.services, Notifier(clients))
    runner.run_due(start)
    return runner


def _alerts(app: RunningApp) -> list[tuple[str, str]]:
    return [
        (call.params["channel"], call.text_content())
        for call in app.slack.calls_to("chat.postMessage")
        if "monthly budget" in call.text_content()
    ]


def test_costs_usage_and_budget_alerts(app: RunningApp, fake_openai: FakeOpenAI) -> None:
    app.slack.add_user(ADMIN, is_admin=True)
    organization = fake_openai.admin
    start = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    start = start.replace(day=1) + timedelta(days=9)  # the 10th: month-to-date is 10 days
    first_fetch = start + timedelta(days=1, minutes=10)
    organization.clock = lambda: first_fetch.timestamp()
    organization.add_project(FakeOpenAI.PROJECT, "Backend")
    organization.add_cost(FakeOpenAI.PROJECT, int((start - timedelta(days=20)).timestamp()), 4.0)
    organization.add_cost(FakeOpenAI.PROJECT, int((start - timedelta(days=2)).timestamp()), 3.0)
    organization.add_cost(FakeOpenAI.PROJECT, int(start.timestamp()), 5.5)
    organization.add_cost("proj_notours", int(start.timestamp()), 100.0)
    app.submit_key("Backend", FakeOpenAI.key_for("valid"))  # Alice maintains it
    app.slack.wait_for("views.update")
    submit_admin_key(app, organization.admin_key())
    app.slack.wait_for("views.update", 2)
    assert (
        "only workspace admins and the project's maintainers"
        in app.command("budget Backend 10", user_id="U0BOB").text.lower()
    )
    assert "$10.00" in app.command("budget Backend 10").text
    runner = _runner(app, start)

    runner.run_due(first_fetch)

    (png,) = app.slack.uploads.values()  # one chart per linked project, drawn off requests
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    usage_blocks = app.command("usage").json()["blocks"]
    (image,) = [block for block in usage_blocks if block["type"] == "image"]
    assert image["slack_file"] == {"id": next(iter(app.slack.uploads))}
    assert "Backend" in image["alt_text"]
    usage = all_text(usage_blocks)
    assert "Backend" in usage and "$8.50 this month" in usage
    assert "(85%)" in usage and "▁" in usage and "█" in usage
    assert [channel for channel, _ in _alerts(app)] == [ALERTS, "U0ALICE"]
    assert "80%" in _alerts(app)[0][1]
    assert "proj_notours" not in usage and "100.00" not in usage

    organization.clock = lambda: (first_fetch + timedelta(days=1)).timestamp()
    runner.run_due(first_fetch + timedelta(days=1, minutes=10))
    assert len(_alerts(app)) == 2  # 80% is told once a month

    organization.add_cost(FakeOpenAI.PROJECT, int((start + timedelta(days=2)).timestamp()), 2.0)
    organization.clock = lambda: (first_fetch + timedelta(days=2)).timestamp()
    runner.run_due(first_fetch + timedelta(days=2, minutes=20))
    hundred = [text for _, text in _alerts(app)[2:]]
    assert len(hundred) == 2 and all("100%" in text for text in hundred)
    assert "No project" not in app.command("usage backend").text
    assert "don't know a linked project" in app.command("usage nope").text
