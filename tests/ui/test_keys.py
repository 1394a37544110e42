"""Team keys: the dialog, the results, the list, the App Home part and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.guide.model import Step
from bot.keys.outcomes import MODEL_NOT_FOUND, KeyOutcome, outcome_text
from bot.keys.validation import ValidationResult
from bot.rules.secrets import REDACTION_PATTERN as KEY_PATTERN
from bot.store.key_records import ProjectRow, StoredKeyFacts
from bot.store.models import AuditEvent
from bot.ui import actions
from bot.ui.guide import render_home
from bot.ui.key_list import STATUS_MARKS, person, slack_date, status_label
from bot.ui.keys import (
    BLOCK_API_KEY,
    BLOCK_CHECK_BILLING,
    BLOCK_OPENAI_PROJECT,
    BLOCK_ORGANIZATION,
    BLOCK_PROJECT,
    KEY_MODAL_CALLBACK_ID,
    home_keys_blocks,
    parse_key_modal,
    render_audit,
    render_audit_refused,
    render_checking_view,
    render_error_view,
    render_key_modal,
    render_key_unreadable,
    render_keys_list,
    render_not_found,
    render_refused,
    render_refused_view,
    render_result_view,
    render_revoked,
    render_test_result,
)
from tests.support.block_kit import (
    Blocks,
    Checker,
    all_strings,
    block_kit_problems,
    interactive_elements,
)

View = dict[str, Any]
Render = Callable[[Any], str]

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FULL_KEY = "sk-proj-" + "Abc123_xyz-" * 6 + "abcd"
MASKED = "sk-proj-…abcd"
NASTY = "<!channel> & co"
NASTY_ESCAPED = "&lt;!channel&gt; &amp; co"
INPUT_IDS = [BLOCK_PROJECT, BLOCK_API_KEY, BLOCK_ORGANIZATION, BLOCK_OPENAI_PROJECT,
             BLOCK_CHECK_BILLING]  # fmt: skip
STATUSES = ["valid", "restricted", "needs_credit", "spend_capped", "rejected"]


# --- helpers -------------------------------------------------------------------------------
def _plain_problems(where: str, obj: Any, limit: int) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") != "plain_text":
        return [f"{where}: not plain_text"]
    value = obj.get("text")
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        return [f"{where}: empty or longer than {limit}"]
    return []


def _input_problems(where: str, block: dict[str, Any]) -> list[str]:
    problems = _plain_problems(f"{where}.label", block.get("label"), 2000)
    if "hint" in block:
        problems += _plain_problems(f"{where}.hint", block["hint"], 2000)
    element = block.get("element", {})
    if element.get("action_id") != "value":
        problems.append(f"{where}: action_id must be 'value'")
    if "placeholder" in element:
        problems += _plain_problems(f"{where}.placeholder", element["placeholder"], 150)
    if element.get("type") == "plain_text_input":
        if not 0 < element.get("max_length", 3000) <= 3000:
            problems.append(f"{where}: bad max_length")
        if len(element.get("initial_value", "")) > element.get("max_length", 3000):
            problems.append(f"{where}: initial_value longer than max_length")
    elif element.get("type") == "checkboxes":
        for option in element.get("options", []):
            problems += _plain_problems(f"{where}.option", option.get("text"), 75)
        if any(option not in element["options"] for option in element.get("initial_options", [])):
            problems.append(f"{where}: initial_options must be among the options")
    else:
        problems.append(f"{where}: unexpected element {element.get('type')!r}")
    return problems


def view_problems(view: View) -> list[str]:
    """Slack's rules for a modal, with the message-block checks for its non-input blocks."""
    problems = [] if view.get("type") == "modal" else ["not a modal"]
    problems += _plain_problems("title", view.get("title"), 24)
    problems += _plain_problems("close", view.get("close"), 24)
    if "submit" in view:
        problems += _plain_problems("submit", view["submit"], 24)
    blocks = view.get("blocks", [])
    if not 0 < len(blocks) <= 100:
        problems.append("a modal needs 1..100 blocks")
    inputs = [block for block in blocks if block.get("type") == "input"]
    if inputs and "submit" not in view:
        problems.append("inputs need a submit button")
    for block in inputs:
        problems += _input_problems(f"input {block.get('block_id')}", block)
    others = [block for block in blocks if block.get("type") != "input"]
    if others:
        problems += block_kit_problems(others, max_blocks=100)
    return problems


