"""The private key dialog's submission: rule breaks inline, then a live check, then save.

The key exists only in this request's memory: it is never put in the view, in
``private_metadata``, in a message or in a log line; views show ``mask(key)`` only. A key
typed into any other field is refused inline as leaked and never shown or stored.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.identity import Actor
from bot.keys.crypto import fingerprint, mask
from bot.keys.results import Verdict
from bot.rules.submission import Submission, check_submission
from bot.services import Services
from bot.slack.actors import actor_of
from bot.slack.context import person_of, services_of
from bot.slack.home import publish_home
from bot.slack.leak_alerts import update_alerts
from bot.ui.keys import (
    KeyModalInput,
    parse_key_modal,
    render_checking_view,
    render_error_view,
    render_held_view,
    render_input_errors,
    render_refused_view,
    render_result_view,
)

log = logging.getLogger(__name__)


def checked(values: KeyModalInput) -> Submission:
    """The submission rules (``bot.rules.submission``) applied to what was typed."""
    return check_submission(
        project=values.project,
        api_key=values.api_key,
        organization=values.organization,
        openai_project=values.openai_project,
    )


def acknowledge_key(ack: Ack, view: dict[str, Any]) -> None:
    values = parse_key_modal(view["state"]["values"])
    submission = checked(values)
    if submission.problems or submission.project is None:
        ack(response_action="errors", errors=render_input_errors(submission.problems))
        return
    checking = render_checking_view(submission.project.shown, mask(values.api_key))
    ack(response_action="update", view=checking)


def check_and_store_key(view: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    values = parse_key_modal(view["state"]["values"])
    submission = checked(values)
    services = services_of(context)
    if submission.problems or submission.project is None:
        # The ack showed the errors; the refusal is audited after it, without the values.
        person = person_of(context)
        try:
            services.keys.audit.refuse_input(
                person.workspace, person.user_id, submission.project, submission.problems
            )
        except Exception as error:
            log.error("auditing a refused key submission failed: %s", type(error).__name__)
        return
    actor: Actor | None = None
    try:
        actor = actor_of(person_of(context), client)
        result = services.keys.submit(
            actor,
            submission.project.shown,
            values.api_key,
            organization=values.organization or None,
            openai_project=values.openai_project or None,
            check_billing=values.check_billing,
        )
        if result.stored:
            _close_leaks(client, services, actor, result.project_name, values.api_key)
        if result.verdict is Verdict.REFUSED:
            new_view = render_refused_view(result.project_name)
        elif result.verdict is Verdict.HELD and result.hold is not None:
            new_view = render_held_view(result.hold, result.project_name)
        else:
            assert result.validation is not None
            new_view = render_result_view(
                result.project_name,
                result.masked or "",
                result.validation,
                stored=result.stored,
                replaced=result.replaced,
                steps=services.steps,
            )
    except Exception as error:
        log.error("key submission failed: %s", type(error).__name__)
        new_view = render_error_view("keys.error_internal")
    # Only the view id: the old hash would make a concurrent update fail for nothing.
    client.views_update(view_id=view["id"], view=new_view)
    publish_home(client, services, person_of(context), actor=actor)


def _close_leaks(
    client: WebClient, services: Services, actor: Actor, project_name: str, api_key: str
) -> None:
    """A compromised project got a new key: its leak alerts close, updated in place."""
    try:
        new_fingerprint = fingerprint(services.keyring, api_key)
        closed = services.leaks.resolve(actor, project_name, new_fingerprint)
        update_alerts(client, closed, actor.user_id)
    except Exception as error:
        # The key is stored; the alert stays open and says so until the next replacement.
        log.error("closing the leak alerts failed: %s", type(error).__name__)
