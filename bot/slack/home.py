"""Publishing a person's App Home tab; called on open and after every change."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.guide.model import Step
from bot.identity import Actor, Person
from bot.keys.access import is_admin
from bot.services import Services
from bot.slack.actors import actor_of
from bot.slack.key_views import home_keys
from bot.slack.locale import localized_step, localized_steps
from bot.ui.feedback import unanswered_home_blocks
from bot.ui.guide import render_home, render_step

log = logging.getLogger(__name__)
HOME_BLOCK_LIMIT = 100


def home_view(
    services: Services,
    person: Person,
    open_step: Step | None = None,
    keys_blocks: list[dict[str, Any]] | None = None,
    locale: str = "en",
) -> dict[str, Any]:
    completed = services.progress.completed_steps(person)
    steps = localized_steps(services.steps, locale)
    view = render_home(steps, completed, extra_blocks=keys_blocks, locale=locale)
    if open_step is not None:
        step_blocks = render_step(
            localized_step(open_step, locale),
            steps,
            done=open_step.number in completed,
            locale=locale,
        )
        blocks = [*step_blocks, {"type": "divider"}, *view["blocks"]]
        view = {**view, "blocks": blocks[:HOME_BLOCK_LIMIT]}
    return view


def unanswered_for_admins(services: Services, actor: Actor) -> list[dict[str, Any]]:
    """ "Questions I couldn't answer", for the workspace's admins only (who asked is shown)."""
    if not is_admin(actor, services.settings.key_admin_ids):
        return []
    questions = services.questions
    return unanswered_home_blocks(
        questions.unanswered(actor.workspace, limit=200),
        questions.figures(actor.workspace),
        services.settings.unanswered_retention_days,
    )


def publish_home(
    client: WebClient,
    services: Services,
    person: Person,
    open_step: Step | None = None,
    actor: Actor | None = None,
) -> None:
    """Publish the Home tab; a failure is logged, never raised into the listener.

    ``actor``: the person's admin status when the caller already asked Slack for it.
    """
    try:
        actor = actor or actor_of(person, client)
        extra = [*home_keys(services, actor), *unanswered_for_admins(services, actor)]
        locale = services.locales.locale_of(person, client)
        view = home_view(services, person, open_step, extra, locale)
        client.views_publish(user_id=person.user_id, view=view)
    except SlackApiError as error:
        log.warning(
            "views.publish failed for user %s: %s", person.user_id, error.response.get("error")
        )
    except SQLAlchemyError as error:
        # The change itself is done (or already reported); Home catches up on the next one.
        log.warning("App Home not re-published for %s: %s", person.user_id, type(error).__name__)
