"""The app's scheduled jobs, built from its services; one list for the thread and the CLI."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from bot.jobs.leases import Leases
from bot.jobs.pacing import Pacer
from bot.jobs.runner import Job, JobRunner, RetryLater, SchedulerThread
from bot.keys.health import KeyHealth
from bot.org.admin_api import AdminApiError
from bot.org.costs import save_chart
from bot.org.key_rotation import Announcement
from bot.services import Services
from bot.slack.notify import Notifier
from bot.ui.answers import fallback_text
from bot.ui.costs import render_budget_alert
from bot.ui.health import render_health_change
from bot.ui.rotate import render_announcement
from bot.ui.rotation import render_reminder

KEY_HEALTH = "key_health"
ROTATION_REMINDERS = "rotation_reminders"
ROTATIONS = "rotations"
COSTS = "costs"


def build_runner(services: Services, notifier: Notifier) -> JobRunner:
    settings = services.settings
    pacer = Pacer(settings.openai_requests_interval_seconds)
    health = KeyHealth(
        services.database,
        services.keyring,
        services.keys.probe,
        pace=lambda workspace: pacer.wait(workspace),
    )

    def check_keys(now: datetime) -> None:
        for change in health.check_all(now):
            blocks = render_health_change(change)
            notifier.tell(change.workspace, change.maintainers, blocks, fallback_text(blocks))

    def remind(now: datetime) -> None:
        for reminder in services.rotation_policy.due(now):
            connected = services.organization.is_connected(reminder.workspace)
            blocks = render_reminder(reminder, connected=connected)
            notifier.tell(reminder.workspace, reminder.maintainers, blocks, fallback_text(blocks))

    def announce(announcement: Announcement) -> None:
        blocks = render_announcement(announcement)
        notifier.tell(
            announcement.workspace, announcement.maintainers, blocks, fallback_text(blocks)
        )

    def finish_rotations(now: datetime) -> None:
        try:
            services.rotator.resume_all(announce, now)
        except AdminApiError as error:  # only a rate limit comes out of resume_all
            raise RetryLater(error.retry_after) from None

    def draw_charts(now: datetime) -> None:
        from bot.org.cost_chart import render_cost_chart

        for workspace in services.organization.connected_workspaces():
            for costs in services.costs.costs(workspace, now):
                png = render_cost_chart(costs.days, f"{costs.project_name}: daily cost (USD)")
                file_id = notifier.upload_image(
                    workspace, png, f"cost-{costs.project_id}.png", f"{costs.project_name} cost"
                )
                if file_id is not None:
                    save_chart(services.database, costs.project_id, file_id, now)

    def fetch_costs(now: datetime) -> None:
        try:
            alerts = services.costs.fetch(now, pace=lambda workspace: pacer.wait(workspace))
        except AdminApiError as error:
            raise RetryLater(error.retry_after) from None
        draw_charts(now)
        for alert in alerts:
            blocks = render_budget_alert(alert)
            audience = set(alert.maintainers)
            if settings.alert_channel:
                audience.add(settings.alert_channel)
            notifier.tell(alert.workspace, audience, blocks, fallback_text(blocks))

    jobs = [
        Job(KEY_HEALTH, timedelta(hours=settings.key_check_interval_hours), check_keys),
        Job(ROTATION_REMINDERS, timedelta(days=1), remind),
        # Resumes rotations a restart interrupted and deletes old keys after their grace.
        Job(ROTATIONS, timedelta(minutes=15), finish_rotations, jitter=timedelta(minutes=2)),
        Job(COSTS, timedelta(days=1), fetch_costs),
    ]
    holder = f"{socket.gethostname()}:{os.getpid()}"
    return JobRunner(Leases(services.database, holder), jobs)


def start_scheduler(services: Services) -> SchedulerThread | None:
    """The in-app scheduler (one per process; leases keep each job to one run per period)."""
    poll = services.settings.scheduler_poll_seconds
    if not poll:
        return None
    from bot.slack.notify import clients_from_settings

    notifier = Notifier(
        clients_from_settings(services.settings, services.database, services.keyring)
    )
    thread = SchedulerThread(build_runner(services, notifier), poll=poll)
    thread.start()
    return thread