def confirm_problems(element: dict[str, Any]) -> list[str]:
    confirm = element.get("confirm")
    if confirm is None:
        return []
    problems = _plain_problems("confirm.title", confirm.get("title"), 100)
    problems += _plain_problems("confirm.confirm", confirm.get("confirm"), 30)
    problems += _plain_problems("confirm.deny", confirm.get("deny"), 30)
    body = confirm.get("text", {})
    if body.get("type") not in ("plain_text", "mrkdwn") or not 0 < len(body.get("text", "")) <= 300:
        problems.append("confirm.text: empty or over 300 characters")
    return problems


def facts(status: str = "valid", **changes: Any) -> StoredKeyFacts:
    values: dict[str, Any] = {
        "masked": MASKED,
        "fingerprint": "f" * 64,
        "status": status,
        "set_by": "U0123ABCD",
        "set_at": NOW - timedelta(days=2),
        "last_checked_at": NOW - timedelta(days=1),
        "last_outcome": "valid",
        "openai_organization": "org-abc123",
        "openai_project": "proj_def456",
        "keyring_key_id": "k1",
        "organization_hint": None,
        "project_hint": None,
    }
    values.update(changes)
    return StoredKeyFacts(**values)


def project(
    project_id: int, name: str = "prod", key: StoredKeyFacts | None = None, *, keyless: bool = False
) -> ProjectRow:
    stored = None if keyless else (key or facts())
    return ProjectRow(project_id, name, "U0123ABCD", frozenset({"U0123ABCD"}), stored)


def result(outcome: KeyOutcome = KeyOutcome.VALID, **changes: Any) -> ValidationResult:
    values: dict[str, Any] = {
        "outcome": outcome,
        "step": outcome_text(outcome).step,
        "http_status": 200,
        "request_id": "req_0123456789abcdef",
        "organization": "org-abc123",
        "project": "proj_def456",
        "reply": "Hello! How can I help you today?",
        "billing_checked": True,
        "key_authenticated": True,
    }
    values.update(changes)
    return ValidationResult(**values)


def audit(actor: str = "U0123ABCD", **changes: Any) -> AuditEvent:
    values: dict[str, Any] = {
        "team_id": "T1",
        "actor": actor,
        "action": "set",
        "outcome": "valid",
        "project_name": "prod",
        "fingerprint_id": "0123456789ab",
        "created_at": NOW - timedelta(hours=3),
    }
    values.update(changes)
    return AuditEvent(**values)


def _buttons(blocks: Blocks) -> dict[str, dict[str, Any]]:
    return {element["action_id"]: element for element in interactive_elements(blocks)}


def _input(view: View, block_id: str) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def every_output(steps: tuple[Step, ...], name: str = "prod", masked: str = MASKED) -> list[Any]:
    rows = [project(1, name), project(2, name, keyless=True)]
    outputs: list[Any] = [
        render_key_modal(name),
        render_checking_view(name, masked),
        render_refused_view(name),
        render_refused(name),
        render_revoked(name, masked),
        render_key_unreadable(name),
        render_keys_list(rows, manageable={1, 2}, now=NOW),
        home_keys_blocks(rows, manageable={1, 2}, now=NOW),
        render_audit([audit(project_name=name)], name, now=NOW),
    ]
    for outcome in KeyOutcome:
        found = result(outcome)
        outputs.append(render_test_result(name, masked, found, steps))
        for stored, replaced in ((True, True), (True, False), (False, False)):
            outputs.append(
                render_result_view(
                    name, masked, found, stored=stored, replaced=replaced, steps=steps
                )
            )
    return outputs


