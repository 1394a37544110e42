"""The private key dialog: the form, reading what was submitted, and the views that follow.

The form's ``callback_id`` and ``block_id``s are part of the app's outside contract
(DESIGN.md §5). The follow-up views (checking, result, refused, error) only ever show the
masked key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.guide.model import Step
from bot.keys.limits import Hold
from bot.keys.validation import ValidationResult
from bot.rules.submission import MAX_PROJECT_NAME, Field, Problem
from bot.ui.blocks import Block, context, plain, section
from bot.ui.key_holds import render_held
from bot.ui.key_results import (
    project_label,
    render_refused,
    result_blocks,
    shown_key,
    stored_line,
)
from bot.ui.messages import all_templates, placeholders, text
from bot.ui.mrkdwn import MAX_MODAL_TITLE, one_line

KEY_MODAL_CALLBACK_ID = "api_key_modal"
KEY_RESULT_CALLBACK_ID = "api_key_result"  # the views that replace the form after submitting

# The text inputs' block ids are the submission rules' field names.
BLOCK_PROJECT = Field.PROJECT.value
BLOCK_API_KEY = Field.API_KEY.value
BLOCK_ORGANIZATION = Field.ORGANIZATION.value
BLOCK_OPENAI_PROJECT = Field.OPENAI_PROJECT.value
BLOCK_CHECK_BILLING = "check_billing"
INPUT_ACTION_ID = "value"  # the action_id of every input element in the form
CHECK_BILLING_VALUE = "yes"

MAX_API_KEY_INPUT = 300
MAX_OPENAI_ID_INPUT = 100
MAX_LABEL = 2000
MAX_PLACEHOLDER = 150
MAX_OPTION_TEXT = 75
FALLBACK_ERROR = "keys.error_internal"


@dataclass(frozen=True)
class KeyModalInput:
    """What was typed into the form, ends stripped; empty optional ids are None."""

    project: str
    api_key: str = field(repr=False)  # never in a repr, so never in a log line by accident
    organization: str | None
    openai_project: str | None
    check_billing: bool


def render_key_modal(project_name: str | None = None) -> dict[str, Any]:
    """The form for handing over a key: project, key, optional ids, the billing check."""
    initial_project = one_line(project_name or "")[:MAX_PROJECT_NAME]
    billing_option = {
        "text": plain(text("key_modal.check_billing_option"), MAX_OPTION_TEXT),
        "value": CHECK_BILLING_VALUE,
    }
    blocks: list[Block] = [
        section(text("key_modal.intro")),
        _input(
            BLOCK_PROJECT,
            "project",
            _text_input("key_modal.project_placeholder", MAX_PROJECT_NAME, initial_project),
        ),
        _input(
            BLOCK_API_KEY,
            "api_key",
            _text_input("key_modal.api_key_placeholder", MAX_API_KEY_INPUT),
        ),
        _input(
            BLOCK_ORGANIZATION,
            "organization",
            _text_input("key_modal.organization_placeholder", MAX_OPENAI_ID_INPUT),
            optional=True,
        ),
        _input(
            BLOCK_OPENAI_PROJECT,
            "openai_project",
            _text_input("key_modal.openai_project_placeholder", MAX_OPENAI_ID_INPUT),
            optional=True,
        ),
        _input(
            BLOCK_CHECK_BILLING,
            "check_billing",
            {
                "type": "checkboxes",
                "action_id": INPUT_ACTION_ID,
                "options": [billing_option],
                "initial_options": [dict(billing_option)],
            },
            optional=True,
            hint=False,
        ),
    ]
    return _modal(
        blocks,
        callback_id=KEY_MODAL_CALLBACK_ID,
        submit=text("key_modal.submit"),
        close=text("key_modal.cancel"),
    )


def parse_key_modal(view_state_values: Mapping[str, Any]) -> KeyModalInput:
    """Read ``view["state"]["values"]`` of a submitted form; missing fields are ""/None."""
    organization = _typed(view_state_values, BLOCK_ORGANIZATION)
    openai_project = _typed(view_state_values, BLOCK_OPENAI_PROJECT)
    selected = _element_state(view_state_values, BLOCK_CHECK_BILLING).get("selected_options")
    return KeyModalInput(
        project=_typed(view_state_values, BLOCK_PROJECT),
        api_key=_typed(view_state_values, BLOCK_API_KEY),
        organization=organization or None,
        openai_project=openai_project or None,
        check_billing=isinstance(selected, list)
        and any(
            isinstance(option, Mapping) and option.get("value") == CHECK_BILLING_VALUE
            for option in selected
        ),
    )


def render_input_errors(problems: Mapping[Field, Problem]) -> dict[str, str]:
    """Inline errors by block id (``response_action: errors``); none repeats the input.

    A key typed into another field names that field, and says to treat the key as leaked.
    """
    errors: dict[str, str] = {}
    for which, problem in problems.items():
        values = dict(problem.values)
        if "field" in placeholders(problem.message_key):
            values["field"] = text(f"key_modal.{which.value}_label")
        errors[which.value] = text(problem.message_key, **values)
    return errors


def render_checking_view(project_name: str, masked: str) -> dict[str, Any]:
    """Shown while OpenAI is asked (the ack's ``response_action: update``)."""
    checking = text(
        "key_modal.checking", masked=shown_key(masked), project=project_label(project_name)
    )
    return _result_modal([section(checking), context(text("key_modal.checking_note"))])


def render_result_view(
    project_name: str,
    masked: str,
    result: ValidationResult,
    *,
    stored: bool,
    replaced: bool,
    steps: Sequence[Step],
) -> dict[str, Any]:
    """What the check found, what to do about it, and whether the key was saved."""
    saved = stored_line(project_name, result, stored=stored, replaced=replaced)
    return _result_modal(result_blocks(project_name, masked, result, steps, saved_line=saved))


def render_refused_view(project_name: str) -> dict[str, Any]:
    """The dialog's answer when the submitter may not change this project's key."""
    return _result_modal(render_refused(project_name))


def render_held_view(hold: Hold, project_name: str) -> dict[str, Any]:
    """The dialog's answer when a limit or the creation setting stopped the check."""
    return _result_modal(render_held(hold, project_name))


def render_error_view(message_key: str) -> dict[str, Any]:
    """One friendly sentence from messages.toml; an unknown key falls back to a generic one.

    An error view is shown while something already went wrong, so it must not fail itself.
    """
    if message_key not in all_templates():
        message_key = FALLBACK_ERROR
    try:
        sentence = text(message_key)
    except KeyError:  # a template that needs values we do not have
        sentence = text(FALLBACK_ERROR)
    return _result_modal([section(sentence)])


def _result_modal(blocks: list[Block]) -> dict[str, Any]:
    return _modal(blocks, callback_id=KEY_RESULT_CALLBACK_ID, close=text("key_modal.close"))


def _modal(
    blocks: list[Block], *, callback_id: str, close: str, submit: str | None = None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(text("key_modal.title"), MAX_MODAL_TITLE),
        "close": plain(close, MAX_MODAL_TITLE),
        "blocks": blocks,
    }
    if submit is not None:
        view["submit"] = plain(submit, MAX_MODAL_TITLE)
    return view


def _input(
    block_id: str, name: str, element: Block, *, optional: bool = False, hint: bool = True
) -> Block:
    """An input block labelled ``key_modal.<name>_label`` (and hinted by ``<name>_hint``)."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(text(f"key_modal.{name}_label"), MAX_LABEL),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(text(f"key_modal.{name}_hint"), MAX_LABEL)
    return block


def _text_input(placeholder_key: str, max_length: int, initial_value: str = "") -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION_ID,
        "placeholder": plain(text(placeholder_key), MAX_PLACEHOLDER),
        "max_length": max_length,
    }
    if initial_value:
        element["initial_value"] = initial_value
    return element


def _element_state(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any]:
    block = values.get(block_id)
    state = block.get(INPUT_ACTION_ID) if isinstance(block, Mapping) else None
    return state if isinstance(state, Mapping) else {}


def _typed(values: Mapping[str, Any], block_id: str) -> str:
    value = _element_state(values, block_id).get("value")
    return value.strip() if isinstance(value, str) else ""