# --- the dialog ----------------------------------------------------------------------------
def test_key_modal_has_the_contracted_ids() -> None:
    view = render_key_modal("prod")
    assert view_problems(view) == []
    assert view["callback_id"] == KEY_MODAL_CALLBACK_ID == "api_key_modal"
    ids = [block["block_id"] for block in view["blocks"] if block["type"] == "input"]
    assert ids == INPUT_IDS == ["project", "api_key", "organization", "openai_project",
                                "check_billing"]  # fmt: skip
    assert all(_input(view, block_id)["element"]["action_id"] == "value" for block_id in ids)
    assert view["title"]["text"] == "OpenAI API key"
    assert view["submit"]["text"] == "Check and save"
    assert view["close"]["text"] == "Cancel"


def test_key_modal_inputs(rendered_text: Render) -> None:
    view = render_key_modal("prod")
    project_input = _input(view, BLOCK_PROJECT)
    assert project_input["element"]["initial_value"] == "prod"
    assert project_input["element"]["max_length"] == 80
    key_input = _input(view, BLOCK_API_KEY)
    assert key_input["element"]["type"] == "plain_text_input"
    assert "initial_value" not in key_input["element"]
    assert key_input["element"]["placeholder"]["text"] == "sk-proj-…"
    assert key_input["element"]["max_length"] == 300
    organization = _input(view, BLOCK_ORGANIZATION)
    assert organization["optional"] is True
    assert organization["element"]["placeholder"]["text"] == "org-…"
    assert "organization" in organization["hint"]["text"]
    openai_project = _input(view, BLOCK_OPENAI_PROJECT)
    assert openai_project["optional"] is True
    assert openai_project["element"]["placeholder"]["text"] == "proj_…"
    billing = _input(view, BLOCK_CHECK_BILLING)
    assert billing["optional"] is True
    assert billing["element"]["type"] == "checkboxes"
    assert [option["value"] for option in billing["element"]["options"]] == ["yes"]
    assert billing["element"]["initial_options"] == billing["element"]["options"]
    assert "Say hello" in billing["element"]["options"][0]["text"]["text"]
    said = rendered_text(view)
    assert "Only you see this dialog" in said
    assert "Slack cannot hide what you type" in said
    assert "`sk-proj-…abcd`" in said
    assert "encrypted" in said


def test_key_modal_without_a_project_is_not_prefilled() -> None:
    for view in (render_key_modal(), render_key_modal(None), render_key_modal("  ")):
        assert view_problems(view) == []
        assert "initial_value" not in _input(view, BLOCK_PROJECT)["element"]


def test_key_modal_keeps_a_long_project_name_within_max_length() -> None:
    element = _input(render_key_modal("x" * 200), BLOCK_PROJECT)["element"]
    assert len(element["initial_value"]) == 80


def test_parse_key_modal_reads_a_submission() -> None:
    values = {
        "project": {"value": {"type": "plain_text_input", "value": "  prod \n"}},
        "api_key": {"value": {"type": "plain_text_input", "value": f" {FULL_KEY}\n"}},
        "organization": {"value": {"type": "plain_text_input", "value": "org-abc123"}},
        "openai_project": {"value": {"type": "plain_text_input", "value": None}},
        "check_billing": {
            "value": {
                "type": "checkboxes",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": "Send…", "emoji": True}, "value": "yes"}
                ],
            }
        },
    }
    parsed = parse_key_modal(values)
    assert parsed.project == "prod"
    assert parsed.api_key == FULL_KEY
    assert parsed.organization == "org-abc123"
    assert parsed.openai_project is None
    assert parsed.check_billing is True
    assert FULL_KEY not in repr(parsed)


def test_parse_key_modal_unticked_and_missing() -> None:
    values = {
        "project": {"value": {"type": "plain_text_input", "value": "prod"}},
        "organization": {"value": {"type": "plain_text_input", "value": "   "}},
        "check_billing": {"value": {"type": "checkboxes", "selected_options": []}},
    }
    parsed = parse_key_modal(values)
    assert (parsed.api_key, parsed.organization, parsed.openai_project) == ("", None, None)
    assert parsed.check_billing is False
    empty = parse_key_modal({})
    assert (empty.project, empty.api_key, empty.check_billing) == ("", "", False)
    odd = parse_key_modal({"project": "x", "api_key": {"value": 3}, "check_billing": {"value": {}}})
    assert (odd.project, odd.api_key, odd.check_billing) == ("", "", False)


def test_checking_view(rendered_text: Render) -> None:
    view = render_checking_view(NASTY, MASKED)
    assert view_problems(view) == []
    assert "submit" not in view
    assert view["close"]["text"] == "Close"
    assert view["title"]["text"] == "OpenAI API key"
    said = rendered_text(view)
    assert f"Checking the key `{MASKED}` for *{NASTY_ESCAPED}* with OpenAI…" in said


# --- results -------------------------------------------------------------------------------
@pytest.mark.parametrize("outcome", list(KeyOutcome))
def test_every_outcome_renders(
    outcome: KeyOutcome, steps: tuple[Step, ...], check_message: Checker, rendered_text: Render
) -> None:
    found = result(outcome)
    words = outcome_text(outcome)
    view = render_result_view(
        "prod", MASKED, found, stored=outcome.stores_key, replaced=False, steps=steps
    )
    assert view_problems(view) == []
    assert "submit" not in view
    assert list(interactive_elements(view["blocks"])) == []
    message = render_test_result("prod", MASKED, found, steps)
    check_message(message)
    for said in (rendered_text(view), rendered_text(message)):
        assert words.title in said
        assert words.explanation.split("`")[0] in said
        assert f"`{MASKED}`" in said
        assert "Request id" in said and "`req_0123456789abcdef`" in said
        assert "org-abc123" in said and "proj_def456" in said
        assert "Hello! How can I help you today?" in said
        if words.step is not None:
            assert f"`/openai-setup {words.step}`" in said


def test_result_points_at_the_step_that_fixes_it(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    found = result(KeyOutcome.NO_CREDIT)
    said = rendered_text(
        render_result_view("prod", MASKED, found, stored=True, replaced=False, steps=steps)
    )
    assert "Fixed in step 5: Add at least US$5 of credit — type `/openai-setup 5`" in said
    assert ":credit_card:" in said
    valid = rendered_text(render_test_result("prod", MASKED, result(), steps))
    assert "Next: step 7: Next steps — type `/openai-setup 7`" in valid
    untitled = rendered_text(render_test_result("prod", MASKED, found, ()))
    assert "Fixed in step 5 — type `/openai-setup 5`" in untitled


def test_result_says_whether_it_was_saved(steps: tuple[Step, ...], rendered_text: Render) -> None:
    def said(found: ValidationResult, stored: bool, replaced: bool) -> str:
        view = render_result_view(
            NASTY, MASKED, found, stored=stored, replaced=replaced, steps=steps
        )
        return rendered_text(view)

    assert f"Saved for *{NASTY_ESCAPED}* — it replaced the previous key" in said(
        result(), True, True
    )
    assert f"Saved for *{NASTY_ESCAPED}*." in said(result(), True, False)
    assert "Not saved: OpenAI did not accept" in said(result(KeyOutcome.INVALID), False, False)
    assert "Not saved: the check could not finish" in said(
        result(KeyOutcome.TRY_LATER), False, False
    )


def test_result_notes_reply_and_missing_facts(
    steps: tuple[Step, ...], rendered_text: Render
) -> None:
    unchecked = result(billing_checked=False, reply=None, request_id=None, organization=None,
                       project=None)  # fmt: skip
    said = rendered_text(render_test_result("prod", MASKED, unchecked, steps))
    assert "Billing was not checked" in said
    assert "Request id" not in said
    assert "belongs to" not in said
    assert "reply" not in said
    unavailable = result(error_code=MODEL_NOT_FOUND, step=6)
    assert "test model is not available" in rendered_text(
        render_test_result("prod", MASKED, unavailable, steps)
    )
    chatty = result(reply="<!here> " + "word " * 200)
    blocks = render_test_result("prod", MASKED, chatty, steps)
    reply_text = next(line for line in all_strings(blocks) if "Say hello" in line)
    assert "<!here>" not in reply_text and "&lt;!here&gt;" in reply_text
    assert len(reply_text) < 400


def test_no_output_contains_a_full_key(steps: tuple[Step, ...]) -> None:
    for output in every_output(steps):
        for string in all_strings(output):
            assert not KEY_PATTERN.search(string), string


def test_a_full_key_passed_as_masked_is_masked_again(steps: tuple[Step, ...]) -> None:
    for output in every_output(steps, masked=FULL_KEY):
        for string in all_strings(output):
            assert FULL_KEY not in string
            assert not KEY_PATTERN.search(string), string


def test_project_names_are_escaped_everywhere(steps: tuple[Step, ...]) -> None:
    modal, *others = every_output(steps, name=NASTY)
    assert not any("<!channel>" in string for string in all_strings(modal["blocks"][0]))
    for output in others:
        strings = list(all_strings(output))
        assert not any("<!channel>" in string for string in strings)
        assert any(NASTY_ESCAPED in string for string in strings)


def test_modal_prefill_is_raw_text_not_mrkdwn() -> None:
    """An input's initial_value is plain text: escaping it would show &amp; to the person."""
    element = _input(render_key_modal(NASTY), BLOCK_PROJECT)["element"]
    assert element["initial_value"] == NASTY


# --- refusals and other answers ------------------------------------------------------------
def test_refused(check_message: Checker, rendered_text: Render) -> None:
    blocks = render_refused(NASTY)
    check_message(blocks)
    view = render_refused_view(NASTY)
    assert view_problems(view) == []
    for said in (rendered_text(blocks), rendered_text(view)):
        assert f"*{NASTY_ESCAPED}*" in said
        assert "admins and owners" in said
        assert "KEY_ADMINS" in said
        assert "maintainers" in said
        assert "`/openai-setup keys`" in said


def test_revoked_unreadable_not_found(check_message: Checker, rendered_text: Render) -> None:
    revoked = render_revoked("prod", MASKED)
    check_message(revoked)
    said = rendered_text(revoked)
    assert f"`{MASKED}`" in said
    assert "https://platform.openai.com/api-keys" in said
    assert "⋯ → *Delete*" in said
    unreadable = render_key_unreadable("prod")
    check_message(unreadable)
    assert "cannot be decrypted" in rendered_text(unreadable)
    assert "Other projects are not affected" in rendered_text(unreadable)
    check_message(render_not_found())


def test_error_view(rendered_text: Render) -> None:
    view = render_error_view("keys.error_internal")
    assert view_problems(view) == []
    assert "nothing was saved" in rendered_text(view)
    # An unknown key, or one that needs values, still gives a friendly view.
    for key in ("keys.nope", "key_result.refused"):
        assert "nothing was saved" in rendered_text(render_error_view(key))
    assert "out of date" in rendered_text(render_error_view("key_modal.expired"))


# --- the list ------------------------------------------------------------------------------
def test_keys_list_rows(check_message: Checker, rendered_text: Render) -> None:
    rows = [
        project(1, "prod"),
        project(2, "staging", facts("needs_credit", set_by="cli", last_checked_at=None)),
        project(3, "empty", keyless=True),
    ]
    blocks = render_keys_list(rows, manageable={1, 2, 3}, now=NOW)
    check_message(blocks)
    said = rendered_text(blocks)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Team keys",
                                                     "emoji": True}}  # fmt: skip
    assert f"*prod* · `{MASKED}`" in said
    assert ":white_check_mark: valid" in said
    assert ":credit_card: needs credit" in said
    assert "never checked" in said
    unix = int((NOW - timedelta(days=1)).timestamp())
    assert f"<!date^{unix}^{{date_short_pretty}} at {{time}}|2026-11-19 12:00 UTC>" in said
    assert "set by <@U0123ABCD>" in said
    assert "set by cli" in said
    assert "OpenAI organization `org-abc123`" in said
    assert ":heavy_minus_sign: no key" in said
    buttons = _buttons(blocks)
    assert buttons["keys_test:1"]["value"] == "1"
    assert buttons["keys_replace:1"]["value"] == "1"
    assert buttons["keys_revoke:1"]["style"] == "danger"
    assert buttons["keys_replace:3"]["text"]["text"] == "Add key"
    assert "keys_test:3" not in buttons and "keys_revoke:3" not in buttons
    assert buttons[actions.OPEN_KEY_MODAL]["text"]["text"] == "Submit a key"
    assert "Only workspace admins" in rendered_text(blocks[-1])


def test_revoke_asks_for_confirmation() -> None:
    blocks = render_keys_list([project(7)], manageable={7}, now=NOW)
    revoke = _buttons(blocks)["keys_revoke:7"]
    assert confirm_problems(revoke) == []
    confirm = revoke["confirm"]
    assert confirm["title"]["text"] == "Revoke this key?"
    assert confirm["confirm"]["text"] == "Revoke"
    assert confirm["deny"]["text"] == "Cancel"
    assert "platform.openai.com/api-keys" in confirm["text"]["text"]
    assert MASKED in confirm["text"]["text"]


def test_buttons_only_for_manageable_projects() -> None:
    rows = [project(1, "a"), project(2, "b"), project(3, "c", keyless=True)]
    ids = set(_buttons(render_keys_list(rows, manageable={2}, now=NOW)))
    assert ids == {"keys_test:2", "keys_replace:2", "keys_revoke:2", actions.OPEN_KEY_MODAL}
    nobody = set(_buttons(render_keys_list(rows, manageable=(), now=NOW)))
    assert nobody == {actions.OPEN_KEY_MODAL}
    home = set(_buttons(home_keys_blocks(rows, manageable=set(), now=NOW)))
    assert home == set()


@pytest.mark.parametrize("manageable", [set(), set(range(200)), set(range(0, 200, 3))])
def test_two_hundred_projects_fit(
    manageable: set[int], check_message: Checker, rendered_text: Render
) -> None:
    rows = [project(number, f"project {number:03}") for number in range(200)]
    blocks = render_keys_list(rows, manageable=manageable, now=NOW)
    check_message(blocks)
    assert len(blocks) <= 50
    shown = sum(
        1 for block in blocks if "project " in rendered_text(block) and block["type"] == "section"
    )
    more = re.search(r"and (\d+) more projects", rendered_text(blocks))
    assert more is not None
    assert shown + int(more.group(1)) == 200
    assert _buttons(blocks)[actions.OPEN_KEY_MODAL]
    home = home_keys_blocks(rows, manageable=manageable, now=NOW)
    check_message(home)
    assert len(home) <= 40
    assert "`/openai-setup keys`" in rendered_text(home)


def test_list_uses_all_the_room_it_has(check_message: Checker) -> None:
    """47 rows without buttons fit exactly; 48 need the "and N more" line."""
    exact = render_keys_list([project(n) for n in range(47)], manageable=(), now=NOW)
    check_message(exact)
    assert len(exact) == 50
    over = render_keys_list([project(n) for n in range(48)], manageable=(), now=NOW)
    check_message(over)
    assert "and 2 more" in str(over)


def test_empty_list(check_message: Checker, rendered_text: Render) -> None:
    blocks = render_keys_list([], manageable=(), now=NOW)
    check_message(blocks)
    assert "No team keys yet" in rendered_text(blocks)
    assert actions.OPEN_KEY_MODAL in _buttons(blocks)
    home = home_keys_blocks([], manageable=(), now=NOW)
    check_message(home)
    assert "No team keys yet" in rendered_text(home)


def test_home_keys_fit_in_the_app_home(steps: tuple[Step, ...], check_view: Checker) -> None:
    rows = [project(number, f"p{number}") for number in range(200)]
    extra = home_keys_blocks(rows, manageable=set(range(200)), now=NOW)
    view = render_home(steps, frozenset({1}), extra_blocks=extra)
    check_view(view["blocks"])


@pytest.mark.parametrize("status", [*STATUSES, None])
def test_every_status_has_words_and_an_emoji(status: str | None) -> None:
    label = status_label(status)
    assert label.startswith(STATUS_MARKS[status or "none"])
    assert "{" not in label


def test_status_words() -> None:
    assert status_label("restricted") == ":lock: restricted (missing some permissions)"
    assert status_label("spend_capped") == ":billed_cap: spend limit reached"
    assert status_label("rejected") == ":x: rejected by OpenAI"
    assert "&lt;b&gt;" in status_label("<b>")


def test_stale_check_is_flagged(rendered_text: Render) -> None:
    old = project(1, key=facts(last_checked_at=NOW - timedelta(days=45)))
    assert "not checked for 45 days" in rendered_text(
        render_keys_list([old], manageable=(), now=NOW)
    )
    assert "not checked for" not in rendered_text(
        render_keys_list([project(1)], manageable=(), now=NOW)
    )


def test_slack_date_and_people() -> None:
    naive = datetime(2026, 1, 2, 3, 4)
    assert slack_date(naive) == (
        f"<!date^{int(naive.replace(tzinfo=UTC).timestamp())}"
        "^{date_short_pretty} at {time}|2026-01-02 03:04 UTC>"
    )
    assert person("U0123ABCD") == "<@U0123ABCD>"
    assert person("cli") == "cli"
    assert person("<!channel>") == "&lt;!channel&gt;"


# --- the audit trail -----------------------------------------------------------------------
def test_audit_rows(check_message: Checker, rendered_text: Render) -> None:
    events = [
        audit(),
        audit("cli", action="export", outcome="exported"),
        audit("slack", action="shred", project_name=None, fingerprint_id=None),
    ]
    blocks = render_audit(events, None, now=NOW)
    check_message(blocks)
    said = rendered_text(blocks)
    assert "<@U0123ABCD> · `set` · *prod* · `valid` · key id `0123456789ab`" in said
    assert "cli · `export`" in said
    assert "slack · `shred` · `valid`" in said
    assert "<!date^" in said


def test_audit_for_one_project_and_escaping(check_message: Checker, rendered_text: Render) -> None:
    blocks = render_audit([audit(project_name=NASTY)], NASTY, now=NOW)
    check_message(blocks)
    assert "<!channel>" not in rendered_text(blocks)
    assert f"*{NASTY_ESCAPED}*" in rendered_text(blocks)


def test_audit_many_events_stay_within_limits(
    check_message: Checker, rendered_text: Render
) -> None:
    events = [audit(project_name="<&>" * 26, actor="x" * 64) for _ in range(500)]
    blocks = render_audit(events, None, now=NOW)
    check_message(blocks)
    more = re.search(r"and (\d+) older events", rendered_text(blocks))
    assert more is not None
    shown = rendered_text(blocks).count("<!date^") - 1  # minus the "as of" line
    assert shown + int(more.group(1)) == 500


def test_audit_empty_and_refused(check_message: Checker, rendered_text: Render) -> None:
    empty = render_audit([], None, now=NOW)
    check_message(empty)
    assert "No key activity" in rendered_text(empty)
    for_project = render_audit([], "prod", now=NOW)
    check_message(for_project)
    assert "*prod*" in rendered_text(for_project)
    refused = render_audit_refused()
    check_message(refused)
    assert "KEY_ADMINS" in rendered_text(refused)


# --- action ids ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "base"),
    [
        (actions.KEYS_TEST_PATTERN, actions.KEYS_TEST),
        (actions.KEYS_REPLACE_PATTERN, actions.KEYS_REPLACE),
        (actions.KEYS_REVOKE_PATTERN, actions.KEYS_REVOKE),
    ],
)
def test_key_button_patterns(pattern: re.Pattern[str], base: str) -> None:
    assert pattern.match(actions.action_id(base, 12))
    assert pattern.match(base)
    assert not pattern.match(actions.OPEN_KEY_MODAL)
    assert not pattern.match(base + ":x")
